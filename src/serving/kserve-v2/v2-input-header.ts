import { InvalidParameterError } from '../../errors/assay-error.js';
import type { TensorSpec } from '../../runtime/model-spec.js';
import { datatypeOfSpecType, isV2Datatype, V2_DATATYPES, type V2Datatype } from './v2-datatypes.js';
import { parametersOf, type JsonObject } from './v2-json-object.js';
import { shapeText } from './v2-shape.js';

/** One request input's description, checked against the model's input of that name. */
export interface InputHeader {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly dims: readonly number[];
  /** The size of its blob in the binary part, or null when its elements are in `data`. */
  readonly binaryDataSize: number | null;
  readonly data: unknown;
}

/**
 * Checks an input's datatype and shape against the model's: same datatype, same rank, fixed
 * dimensions equal (symbolic ones, like the batch N, take any size).
 */
export function checkInputHeader(raw: JsonObject, spec: TensorSpec): InputHeader {
  const what = `Input '${spec.name}'`;
  const expected = datatypeOfSpecType(spec.type);
  if (expected === null) {
    throw new InvalidParameterError(`${what}: the model takes ${spec.type}, which KServe v2 cannot carry`);
  }
  const datatype = raw['datatype'];
  if (!isV2Datatype(datatype)) {
    const given =
      typeof datatype === 'string' ? `unknown datatype '${datatype}'` : "'datatype' must be a string";
    throw new InvalidParameterError(`${what}: ${given}; KServe v2 datatypes are ${V2_DATATYPES.join(', ')}`);
  }
  if (datatype !== expected) {
    throw new InvalidParameterError(`${what}: datatype ${datatype} does not match the model's ${expected}`);
  }
  const dims = checkShape(raw['shape'], spec, what);
  const binaryDataSize = binaryDataSizeOf(raw, what);
  const data = raw['data'];
  if (binaryDataSize !== null && data !== undefined) {
    throw new InvalidParameterError(`${what}: has both 'data' and parameters.binary_data_size`);
  }
  if (binaryDataSize === null && data === undefined) {
    throw new InvalidParameterError(`${what}: has no 'data' (nor parameters.binary_data_size)`);
  }
  return { name: spec.name, datatype, dims, binaryDataSize, data };
}

function checkShape(shape: unknown, spec: TensorSpec, what: string): number[] {
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && (dim as number) >= 0)) {
    throw new InvalidParameterError(`${what}: 'shape' must be an array of non-negative integers`);
  }
  const dims = shape as number[];
  if (dims.length !== spec.shape.length) {
    throw new InvalidParameterError(
      `${what}: shape ${shapeText(dims)} has ${plural(dims.length, 'dimension')} but the model's ` +
        `${shapeText(spec.shape)} has ${spec.shape.length}`,
    );
  }
  spec.shape.forEach((fixed, axis) => {
    if (typeof fixed === 'number' && fixed >= 0 && dims[axis] !== fixed) {
      throw new InvalidParameterError(
        `${what}: dimension ${axis} is ${dims[axis]} but the model's shape ${shapeText(spec.shape)} fixes it at ${fixed}`,
      );
    }
  });
  return dims;
}

function binaryDataSizeOf(raw: JsonObject, what: string): number | null {
  const size = parametersOf(raw, `${what}: `)['binary_data_size'];
  if (size === undefined) return null;
  if (!Number.isSafeInteger(size) || (size as number) < 0) {
    throw new InvalidParameterError(`${what}: parameters.binary_data_size must be a non-negative integer`);
  }
  return size as number;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
