import type { Latency, LoadResult } from './load-spec.js';
import type { Repeated } from './rounds.js';

export const int = (value: number): string => Math.round(value).toLocaleString('en');
export const ms = (value: number | undefined): string =>
  value === undefined ? 'n/a' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
export const percent = (value: number): string => `${(100 * value).toFixed(1)}%`;
export const verdict = (met: boolean): string => (met ? '**met**' : '**not met**');

/** Answers that were not 2xx, by status, and connection errors (timeouts among them). */
export function failures(result: LoadResult): string {
  const other = Object.entries(result.statuses).filter(([status]) => !status.startsWith('2'));
  const non2xx = other.reduce((sum, [, count]) => sum + count, 0);
  const byStatus =
    other.length > 0 ? ` (${other.map(([status, count]) => `${status}: ${int(count)}`).join(', ')})` : '';
  const timeouts = result.timeouts > 0 ? `, ${int(result.timeouts)} timeouts` : '';
  return `${int(result.errors)} / ${int(non2xx)}${byStatus}${timeouts}`;
}

/** Every round's requests/s, in order. */
export const roundsCell = (repeated: Repeated): string =>
  repeated.rounds.map((point) => int(point.result.okPerSecond)).join(', ');

export const latencyCells = (latency: Latency | null): string => `${ms(latency?.p50)} | ${ms(latency?.p99)}`;

/** Markdown output, echoed to stdout as it is written (a long run shows its progress). */
export class Report {
  private readonly lines: string[] = [];

  line(text = ''): void {
    this.lines.push(text);
    console.log(text);
  }

  table(
    header: readonly string[],
    align: readonly ('l' | 'r')[],
    rows: readonly (readonly string[])[],
  ): void {
    this.line(`| ${header.join(' | ')} |`);
    this.line(`| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`);
    for (const row of rows) this.line(`| ${row.join(' | ')} |`);
    this.line();
  }
}
