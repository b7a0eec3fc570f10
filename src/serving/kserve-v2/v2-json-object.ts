import { InvalidParameterError } from '../../errors/assay-error.js';

/** A parsed JSON object (not an array, not null). */
export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A request's optional `parameters` object, `{}` when absent. `where` prefixes the message
 * (`Input 'x': `, or '' at the top level).
 */
export function parametersOf(holder: JsonObject, where: string): JsonObject {
  const parameters = holder['parameters'];
  if (parameters === undefined) return {};
  if (!isJsonObject(parameters)) throw new InvalidParameterError(`${where}'parameters' must be an object`);
  return parameters;
}

/** An optional boolean parameter; JSON booleans only, as the protocol types them. */
export function booleanParameter(parameters: JsonObject, name: string, where: string): boolean | undefined {
  const value = parameters[name];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InvalidParameterError(`${where}parameters.${name} must be true or false`);
}

/** An optional non-negative integer parameter (e.g. `timeout`, in microseconds as Triton takes it). */
export function countParameter(parameters: JsonObject, name: string, where: string): number | undefined {
  const value = parameters[name];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new InvalidParameterError(`${where}parameters.${name} must be a whole number >= 0`);
}
