import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { InvalidParameterError } from '../errors/assay-error.js';
import {
  CLASSIFICATION_METRICS,
  DIFF_MEASURES,
  isKnownMetric,
  REGRESSION_METRICS,
} from '../evaluation/metric-catalog.js';
import type { ContractCheck, ContractDefinition, DatasetRef, Perturbation } from './contract-definition.js';

/**
 * Reads a contract file. Every problem is reported with the line and the key it concerns
 * (`line 7, checks[2].metric: unknown metric 'acuracy' ...`), and nothing is accepted half-valid.
 */
export function parseContract(source: string): ContractDefinition {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = error?.linePos?.[0]?.line;
    throw new InvalidParameterError(
      `contract: ${line ? `line ${line}: ` : ''}malformed YAML: ${firstLine(error?.message ?? '')}`,
    );
  }
  const at = (path: readonly (string | number)[]): string => {
    const line = lineOf(doc, lines, path);
    return `contract: ${line ? `line ${line}, ` : ''}${pathText(path)}`;
  };
  const raw: unknown = doc.toJS();
  const top = TopLevel.safeParse(raw);
  if (!top.success) throw issueError(top.error, [], at);
  const value = top.data;
  const checks = value.checks.map((item, index) =>
    parseCheck(item, ['checks', index], at, lineOf(doc, lines, ['checks', index]) ?? 0),
  );
  const protect = value.protect ?? ['production'];
  return {
    dataset: parseDatasetRef(value.dataset, at(['dataset'])),
    where: value.where?.trim() ? value.where.trim() : null,
    baseline: value.baseline ?? null,
    protect,
    identicalTolerance: value.identical_tolerance ?? 1e-6,
    checks,
  };
}

const Bound = z.number().finite();
const Rate = z.number().min(0).max(1);

const TopLevel = z
  .object({
    dataset: z.string().min(1),
    where: z.string().optional(),
    baseline: z.string().min(1).optional(),
    protect: z.array(z.string().min(1)).optional(),
    identical_tolerance: z.number().min(0).optional(),
    checks: z.array(z.record(z.string(), z.unknown())).min(1, 'a contract needs at least one check'),
  })
  .strict();

const MetricBody = z
  .object({
    metric: z.string().min(1),
    slice: z.string().min(1).optional(),
    min: Bound.optional(),
    max: Bound.optional(),
    max_drop: z.number().min(0).optional(),
    max_drop_relative: z.number().min(0).optional(),
    max_rise: z.number().min(0).optional(),
    max_rise_relative: z.number().min(0).optional(),
  })
  .strict();

const DiffBody = z
  .object({ min: Bound.optional(), max: Bound.optional(), slice: z.string().min(1).optional() })
  .strict();

const ThresholdBody = z
  .object({
    output: z.string().min(1).default('probabilities'),
    class: z.number().int().min(0).default(1),
    at: z.number().min(0).max(1),
    slice: z.string().min(1).optional(),
    max_crossing_rate: Rate.optional(),
    max_up: z.number().int().min(0).optional(),
    max_down: z.number().int().min(0).optional(),
  })
  .strict();

const Scalar = z.union([z.number().finite(), z.string(), z.boolean()]);

const InvarianceBody = z
  .object({
    column: z.string().min(1),
    add: z.number().finite().optional(),
    scale: z.number().finite().optional(),
    set: Scalar.optional(),
    replace: z.object({ from: Scalar, to: Scalar }).strict().optional(),
    max_flip_rate: Rate.default(0),
  })
  .strict();

const DirectionBody = z
  .object({
    column: z.string().min(1),
    output: z.string().min(1).default('probabilities'),
    class: z.number().int().min(0).optional(),
    increasing: z.boolean().default(true),
    tolerance: z.number().min(0).default(0),
    by: z
      .number()
      .finite()
      .refine((value) => value !== 0, 'must not be 0')
      .optional(),
    max_violation_rate: Rate.default(0),
  })
  .strict();

const RangeBody = z
  .object({ output: z.string().min(1), min: Bound.optional(), max: Bound.optional() })
  .strict();

type At = (path: readonly (string | number)[]) => string;

function parseCheck(
  item: Record<string, unknown>,
  path: (string | number)[],
  at: At,
  line: number,
): ContractCheck {
  const keys = Object.keys(item);
  if ('metric' in item) {
    const body = parseWith(MetricBody, item, path, at);
    if (!isKnownMetric(body.metric)) {
      throw new InvalidParameterError(
        `${at([...path, 'metric'])}: unknown metric '${body.metric}' (known: ${[...CLASSIFICATION_METRICS, ...REGRESSION_METRICS].join(', ')})`,
      );
    }
    const bounds = ['min', 'max', 'max_drop', 'max_drop_relative', 'max_rise', 'max_rise_relative'] as const;
    if (!bounds.some((bound) => body[bound] !== undefined)) {
      throw new InvalidParameterError(`${at(path)}: a metric check needs one of ${bounds.join(', ')}`);
    }
    return {
      kind: 'metric',
      line,
      metric: body.metric,
      slice: body.slice ?? null,
      ...(body.min !== undefined ? { min: body.min } : {}),
      ...(body.max !== undefined ? { max: body.max } : {}),
      ...(body.max_drop !== undefined ? { maxDrop: body.max_drop } : {}),
      ...(body.max_drop_relative !== undefined ? { maxDropRelative: body.max_drop_relative } : {}),
      ...(body.max_rise !== undefined ? { maxRise: body.max_rise } : {}),
      ...(body.max_rise_relative !== undefined ? { maxRiseRelative: body.max_rise_relative } : {}),
    };
  }
  if (keys.length !== 1) {
    throw new InvalidParameterError(
      `${at(path)}: a check is {metric: ...} or one of ${[...DIFF_MEASURES, 'threshold', 'invariance', 'direction', 'range', 'no_nan'].join(', ')}; got keys ${keys.join(', ') || '(none)'}`,
    );
  }
  const key = keys[0] as string;
  const inner = [...path, key];
  const value = item[key];
  if ((DIFF_MEASURES as readonly string[]).includes(key)) {
    const body = parseWith(DiffBody, value, inner, at);
    if (body.min === undefined && body.max === undefined)
      throw new InvalidParameterError(`${at(inner)}: needs min or max`);
    return {
      kind: 'diff',
      line,
      measure: key,
      slice: body.slice ?? null,
      ...(body.min !== undefined ? { min: body.min } : {}),
      ...(body.max !== undefined ? { max: body.max } : {}),
    };
  }
  switch (key) {
    case 'threshold': {
      const body = parseWith(ThresholdBody, value, inner, at);
      if (body.max_crossing_rate === undefined && body.max_up === undefined && body.max_down === undefined) {
        throw new InvalidParameterError(`${at(inner)}: needs max_crossing_rate, max_up or max_down`);
      }
      return {
        kind: 'threshold',
        line,
        output: body.output,
        classIndex: body.class,
        at: body.at,
        slice: body.slice ?? null,
        ...(body.max_crossing_rate !== undefined ? { maxCrossingRate: body.max_crossing_rate } : {}),
        ...(body.max_up !== undefined ? { maxUp: body.max_up } : {}),
        ...(body.max_down !== undefined ? { maxDown: body.max_down } : {}),
      };
    }
    case 'invariance': {
      const body = parseWith(InvarianceBody, value, inner, at);
      const given = (['add', 'scale', 'set', 'replace'] as const).filter((name) => body[name] !== undefined);
      if (given.length !== 1) {
        throw new InvalidParameterError(
          `${at(inner)}: give exactly one perturbation of add, scale, set, replace`,
        );
      }
      const perturbation: Perturbation =
        body.add !== undefined
          ? { add: body.add }
          : body.scale !== undefined
            ? { scale: body.scale }
            : body.set !== undefined
              ? { set: body.set }
              : {
                  replace: body.replace as { from: number | string | boolean; to: number | string | boolean },
                };
      return { kind: 'invariance', line, column: body.column, perturbation, maxFlipRate: body.max_flip_rate };
    }
    case 'direction': {
      const body = parseWith(DirectionBody, value, inner, at);
      return {
        kind: 'direction',
        line,
        column: body.column,
        output: body.output,
        classIndex: body.class ?? (body.output === 'probabilities' ? 1 : null),
        increasing: body.increasing,
        tolerance: body.tolerance,
        by: body.by ?? null,
        maxViolationRate: body.max_violation_rate,
      };
    }
    case 'range': {
      const body = parseWith(RangeBody, value, inner, at);
      return {
        kind: 'range',
        line,
        output: body.output,
        ...(body.min !== undefined ? { min: body.min } : {}),
        ...(body.max !== undefined ? { max: body.max } : {}),
      };
    }
    case 'no_nan': {
      const body = parseWith(z.object({ output: z.string().min(1) }).strict(), value, inner, at);
      return { kind: 'range', line, output: body.output };
    }
    default:
      throw new InvalidParameterError(
        `${at(inner)}: unknown check '${key}' (known: metric, ${[...DIFF_MEASURES, 'threshold', 'invariance', 'direction', 'range', 'no_nan'].join(', ')})`,
      );
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, path: (string | number)[], at: At): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw issueError(parsed.error, path, at);
  return parsed.data;
}

function issueError(error: z.ZodError, base: readonly (string | number)[], at: At): InvalidParameterError {
  const issue = error.issues[0];
  const path = [...base, ...((issue?.path ?? []) as (string | number)[])];
  let message = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys')
    message = `unknown key(s) ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
  return new InvalidParameterError(`${at(path)}: ${message}`);
}

function parseDatasetRef(text: string, where: string): DatasetRef {
  const match = /^([^@]+)(?:@(\d+))?$/.exec(text.trim());
  if (!match?.[1]) throw new InvalidParameterError(`${where}: expected NAME or NAME@VERSION, got '${text}'`);
  return { name: match[1], version: match[2] ? Number(match[2]) : null };
}

function lineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function pathText(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'top level';
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

/** The yaml library's message without its own position suffix (we print the line first). */
function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/ at line \d+, column \d+:?$/, '');
}
