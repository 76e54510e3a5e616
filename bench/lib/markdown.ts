import type { InputInfo, Result } from './types';

export interface Report {
  machine: Record<string, unknown>;
  date: string;
  mode: { quick: boolean; stack: boolean; only: string[] | null; command: string };
  durationS: number;
  inputs: Record<string, InputInfo>;
  results: Record<string, Result>;
}

/** A value as a table cell: '–' for none, yes/no, objects as JSON; `|` and newlines escaped. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

/** Nested objects as `a.b.c` rows; arrays of numbers stay on one row. */
function flatten(value: unknown, prefix: string, out: [string, unknown][]): void {
  if (Array.isArray(value)) {
    if (value.every((x) => typeof x !== 'object' || x === null)) {
      out.push([prefix, value.join(', ')]);
      return;
    }
    value.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.push([prefix, value]);
}

/** The rows `| a.b.c | value |` of a two-column table of every field of `value` (flattened). */
export function fieldRows(value: unknown): string[] {
  const rows: [string, unknown][] = [];
  flatten(value, '', rows);
  return rows.map(([k, v]) => `| ${k} | ${cell(v)} |`);
}

function metCell(r: Result): string {
  if ('error' in r && typeof r.error === 'string') return '**error**';
  const met = (r as { met?: boolean | null }).met;
  return met === true ? '✅ met' : met === false ? '❌ missed' : '–';
}

/** The share of the machine's CPU that other processes used while the figure was measured. */
function othersShare(r: Result): string {
  const share = (r as { machineLoad?: { cpu?: { othersShareOfMachine?: number } } }).machineLoad?.cpu
    ?.othersShareOfMachine;
  return typeof share === 'number' ? `${Math.round(share * 100)} %` : '–';
}

export function renderMarkdown(rep: Report): string {
  const lines: string[] = [];
  lines.push('# Benchmark results', '');
  lines.push(`- **Date:** ${rep.date}`);
  lines.push(
    `- **Mode:** ${rep.mode.quick ? 'quick' : 'full'}${rep.mode.stack ? ' + distributed (--stack)' : ', single process only'}${rep.mode.only ? `, only ${rep.mode.only.join(', ')}` : ''}`,
  );
  lines.push(`- **Command:** \`${rep.mode.command}\``);
  lines.push(`- **Duration:** ${Math.round(rep.durationS)} s`, '');
  lines.push(
    'Every figure is measured, never asserted. `met` compares the value with the target; the baseline column says what it is compared with.',
    '“Others’ CPU share” is the part of the machine’s CPU time used by processes this run did not start while the figure was measured (with --stack the stack’s servers count there too): above a few per cent, times are skewed.',
    '',
  );

  lines.push(
    '## Summary',
    '',
    '| key | value | unit | target | met | baseline | others’ CPU share |',
    '|---|---|---|---|---|---|---|',
  );
  for (const [key, r] of Object.entries(rep.results)) {
    if ('error' in r && typeof r.error === 'string' && !('value' in r)) {
      lines.push(`| \`${key}\` | – | – | – | **error** | ${cell(r.error.split('\n')[0])} | ${othersShare(r)} |`);
      continue;
    }
    const f = r as { value?: unknown; unit?: unknown; target?: unknown; baseline?: unknown };
    lines.push(
      `| \`${key}\` | **${cell(f.value)}** | ${cell(f.unit)} | ${cell(f.target)} | ${metCell(r)} | ${cell(f.baseline)} | ${othersShare(r)} |`,
    );
  }
  lines.push('');

  lines.push('## Machine', '', '| | |', '|---|---|');
  lines.push(...fieldRows(rep.machine), '');

  lines.push(
    '## Inputs',
    '',
    '| name | path | bytes | duration (s) | channels | made with |',
    '|---|---|---|---|---|---|',
  );
  for (const [name, i] of Object.entries(rep.inputs)) {
    lines.push(
      `| ${name} | \`${i.path}\` | ${i.bytes} | ${cell(i.durationS)} | ${cell(i.channels)} | ${cell(i.made)} |`,
    );
  }
  lines.push('');

  lines.push('## Every figure, with its raw times', '');
  for (const [key, r] of Object.entries(rep.results)) {
    lines.push(`### \`${key}\``, '', '| field | value |', '|---|---|', ...fieldRows(r), '');
  }
  return lines.join('\n');
}
