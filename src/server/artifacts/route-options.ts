import type { ArtifactProxyService } from '../../artifacts/artifact-proxy-service.js';

export interface ArtifactRouteOptions {
  service: ArtifactProxyService;
}

/** `<path:artifact_path>`: everything after the route's prefix, decoded once by the router. */
export interface ArtifactPathParams {
  '*': string;
}
