// Values as the run log holds them: JSON-safe numbers and objects, flattened config, metric values, steps, tags, statuses, alert conditions, options from the environment.
import * as os from 'os';
import type { RunStatus, Tags } from './options';

const CONDITION_RE = /^\s*([^\s<>=!](?:[^<>=!]*[^\s<>=!])?)\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

export function now(): number {
  return Date.now() / 1000;
}

export function numberText(v: number): string {
  if (Number.isFinite(v)) return JSON.stringify(v);
  if (Number.isNaN(v)) return '"NaN"';
  return v > 0 ? '"Infinity"' : '"-Infinity"';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Any value as JSON can hold it: NaN and infinities become strings, Maps objects, Sets sorted arrays. */
export function jsonable(value: unknown, depth = 0): unknown {
  if (depth > 50) return String(value);
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'function':
    case 'symbol':
      return String(value);
  }
  if (Array.isArray(value)) return value.map((v) => jsonable(v, depth + 1));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonable(v, depth + 1)]));
  if (value instanceof Set) {
    const items = [...value].map((v) => jsonable(v, depth + 1));
    return items.every((x) => typeof x === 'number') ? (items as number[]).sort((a, b) => a - b) : items;
  }
  if (value instanceof Date) return value.toISOString();
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonable(v, depth + 1);
    return out;
  }
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') return jsonable(toJSON.call(value), depth + 1);
  return String(value);
}

/** Nested plain objects flattened with `.`: `{a: {b: 1}}` → `{"a.b": 1}`; an empty object stays `{}`. */
export function flatten(values: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const name = prefix + key;
    if ((isPlainObject(value) || value instanceof Map) && (value instanceof Map ? value.size : Object.keys(value).length) > 0) {
      Object.assign(out, flatten(value instanceof Map ? Object.fromEntries(value) : value, name + '.'));
    } else if (isPlainObject(value) || value instanceof Map) {
      out[name] = {};
    } else {
      out[name] = jsonable(value);
    }
  }
  return out;
}

export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as unknown as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out as T;
  }
  return value;
}

export function metricNumber(key: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const n = numericString(value);
    if (n !== undefined) return n;
  }
  const shown = typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value;
  throw new TypeError(`labbook.logMetrics: metric ${JSON.stringify(key)} has the value ${shown}, which is not a number`);
}

/** A number written as text, as Python's float() reads it: "0.5", " 1e-3 ", "nan", "inf", "-Infinity". */
function numericString(text: string): number | undefined {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  if (t === '') return undefined;
  const special = /^([-+]?)(nan|inf|infinity)$/.exec(t);
  if (special) return special[2] === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

export function checkStep(step: number): number {
  if (typeof step !== 'number' || !Number.isInteger(step)) throw new TypeError(`labbook.logMetrics: step must be an integer, not ${String(step)}`);
  if (step < 0) throw new RangeError(`labbook.logMetrics: step must be >= 0, got ${step}`);
  if (!Number.isSafeInteger(step)) throw new RangeError(`labbook.logMetrics: step must be <= ${Number.MAX_SAFE_INTEGER}, got ${step}`);
  return step;
}

export function tagsList(tags: Tags | undefined | null): string[] {
  if (tags === undefined || tags === null) return [];
  if (typeof tags === 'string') return [tags];
  if (Array.isArray(tags)) return tags.map(String);
  return Object.entries(tags as Record<string, unknown>).map(([k, v]) => (v === null || v === undefined || v === true || v === '' ? k : `${k}:${String(v)}`));
}

const STATUS_ALIASES: Record<string, RunStatus> = {
  running: 'running', started: 'running', starting: 'running', resuming: 'running',
  finished: 'finished', succeeded: 'finished', success: 'finished', done: 'finished', completed: 'finished',
  failed: 'failed', failure: 'failed', error: 'failed',
  killed: 'killed', stopped: 'killed', stopping: 'killed', aborted: 'killed', cancelled: 'killed', canceled: 'killed', interrupted: 'killed',
};

export function normalizeStatus(status: string): RunStatus {
  const s = STATUS_ALIASES[String(status).trim().toLowerCase()];
  if (!s) throw new RangeError(`labbook: unknown status ${JSON.stringify(status)} (use running, finished, failed or killed)`);
  return s;
}

/** `"val/loss > 2.0"` → `["val/loss", ">", "2.0"]`; throws on anything else. */
export function parseCondition(condition: string): [string, string, string] {
  if (typeof condition !== 'string') throw new TypeError(`labbook.createAlert: condition must be a string like 'val/loss > 2.0'`);
  const m = CONDITION_RE.exec(condition);
  if (!m) throw new RangeError(`labbook.createAlert: condition ${JSON.stringify(condition)} is not '<metric> <op> <number>' with op one of >, >=, <, <=, ==, != (e.g. 'val/loss > 2.0')`);
  return [m[1], m[2], m[3]];
}

export function envFlag(value: boolean | undefined, name: string, dflt = true): boolean {
  if (value !== undefined) return Boolean(value);
  const raw = process.env[name];
  if (raw === undefined) return dflt;
  return !['0', 'false', 'no', 'off', ''].includes(raw.trim().toLowerCase());
}

export function envSeconds(value: number | undefined, name: string, dflt: number): number {
  if (value !== undefined) {
    if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`labbook: ${name.slice(8).toLowerCase()} must be a number of seconds > 0, not ${String(value)}`);
    return value;
  }
  const raw = process.env[name];
  if (!raw) return dflt;
  const v = Number(raw);
  if (!(v > 0)) {
    process.emitWarning(`labbook: ${name}=${JSON.stringify(raw)} is not a number > 0; using ${dflt}`, 'LabbookWarning');
    return dflt;
  }
  return v;
}

export function warn(message: string): void {
  process.emitWarning(message, 'LabbookWarning');
}

const NAME_ADJECTIVES = ['amber', 'bold', 'brisk', 'calm', 'clever', 'cosmic', 'crisp', 'dapper', 'eager', 'fancy', 'gentle', 'golden', 'grand', 'happy', 'hidden', 'jolly', 'keen', 'lively', 'lucid', 'mellow', 'merry', 'nimble', 'noble', 'polar', 'proud', 'quiet', 'rapid', 'silver', 'sleek', 'sunny', 'swift', 'vivid'];
const NAME_NOUNS = ['badger', 'bison', 'canyon', 'comet', 'condor', 'cedar', 'delta', 'ember', 'falcon', 'fjord', 'gecko', 'glacier', 'harbor', 'heron', 'ibis', 'jaguar', 'kestrel', 'lagoon', 'lynx', 'maple', 'meadow', 'nebula', 'otter', 'panda', 'quasar', 'raven', 'sparrow', 'summit', 'tundra', 'walrus', 'willow', 'zephyr'];

/** A readable default run name from the run id, e.g. `swift-otter-417` (the Python SDK gives the same). */
export function friendlyName(runId: string): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(runId, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0; // FNV-1a, 32 bits
  return `${NAME_ADJECTIVES[h % NAME_ADJECTIVES.length]}-${NAME_NOUNS[(h >>> 8) % NAME_NOUNS.length]}-${(h >>> 16) % 1000}`;
}

/** Where the run's process is: the extension marks a running run killed once this process is gone. */
export function processIdentity(): { host: string; pid: number } {
  return { host: os.hostname(), pid: process.pid };
}
