import { describe, expect, it } from 'vitest';
import {
  CanaryMonitor,
  haltReason,
  type CanaryWindow,
} from '../../../src/serving/deployments/canary-monitor.js';
import { toCanary } from '../../../src/serving/deployments/canary-split.js';
import {
  DEFAULT_HALT_RULES,
  type CanaryHaltRules,
} from '../../../src/serving/deployments/deployment-spec.js';

describe('haltReason', () => {
  const rules: CanaryHaltRules = { maxErrorRate: 0.05, maxP99Ms: 20, minRequests: 10, windowMs: 60_000 };
  const table: [string, CanaryWindow, RegExp | null][] = [
    ['no requests', { requests: 0, failures: 0, p99Ms: null }, null],
    ['too few requests to judge, even all failing', { requests: 9, failures: 9, p99Ms: 100 }, null],
    ['at the error limit', { requests: 100, failures: 5, p99Ms: 5 }, null],
    [
      'above the error limit',
      { requests: 100, failures: 6, p99Ms: 5 },
      /error rate 6% over 100 requests is above the limit of 5%/,
    ],
    ['at the latency limit', { requests: 100, failures: 0, p99Ms: 20 }, null],
    [
      'above the latency limit',
      { requests: 100, failures: 0, p99Ms: 20.5 },
      /p99 latency 20.5 ms over 100 requests is above the limit of 20 ms/,
    ],
    ['both above: the error rate is named', { requests: 10, failures: 10, p99Ms: 99 }, /error rate 100%/],
  ];
  it.each(table)('%s', (_name, window, expected) => {
    const reason = haltReason(rules, window);
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });

  it('a null limit is never judged', () => {
    const none = { ...rules, maxErrorRate: null, maxP99Ms: null };
    expect(haltReason(none, { requests: 1000, failures: 1000, p99Ms: 1e9 })).toBeNull();
  });

  it('the default rules halt on more than 5% errors after 50 requests', () => {
    expect(haltReason(DEFAULT_HALT_RULES, { requests: 49, failures: 49, p99Ms: 1 })).toBeNull();
    expect(haltReason(DEFAULT_HALT_RULES, { requests: 50, failures: 3, p99Ms: 1 })).toMatch(/error rate/);
  });
});

describe('CanaryMonitor', () => {
  it('reads only the outcomes within the window, with a nearest-rank p99', () => {
    const monitor = new CanaryMonitor(1000);
    monitor.record(0, 500, true); // outside the window read at 2000
    for (let i = 1; i <= 100; i += 1) monitor.record(1500, i, i % 10 === 0);
    expect(monitor.window(2000)).toEqual({ requests: 100, failures: 10, p99Ms: 99 });
    expect(monitor.window(5000)).toEqual({ requests: 0, failures: 0, p99Ms: null });
  });

  it('keeps a bounded number of outcomes', () => {
    const monitor = new CanaryMonitor(1e12);
    for (let i = 0; i < 50_000; i += 1) monitor.record(1, 1, false);
    expect(monitor.window(2).requests).toBe(20_000);
  });
});

describe('toCanary', () => {
  it('sends a key to the same side every time', () => {
    for (const key of ['user-1', 'user-2', 'a', '', 'ключ']) {
      const first = toCanary(30, key);
      for (let i = 0; i < 5; i += 1) expect(toCanary(30, key)).toBe(first);
    }
  });

  it('splits keys in the given share, and a key in the canary at 10% stays there at 20%', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `customer-${i}`);
    const at10 = keys.filter((key) => toCanary(10, key));
    const at20 = new Set(keys.filter((key) => toCanary(20, key)));
    expect(at10.length / keys.length).toBeGreaterThan(0.09);
    expect(at10.length / keys.length).toBeLessThan(0.11);
    expect(at20.size / keys.length).toBeGreaterThan(0.19);
    expect(at20.size / keys.length).toBeLessThan(0.21);
    expect(at10.every((key) => at20.has(key))).toBe(true);
  });

  it('without a key, the share follows the random draw; 0 and 100 are absolute', () => {
    expect(toCanary(25, null, () => 0.2499)).toBe(true);
    expect(toCanary(25, null, () => 0.25)).toBe(false);
    expect(toCanary(0, 'k', () => 0)).toBe(false);
    expect(toCanary(100, 'k', () => 0.9999)).toBe(true);
  });
});
