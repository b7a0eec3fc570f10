import { z } from 'zod';

/**
 * The server's configuration, parsed once from (in increasing precedence) defaults, `ASSAY_*`
 * environment variables and command-line flags. Everything downstream takes this typed object.
 */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const MIB = 1024 * 1024;

export const serverConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(5000),
  /** `sqlite:PATH`, `sqlite:///relative/path`, `sqlite:////absolute/path`, or `postgresql://...`. */
  store: z.string().min(1).default('sqlite:./assay-data/assay.db'),
  /** A local directory (or `file://` URI) that holds artifacts. */
  artifacts: z.string().min(1).default('./assay-data/artifacts'),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /**
   * JSON request bodies. The largest legitimate MLflow body is a log-batch at its limits
   * (100 params of 6,000 chars + 100 tags of 8,000 chars + 1,000 metrics), well under 8 MiB.
   */
  bodyLimitBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(32 * MIB),
  /** Artifact uploads are streamed to disk, so this bounds disk use per file, not memory. */
  artifactUploadLimitBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * MIB),
  /** How long SIGTERM waits for in-flight requests before closing connections anyway. */
  shutdownGraceMs: z.coerce.number().int().min(0).default(10_000),
  /**
   * How often a serving process asks the registry where the aliases it serves point, and (in
   * `assay server`) which deployments exist: the longest a moved alias waits to be followed.
   */
  deploymentPollMs: z.coerce.number().int().min(50).default(2000),
  /**
   * Megabytes a serving process keeps under V8's old generation (see heap-floor.ts); 0 keeps none.
   */
  heapFloorMb: z.coerce.number().int().min(0).max(4096).default(32),
});

export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

const ENV_KEYS: Record<keyof ServerConfig, string> = {
  host: 'ASSAY_HOST',
  port: 'ASSAY_PORT',
  store: 'ASSAY_STORE',
  artifacts: 'ASSAY_ARTIFACTS',
  logLevel: 'ASSAY_LOG_LEVEL',
  bodyLimitBytes: 'ASSAY_BODY_LIMIT_BYTES',
  artifactUploadLimitBytes: 'ASSAY_ARTIFACT_UPLOAD_LIMIT_BYTES',
  shutdownGraceMs: 'ASSAY_SHUTDOWN_GRACE_MS',
  deploymentPollMs: 'ASSAY_DEPLOYMENT_POLL_MS',
  heapFloorMb: 'ASSAY_HEAP_FLOOR_MB',
};

export const serverEnvironmentVariables = ENV_KEYS;

export class ConfigError extends Error {}

/** Merges defaults < environment < explicit options and validates the result. */
export function parseServerConfig(
  env: NodeJS.ProcessEnv,
  explicit: Partial<Record<keyof ServerConfig, unknown>> = {},
): ServerConfig {
  const merged: Record<string, unknown> = {};
  for (const [field, envKey] of Object.entries(ENV_KEYS)) {
    const fromEnv = env[envKey];
    if (fromEnv !== undefined && fromEnv !== '') merged[field] = fromEnv;
  }
  for (const [field, value] of Object.entries(explicit)) {
    if (value !== undefined) merged[field] = value;
  }
  const parsed = serverConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      const source = ENV_KEYS[field as keyof ServerConfig];
      return `${field}${source ? ` (${source})` : ''}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
