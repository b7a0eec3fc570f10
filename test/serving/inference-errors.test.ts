import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  InvalidParameterError,
  ServiceUnavailableError,
} from '../../src/errors/assay-error.js';
import { inferenceErrors } from '../../src/server/inference/inference-errors.js';

async function appThrowing(shape: 'v2' | 'mlflow', error: Error) {
  const app = Fastify({ logger: false });
  await app.register(async (scope) => {
    inferenceErrors(scope, shape);
    scope.post('/infer', async () => {
      throw error;
    });
  });
  return app;
}

describe('inference errors', () => {
  it('a full queue: 503 with Retry-After, as {"error"} on KServe v2', async () => {
    const app = await appThrowing('v2', new ServiceUnavailableError('queue full', 1));
    const response = await app.inject({ method: 'POST', url: '/infer' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual({ error: 'queue full' });
  });

  it('a passed deadline: 504; bad input: 400; MLflow routes answer error_code and message', async () => {
    const late = await appThrowing('mlflow', new DeadlineExceededError('too late'));
    const lateResponse = await late.inject({ method: 'POST', url: '/infer' });
    expect(lateResponse.statusCode).toBe(504);
    expect(lateResponse.headers['retry-after']).toBeUndefined();
    expect(lateResponse.json()).toEqual({ error_code: 'DEADLINE_EXCEEDED', message: 'too late' });
    const bad = await appThrowing('v2', new InvalidParameterError("Input 'x': missing"));
    const badResponse = await bad.inject({ method: 'POST', url: '/infer' });
    expect(badResponse.statusCode).toBe(400);
    expect(badResponse.json()).toEqual({ error: "Input 'x': missing" });
  });

  it('anything unexpected: a bare 500, never the stack', async () => {
    const app = await appThrowing('v2', new TypeError('undefined is not a function'));
    const response = await app.inject({ method: 'POST', url: '/infer' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'Internal server error' });
  });
});
