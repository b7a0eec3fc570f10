import type { ContractCheck, Perturbation } from './contract-definition.js';

/** A check as one line of text, as people write it. */
export function describeCheck(check: ContractCheck): string {
  const scope = 'slice' in check && check.slice ? `slice ${check.slice}: ` : '';
  switch (check.kind) {
    case 'metric': {
      const parts: string[] = [];
      if (check.min !== undefined) parts.push(`${check.metric} >= ${check.min}`);
      if (check.max !== undefined) parts.push(`${check.metric} <= ${check.max}`);
      if (check.maxDrop !== undefined)
        parts.push(`${check.metric} drops at most ${check.maxDrop} vs baseline`);
      if (check.maxDropRelative !== undefined)
        parts.push(`${check.metric} drops at most ${percent(check.maxDropRelative)} vs baseline`);
      if (check.maxRise !== undefined)
        parts.push(`${check.metric} rises at most ${check.maxRise} vs baseline`);
      if (check.maxRiseRelative !== undefined)
        parts.push(`${check.metric} rises at most ${percent(check.maxRiseRelative)} vs baseline`);
      return scope + parts.join(', ');
    }
    case 'diff':
      return scope + bounds(check.measure, check.min, check.max);
    case 'threshold': {
      const limits: string[] = [];
      if (check.maxCrossingRate !== undefined) limits.push(`crossings.rate <= ${check.maxCrossingRate}`);
      if (check.maxUp !== undefined) limits.push(`up <= ${check.maxUp}`);
      if (check.maxDown !== undefined) limits.push(`down <= ${check.maxDown}`);
      return `${scope}at ${check.at} on ${check.output}[${check.classIndex}]: ${limits.join(', ')}`;
    }
    case 'invariance':
      return `invariance: ${check.column} ${perturbationText(check.perturbation)} changes at most ${percent(check.maxFlipRate)} of decisions`;
    case 'direction': {
      const output = check.classIndex === null ? check.output : `${check.output}[${check.classIndex}]`;
      const by = check.by === null ? 'one standard deviation' : String(check.by);
      return `direction: raising ${check.column} by ${by} must not ${check.increasing ? 'lower' : 'raise'} ${output}${check.tolerance ? ` by more than ${check.tolerance}` : ''}`;
    }
    case 'range': {
      if (check.min === undefined && check.max === undefined) return `${check.output}: no NaN`;
      return `${check.output} within [${check.min ?? '-inf'}, ${check.max ?? 'inf'}], no NaN`;
    }
  }
}

function bounds(name: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `${min} <= ${name} <= ${max}`;
  return min !== undefined ? `${name} >= ${min}` : `${name} <= ${max}`;
}

function perturbationText(perturbation: Perturbation): string {
  if ('add' in perturbation) return `+ ${perturbation.add}`;
  if ('scale' in perturbation) return `x ${perturbation.scale}`;
  if ('set' in perturbation) return `set to ${JSON.stringify(perturbation.set)}`;
  return `${JSON.stringify(perturbation.replace.from)} -> ${JSON.stringify(perturbation.replace.to)}`;
}

function percent(rate: number): string {
  return `${Number((rate * 100).toPrecision(6))}%`;
}
