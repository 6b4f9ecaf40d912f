/**
 * The columns of the runs table: a run's attributes, every param (nested keys flattened as
 * `model.hidden`), every metric's last value (its min, max and best step on request), system metrics
 * apart. A column's id says what it holds, `kind:key`, so that saved views keep naming the same column.
 */
import type { MetricStat } from '../../protocol/runsTable';

export type ColumnGroup = 'attributes' | 'params' | 'metrics' | 'system';

/** What a column shows: an attribute, a param, or one number about a metric. */
export type ColumnKind = 'attr' | 'param' | 'metric' | 'metric.min' | 'metric.max' | 'metric.best_step';

/** The attributes of a run the table shows, in their default order. */
export const ATTRIBUTE_COLUMNS = ['name', 'status', 'experiment', 'source', 'start_time', 'duration', 'tags', 'note'] as const;
export type AttributeColumn = (typeof ATTRIBUTE_COLUMNS)[number];

const ATTRIBUTE_LABELS: Readonly<Record<AttributeColumn, string>> = {
  name: 'Name', status: 'Status', experiment: 'Experiment', source: 'Tracker', start_time: 'Start',
  duration: 'Duration', tags: 'Tags', note: 'Note',
};

/** The extra numbers a metric can show besides its last value. */
export const METRIC_STATS: readonly MetricStat[] = ['metric.min', 'metric.max', 'metric.best_step'];
export type { MetricStat };

export interface TableColumn {
  /** `kind:key`, e.g. `attr:status`, `param:model.hidden`, `metric:val/acc`, `metric.min:val/acc`. */
  readonly id: string;
  readonly kind: ColumnKind;
  readonly key: string;
  readonly group: ColumnGroup;
  readonly label: string;
  /** Whether the runs shown hold different values here (a run without a value differs from one with). */
  readonly differs: boolean;
  /** Whether the column holds numbers (right-aligned, sorted as numbers). */
  readonly numeric: boolean;
}

export function columnId(kind: ColumnKind, key: string): string {
  return `${kind}:${key}`;
}

/** The kind and key of a column id, or undefined for an id no column can have. */
export function parseColumnId(id: string): { kind: ColumnKind; key: string } | undefined {
  const colon = id.indexOf(':');
  if (colon < 0) return undefined;
  const kind = id.slice(0, colon);
  const key = id.slice(colon + 1);
  if (key === '') return undefined;
  if (kind === 'attr') return (ATTRIBUTE_COLUMNS as readonly string[]).includes(key) ? { kind, key } : undefined;
  if (kind === 'param' || kind === 'metric' || (METRIC_STATS as readonly string[]).includes(kind)) return { kind: kind as ColumnKind, key };
  return undefined;
}

/** System metrics (CPU, memory, GPU, as the SDKs log them) get their own group. */
export function isSystemMetric(key: string): boolean {
  return key.startsWith('system/');
}

export function groupOf(kind: ColumnKind, key: string): ColumnGroup {
  if (kind === 'attr') return 'attributes';
  if (kind === 'param') return 'params';
  return isSystemMetric(key) ? 'system' : 'metrics';
}

export function columnLabel(kind: ColumnKind, key: string): string {
  switch (kind) {
    case 'attr': return ATTRIBUTE_LABELS[key as AttributeColumn] ?? key;
    case 'metric.min': return `${key} (min)`;
    case 'metric.max': return `${key} (max)`;
    case 'metric.best_step': return `${key} (best step)`;
    default: return key;
  }
}

export function makeColumn(kind: ColumnKind, key: string, differs: boolean): TableColumn {
  const numeric = kind === 'attr' ? key === 'start_time' || key === 'duration' : kind !== 'param';
  return { id: columnId(kind, key), kind, key, group: groupOf(kind, key), label: columnLabel(kind, key), differs, numeric };
}

/**
 * Whether lower is better for a metric, guessed from its name (losses, errors, perplexity, times);
 * the best step of any other metric is where it is highest.
 */
export function lowerIsBetter(key: string): boolean {
  return /(^|[^a-z])(loss|err|error|errors|mse|mae|rmse|mape|perplexity|ppl|wer|cer|fid|latency|time|duration|regret)([^a-z]|$)/i.test(key)
    || /loss$/i.test(key);
}

/** Most nested levels of a param flattened into columns (deeper objects show as JSON). */
export const MAX_FLATTEN_DEPTH = 8;

/**
 * A param's value flattened: an object gives one entry per nested key (`model.hidden`), anything else
 * (numbers, strings, booleans, arrays, null) one entry under `key`. Empty objects show as `{}`.
 */
export function flattenParam(key: string, value: unknown, out: Map<string, unknown> = new Map(), depth = 0): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < MAX_FLATTEN_DEPTH) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(key, value);
    for (const [k, v] of entries) flattenParam(`${key}.${k}`, v, out, depth + 1);
    return out;
  }
  out.set(key, value);
  return out;
}

/** A cell: a number, text, a list of tags, or empty (null). NaN, ±Infinity travel as text. */
export type CellValue = number | string | readonly string[] | null;

/** A param value as a cell: numbers stay numbers, strings as written, the rest as compact JSON. */
export function paramCell(value: unknown): CellValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return value;
  if (value === undefined) return null;
  return JSON.stringify(value);
}

/** A metric value as a cell (the index stores NaN as NULL). */
export function metricCell(value: number | null): CellValue {
  if (value === null) return 'NaN';
  return Number.isFinite(value) ? value : String(value);
}

/** Most characters of a note shown in the table (its first line or so). */
export const NOTE_EXCERPT_CHARS = 120;

export function noteExcerpt(note: string): string {
  const flat = note.replace(/\s+/g, ' ').trim();
  return flat.length > NOTE_EXCERPT_CHARS ? `${flat.slice(0, NOTE_EXCERPT_CHARS - 1)}\u2026` : flat;
}

/**
 * Colours of runs shown together (a comparison): each run keeps its own colour ({@link runColorIndex},
 * the table's swatch) unless an earlier run in the list has it; then it takes the next free one, so that
 * up to `paletteSize` runs never share a colour.
 */
export function distinctRunColors(uids: readonly string[], paletteSize = 10): number[] {
  const used = new Set<number>();
  return uids.map((uid) => {
    let c = runColorIndex(uid, paletteSize);
    for (let k = 0; k < paletteSize && used.has(c); k++) c = (c + 1) % paletteSize;
    if (used.size >= paletteSize) used.clear();
    used.add(c);
    return c;
  });
}

/** A colour index into the chart palette that stays the same for a run wherever it is shown (FNV-1a of its id). */
export function runColorIndex(uid: string, paletteSize = 10): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) {
    h ^= uid.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % paletteSize;
}
