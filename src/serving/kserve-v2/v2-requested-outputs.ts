import { InvalidParameterError } from '../../errors/assay-error.js';
import type { ModelSignature } from '../../runtime/model-spec.js';
import { datatypeOfSpecType } from './v2-datatypes.js';
import { booleanParameter, isJsonObject, parametersOf } from './v2-json-object.js';

/** An output the request asks for, and whether it comes back in the binary part. */
export interface RequestedOutput {
  readonly name: string;
  readonly binary: boolean;
}

/**
 * The request's `outputs`, or null when it names none (absent or `[]`): the protocol then returns
 * every output. Each output's `parameters.binary_data` overrides the request's default
 * (`parameters.binary_data_output`) either way.
 */
export function requestedOutputs(
  raw: unknown,
  signature: ModelSignature,
  binaryByDefault: boolean,
): RequestedOutput[] | null {
  if (raw === undefined) return null;
  if (!Array.isArray(raw)) throw new InvalidParameterError("'outputs' must be an array");
  const carried = signature.outputs.filter((spec) => datatypeOfSpecType(spec.type) !== null);
  const seen = new Set<string>();
  const outputs = raw.map((item: unknown, index): RequestedOutput => {
    if (!isJsonObject(item) || typeof item['name'] !== 'string') {
      throw new InvalidParameterError(`outputs[${index}]: 'name' must be a string`);
    }
    const name = item['name'];
    const spec = signature.outputs.find((output) => output.name === name);
    if (spec === undefined) {
      const names = carried.map((output) => output.name).join(', ');
      throw new InvalidParameterError(`Unknown output '${name}'; the model gives: ${names}`);
    }
    if (datatypeOfSpecType(spec.type) === null) {
      throw new InvalidParameterError(
        `Output '${name}' is not a tensor (${spec.type}), which KServe v2 cannot carry`,
      );
    }
    if (seen.has(name)) throw new InvalidParameterError(`Output '${name}' is requested twice`);
    seen.add(name);
    const where = `Output '${name}': `;
    const binary = booleanParameter(parametersOf(item, where), 'binary_data', where);
    return { name, binary: binary ?? binaryByDefault };
  });
  return outputs.length === 0 ? null : outputs;
}
