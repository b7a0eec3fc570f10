import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { missingParameterMessage } from '../../errors/request-messages.js';

/** Request pieces shared by the registry endpoints. */

/**
 * Tags as MLflow reads them from a create request: a missing key is the proto default "", which the
 * tag-name check then refuses with MLflow's message (not a schema error).
 */
export const RegistryTagList = Type.Array(
  Type.Object({ key: Type.Optional(Type.String()), value: Type.Optional(Type.String()) }),
);

export function registryTags(
  tags: readonly { key?: string | undefined; value?: string | undefined }[] | undefined,
) {
  return (tags ?? []).map((tag) => ({ key: tag.key ?? '', value: tag.value ?? '' }));
}

/**
 * MLflow reads a GET's query string without its required-parameter checks, leaving empty values to
 * the store's messages ("Registered model name cannot be empty."); only a GET with no query
 * string at all goes through them. This hook reproduces that one case.
 */
export function requiredWhenNoQuery(field: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    if (query === '') throw new InvalidParameterError(missingParameterMessage(field));
  };
}
