import { pythonStr, pythonTypeName } from '../util/python-format.js';

/**
 * MLflow's wording for request-parameter problems, shared by the HTTP schema boundary and by
 * services that check the same parameters more deeply (e.g. a metric value given as a string).
 */
const API_DOCS_HINT = 'See the API docs for more information about request parameters.';

export function missingParameterMessage(name: string): string {
  return `Missing value for required parameter '${name}'. ${API_DOCS_HINT}`;
}

export function invalidParameterMessage(name: string, value: unknown): string {
  return `Invalid value ${pythonStr(value)} for parameter '${name}' supplied. Hint: Value was of type '${pythonTypeName(value)}'. ${API_DOCS_HINT}`;
}
