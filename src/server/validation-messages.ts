import type { FastifyError } from 'fastify';
import { invalidParameterMessage, missingParameterMessage } from '../errors/request-messages.js';

interface AjvErrorLike {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  data?: unknown;
}

/**
 * Turns a schema-validation failure into MLflow's wording, naming the field:
 * "Missing value for required parameter 'run_id'. ..." or
 * "Invalid value 50001 for parameter 'max_results' supplied. Hint: Value was of type 'int'. ...".
 * A required string given as "" counts as missing, as in MLflow.
 */
export function validationErrorMessage(error: FastifyError): string {
  const first = (error.validation?.[0] ?? {}) as AjvErrorLike;
  const field = fieldName(first.instancePath);
  if (first.keyword === 'required') {
    const missing = String(first.params.missingProperty ?? '');
    return missingParameterMessage(field ? `${field}.${missing}` : missing);
  }
  if (first.keyword === 'additionalProperties') {
    const unknown = String(first.params.additionalProperty ?? '');
    return `Unknown parameter '${field ? `${field}.${unknown}` : unknown}' supplied. See the API docs for more information about request parameters.`;
  }
  if (first.keyword === 'minLength' && first.data === '') {
    return missingParameterMessage(field);
  }
  return invalidParameterMessage(field, first.data);
}

/** `/metrics/3/value` -> `metrics[3].value` */
function fieldName(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}
