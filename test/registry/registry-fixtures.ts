import { expect } from 'vitest';
import {
  createAppHarness,
  type AppHarness,
  type HttpResult,
  type MlflowHttp,
} from '../helpers/app-harness.js';
import type { FreshStore } from '../helpers/stores.js';

/** A controllable clock: every timestamp a test asserts on is one it set. */
export interface Clock {
  now(): number;
  /** Moves time forward and returns the new time. */
  advance(ms?: number): number;
}

export function fakeClock(start = 1_700_000_000_000): Clock {
  let time = start;
  return {
    now: () => time,
    advance: (ms = 1000) => (time += ms),
  };
}

export interface RegistryHarness extends AppHarness {
  readonly clock: Clock;
}

export async function createRegistryHarness(store: FreshStore): Promise<RegistryHarness> {
  const clock = fakeClock();
  const harness = await createAppHarness(store, { now: clock.now });
  return Object.assign(harness, { clock });
}

/** Calls that must succeed, as MLflow's Python client makes them. */
export async function ok(result: Promise<HttpResult>): Promise<HttpResult> {
  const res = await result;
  expect(res.status, res.text).toBe(200);
  return res;
}

export async function createModel(mlflow: MlflowHttp, name: string, body: Record<string, unknown> = {}) {
  return (await ok(mlflow.post('registered-models/create', { name, ...body }))).body.registered_model;
}

export async function createRun(
  mlflow: MlflowHttp,
  experimentId = '0',
): Promise<{ runId: string; artifactUri: string }> {
  const res = await ok(mlflow.post('runs/create', { experiment_id: experimentId }));
  return { runId: res.body.run.info.run_id, artifactUri: res.body.run.info.artifact_uri };
}

/** `model-versions/create` the way `mlflow.register_model` sends it after resolving a runs:/ URI. */
export async function createVersion(mlflow: MlflowHttp, name: string, body: Record<string, unknown> = {}) {
  const res = await ok(
    mlflow.post('model-versions/create', {
      name,
      source: `mlflow-artifacts:/0/abc/artifacts/${name}`,
      ...body,
    }),
  );
  return res.body.model_version;
}

export function error(code: string, message: string) {
  return { error_code: code, message };
}
