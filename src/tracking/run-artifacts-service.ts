import { joinArtifactPath, normalizeArtifactPath } from '../artifacts/artifact-path.js';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { RunsService } from './runs-service.js';

export interface RunArtifactFile {
  /** Relative to the run's artifact root. */
  readonly path: string;
  readonly isDir: boolean;
  readonly fileSize?: number;
}

export interface RunArtifactListing {
  readonly rootUri: string;
  readonly files: readonly RunArtifactFile[];
}

/** MLflow's anchor for HTTP artifact roots that name this server's proxy. */
const HTTP_PROXY_ANCHOR = '/api/2.0/mlflow-artifacts/artifacts/';

/** The tracking API's view of a run's artifacts (`artifacts/list`), served from the artifact store. */
export class RunArtifactsService {
  constructor(
    private readonly runs: RunsService,
    private readonly store: ArtifactStore,
  ) {}

  /** The path is checked before the run is looked up, as in MLflow. */
  async list(runId: string, path = ''): Promise<RunArtifactListing> {
    const relative = normalizeArtifactPath(path);
    const info = await this.runs.getInfo(runId);
    const root = proxiedRootPath(info.artifactUri);
    // Runs whose artifacts live elsewhere (a user-chosen location) are not readable through this store.
    if (root === null) return { rootUri: info.artifactUri, files: [] };
    const entries = await this.store.list(joinArtifactPath(root, relative));
    return {
      rootUri: info.artifactUri,
      files: entries.map((entry) => ({
        path: joinArtifactPath(relative, entry.name),
        isDir: entry.isDir,
        ...(entry.fileSize !== undefined ? { fileSize: entry.fileSize } : {}),
      })),
    };
  }
}

/**
 * Where a proxied run root lives in the artifact store, as MLflow's
 * `_get_proxied_run_artifact_destination_path` finds it: `mlflow-artifacts:/1/<run>/artifacts` (any
 * host ignored) and `http(s)://host/api/2.0/mlflow-artifacts/artifacts/1/<run>/artifacts` both give
 * `1/<run>/artifacts`. Null for roots the store does not hold. The root comes from an experiment's
 * user-chosen location, so it is checked like any client path: it cannot lead out of the store.
 */
export function proxiedRootPath(artifactUri: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(artifactUri);
  if (!match) return null;
  const scheme = (match[1] as string).toLowerCase();
  let uriPath = (match[2] as string).replace(/[?#].*$/s, '');
  if (uriPath.startsWith('//')) uriPath = uriPath.slice(2).replace(/^[^/]*/, '');
  if (scheme === 'mlflow-artifacts') return normalizeArtifactPath(uriPath.replace(/^\/+/, ''));
  if (scheme === 'http' || scheme === 'https') {
    const anchor = uriPath.indexOf(HTTP_PROXY_ANCHOR);
    if (anchor === -1) return null;
    return normalizeArtifactPath(uriPath.slice(anchor + HTTP_PROXY_ANCHOR.length).replace(/^\/+/, ''));
  }
  return null;
}
