import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../audit/request-context.js';

/**
 * Who made a request: the HTTP Basic user name when the client sent one (MLflow's clients do when
 * MLFLOW_TRACKING_USERNAME is set), else the `X-Assay-Actor` header, else "anonymous". It names
 * the actor in the audit log; it authenticates nothing.
 */
export function requestContext(request: FastifyRequest): RequestContext {
  return {
    actor:
      basicAuthUser(request.headers.authorization) ??
      declaredActor(request.headers['x-assay-actor']) ??
      'anonymous',
  };
}

function basicAuthUser(header: string | undefined): string | undefined {
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = (colon < 0 ? decoded : decoded.slice(0, colon)).trim();
  return user === '' ? undefined : user;
}

function declaredActor(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value ? value : undefined;
}
