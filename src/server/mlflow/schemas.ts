import { Type } from 'typebox';

/** Request pieces shared by MLflow endpoints. Required strings are non-empty, as in MLflow. */
export const RequiredString = Type.String({ minLength: 1 });

export const KeyValueSchema = Type.Object({
  key: RequiredString,
  value: Type.Optional(Type.String()),
});

export const KeyValueList = Type.Array(KeyValueSchema);

/** int64 values: JSON numbers, or numeric strings (protobuf JSON accepts both). */
export const Int64 = Type.Integer();

/** Doubles may be numbers or the strings "NaN", "Infinity", "-Infinity". */
export const DoubleValue = Type.Union([Type.Number(), Type.String()]);

export const RunIdFields = {
  run_id: Type.Optional(Type.String()),
  run_uuid: Type.Optional(Type.String()),
};
