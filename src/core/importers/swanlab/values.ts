/** SwanLab's metric keys and values: system metrics, Python's bare NaN / Infinity, numbered folders. */
import type { ImportedSeries } from '../contract';
import { parsePythonJson } from '../../codecs/pythonJson';

export function metricKey(key: string): string {
  return key.startsWith('__swanlab__.') ? `system/${key.slice('__swanlab__.'.length)}` : key;
}

export function push(metrics: Map<string, ImportedSeries>, key: string, step: number, value: number, time: number | null): void {
  let s = metrics.get(key);
  if (!s) metrics.set(key, (s = { steps: [], values: [], times: [] }));
  (s.steps as number[]).push(step);
  (s.values as number[]).push(value);
  (s.times as (number | null)[]).push(time);
}

export function pushAll<T>(into: T[], from: readonly T[]): void {
  for (const x of from) into.push(x);
}

const NAN_TOKEN = '\u0000NaN';
const INF_TOKEN = '\u0000Infinity';
const NEG_INF_TOKEN = '\u0000-Infinity';

/** JSON.parse that also takes the bare NaN / Infinity / -Infinity Python's json writes (as sentinel strings). */
export function parseJsonLenient(text: string): unknown {
  return parsePythonJson(text, (token) => (token === 'NaN' ? NAN_TOKEN : token === 'Infinity' ? INF_TOKEN : NEG_INF_TOKEN));
}

/** A metric value: a number, or a NaN / ±Infinity token or string. */
export function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === NAN_TOKEN) return NaN;
  if (v === INF_TOKEN) return Infinity;
  if (v === NEG_INF_TOKEN) return -Infinity;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'nan') return NaN;
    if (s === 'inf' || s === 'infinity') return Infinity;
    if (s === '-inf' || s === '-infinity') return -Infinity;
  }
  return undefined;
}

export function naturalCompare(a: string, b: string): number {
  const na = /^\d+/.exec(a);
  const nb = /^\d+/.exec(b);
  if (na && nb && na[0] !== nb[0]) return Number(na[0]) - Number(nb[0]);
  return a < b ? -1 : a > b ? 1 : 0;
}
