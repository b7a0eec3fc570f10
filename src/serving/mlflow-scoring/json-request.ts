import { BadRequestError } from '../../errors/assay-error.js';
import { isPlainObject } from './json-columns.js';

export type RequestKey = 'dataframe_split' | 'dataframe_records' | 'instances' | 'inputs';

const REQUEST_KEYS: readonly RequestKey[] = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'];

/** MLflow's REQUIRED_INPUT_FORMAT (mlflow/pyfunc/scoring_server/__init__.py), word for word. */
const REQUIRED_INPUT_FORMAT = `The input must be a JSON dictionary with exactly one of the input fields {${REQUEST_KEYS.map((key) => `'${key}'`).join(', ')}}`;

/** The one input field of a JSON request, and its value. */
export interface JsonRequest {
  readonly key: RequestKey;
  readonly value: unknown;
}

/**
 * A JSON body as MLflow's scoring server reads it: an object with exactly one of the four input
 * fields; `params` (inference parameters, which the ONNX flavor ignores) and any other field are
 * ignored, as MLflow ignores them. Messages are MLflow's, except that they list every field received
 * (MLflow lists only the input fields, which says nothing when there are none) and leave out the
 * input itself. MLflow's unwrapped LLM bodies (`messages`, `prompt`, `input`) are not taken.
 */
export function jsonRequest(body: Buffer): JsonRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new BadRequestError(
      `Invalid input. Ensure that input is a valid JSON formatted string. Error: '${(error as Error).message}'`,
    );
  }
  if (Array.isArray(parsed)) throw new BadRequestError(`${REQUIRED_INPUT_FORMAT}. Received a list.`);
  if (!isPlainObject(parsed)) {
    const type = parsed === null ? 'null' : typeof parsed;
    throw new BadRequestError(`${REQUIRED_INPUT_FORMAT}. Received unexpected input type '${type}'.`);
  }
  const request = parsed;
  const fields = Object.keys(request);
  const keys = REQUEST_KEYS.filter((key) => Object.hasOwn(request, key));
  const [key] = keys;
  if (key === undefined || keys.length > 1) {
    const received = fields.map((field) => `'${field}'`).join(', ');
    throw new BadRequestError(
      `${REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: [${received}].`,
    );
  }
  return { key, value: request[key] };
}
