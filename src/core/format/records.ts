/**
 * Run log format v1: record types and the parser for one line of `events.jsonl`.
 * The format is documented in docs/run-log-format.md.
 */
import { RUN_STATUSES, type RunStatus } from '../../protocol/runStatus';
import { alertConditionProblem, parseAlertCondition } from './alertCondition';
import { boundValues, describeValue, nameList, MAX_KEY_CHARS, MAX_KEYS_PER_RECORD, MAX_LABEL_CHARS, MAX_TEXT_CHARS, quote, truncateText } from './bounds';

export const FORMAT_NAME = 'labbook-run';
export const FORMAT_VERSION = 1;
export const EVENTS_FILE = 'events.jsonl';

/** The run log's statuses are the ones users see (one vocabulary, in src/protocol). */
export type RunStatusValue = RunStatus;
export { RUN_STATUSES };

export interface HeaderRecord {
  readonly t: 'header';
  readonly version: number;
  /** Empty when the log's `run_id` is not made of the documented characters (RUN_ID_PATTERN). */
  readonly runId: string;
  readonly project?: string;
  readonly name?: string;
  readonly description?: string;
  readonly tags?: string[];
  readonly time?: number;
  /** The machine and process that write the run (a running run whose process is gone was killed). */
  readonly host?: string;
  readonly pid?: number;
}
export interface ParamsRecord { readonly t: 'params'; readonly values: Record<string, unknown>; readonly reset: boolean; readonly time?: number }
export interface MetricsRecord { readonly t: 'metrics'; readonly step: number; readonly time?: number; readonly values: Record<string, number> }
export interface StatusRecord {
  readonly t: 'status'; readonly status: RunStatusValue; readonly time?: number; readonly message?: string;
  /** On `running` (a resumed run): the machine and process that write the run from now on. */
  readonly host?: string; readonly pid?: number;
}
export interface HeartbeatRecord { readonly t: 'heartbeat'; readonly time?: number }
export interface TagsRecord { readonly t: 'tags'; readonly tags: string[]; readonly reset: boolean; readonly time?: number }
export interface SetRecord { readonly t: 'set'; readonly name?: string; readonly description?: string; readonly time?: number }
export interface NoteRecord { readonly t: 'note'; readonly text: string; readonly time?: number }

export interface ArtifactRecord {
  readonly t: 'artifact'; readonly path: string; readonly name: string; readonly size?: number; readonly sha256?: string; readonly time?: number;
  /** Images logged per step (`log_image`): the step and an optional caption. */
  readonly step?: number; readonly caption?: string;
}
export interface DatasetRecord {
  readonly t: 'dataset'; readonly name: string; readonly path?: string; readonly uri?: string; readonly size?: number;
  readonly sha256?: string; readonly description?: string; readonly context?: string; readonly time?: number;
}
export interface EnvRecord { readonly t: 'env'; readonly values: Record<string, unknown>; readonly time?: number }
export type AlertLevel = 'info' | 'warning' | 'error';
export interface AlertRecord { readonly t: 'alert'; readonly condition: AlertCondition; readonly message: string; readonly level: AlertLevel; readonly time?: number }

export type AlertOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
export interface AlertCondition { readonly text: string; readonly metric: string; readonly op: AlertOp; readonly value: number }

export type RunRecord =
  | HeaderRecord | ParamsRecord | MetricsRecord | StatusRecord
  | HeartbeatRecord | TagsRecord | SetRecord | NoteRecord
  | ArtifactRecord | DatasetRecord | EnvRecord | AlertRecord;

export { alertConditionProblem, alertMet, parseAlertCondition } from './alertCondition';

/** What a header's `run_id` may hold (docs/run-log-format.md): letters, digits, `-` and `_`. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A run-relative path that stays inside the run folder, normalized to `/`; undefined if it would leave it. */
export function safeRunPath(p: string): string | undefined {
  if (p.includes('\0')) return undefined;
  const parts = p.replace(/\\/g, '/').split('/');
  // Absolute (`/`, `\`, UNC `\\host`), a drive (`C:`) or a `file:` URI: never run-relative.
  if (p.startsWith('/') || p.startsWith('\\') || /^[a-zA-Z]:/.test(p) || /^file:/i.test(p)) return undefined;
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    out.push(part);
  }
  return out.length ? out.join('/') : undefined;
}

/** Result of parsing one line: a record, a line to skip quietly, or a problem to report. */
export type ParsedLine =
  | { readonly kind: 'record'; readonly record: RunRecord; readonly warning?: string }
  | { readonly kind: 'blank' }
  | { readonly kind: 'unknown'; readonly type: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** The numbers JSON cannot write, as the strings that stand for them (a lookup that never reaches Object.prototype). */
function nonFinite(text: string): number | undefined {
  switch (text) {
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case '-Infinity': return -Infinity;
    default: return undefined;
  }
}

/** Python's json.dumps writes bare NaN / Infinity / -Infinity; turn them into strings outside of string literals. */
function quoteBareNonFinite(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g, (m) => (m.startsWith('"') ? m : `"${m}"`));
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return nonFinite(value);
  return undefined;
}

function optionalTime(obj: Record<string, unknown>): number | undefined {
  const t = obj.time;
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

function optionalNumber(obj: Record<string, unknown>, key: string): number | undefined {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A string field, cut to `max` characters with a visible marker (a note about it goes to `problems`). */
/** `host` and `pid` of a header (or a resumed run's status): both, or neither. */
function processOf(o: Record<string, unknown>, problems: string[]): { host?: string; pid?: number } {
  const host = optionalString(o, 'host', MAX_LABEL_CHARS, problems);
  const pid = o.pid;
  if (!host || typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return {};
  return { host, pid };
}

function optionalString(obj: Record<string, unknown>, key: string, max = MAX_TEXT_CHARS, problems?: string[]): string | undefined {
  const v = obj[key];
  if (typeof v !== 'string') return undefined;
  if (v.length <= max) return v;
  problems?.push(`${JSON.stringify(key)} is ${v.length} characters: stored truncated`);
  return truncateText(v, max);
}

/** The strings of a list (labels cut to MAX_LABEL_CHARS, at most MAX_KEYS_PER_RECORD of them). */
function stringList(value: unknown, problems: string[]): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  let cut = 0;
  for (const v of value) {
    if (typeof v !== 'string') continue;
    if (out.length === MAX_KEYS_PER_RECORD) {
      problems.push(`more than ${MAX_KEYS_PER_RECORD} tags in one record: only the first ${MAX_KEYS_PER_RECORD} are kept`);
      break;
    }
    if (v.length > MAX_LABEL_CHARS) cut++;
    out.push(truncateText(v, MAX_LABEL_CHARS));
  }
  if (cut) problems.push(`${cut} tag${cut === 1 ? ' is' : 's are'} longer than ${MAX_LABEL_CHARS} characters: stored truncated`);
  return out;
}

/** The text after `"step":` in a line, for a message that shows the step as written (JSON numbers lose digits). */
function stepAsWritten(line: string, parsed: unknown): string {
  const m = /"step"\s*:\s*(-?[0-9][0-9.eE+-]{0,40})/.exec(line);
  return m ? m[1] : describeValue(parsed);
}

/** The largest step: steps are safe integers, so that every step stays exact in JavaScript and in the index. */
export const MAX_STEP = Number.MAX_SAFE_INTEGER;

/**
 * Whether a last line without its newline is a complete JSON object or array (so that a writer
 * that exited without the newline loses nothing). A bare number or word might still grow.
 */
export function isCompleteJson(line: string): boolean {
  const text = clean(line).trim();
  if (text === '' || !(text.endsWith('}') || text.endsWith(']'))) return false;
  return parseJson(text) !== undefined;
}

/** Without a byte order mark at the start or a `\r` at the end. */
function clean(line: string): string {
  const start = line.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = line.endsWith('\r') ? line.length - 1 : line.length;
  return start === 0 && end === line.length ? line : line.slice(start, end);
}

/** JSON.parse, accepting Python's bare NaN / Infinity; undefined when not JSON. */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    if (!/NaN|Infinity/.test(text)) return undefined;
    try {
      return { value: JSON.parse(quoteBareNonFinite(text)) };
    } catch {
      return undefined;
    }
  }
}

/** Deepest nesting parsed at all: JSON.parse takes seconds for millions of levels. (Values keep far fewer: see MAX_DEPTH.) */
export const MAX_PARSE_DEPTH = 200_000;
/** Lines shorter than this cannot nest deep enough to be slow to parse, and are not scanned. */
const SCAN_DEPTH_ABOVE_CHARS = 64 * 1024;

/** Whether `text` opens more than `max` arrays or objects inside each other (strings skipped). */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

export function parseLine(line: string): ParsedLine {
  const text = clean(line);
  if (text.trim() === '') return { kind: 'blank' };
  if (text.length > SCAN_DEPTH_ABOVE_CHARS && nestedDeeperThan(text, MAX_PARSE_DEPTH)) {
    return { kind: 'invalid', reason: `nested more than ${MAX_PARSE_DEPTH.toLocaleString('en-US')} levels deep` };
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    const retried = /NaN|Infinity/.test(text) ? parseJson(text) : undefined;
    if (!retried) return { kind: 'invalid', reason: `not valid JSON (${(e as Error).message})` };
    obj = retried.value;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { kind: 'invalid', reason: 'not a JSON object' };
  const problems: string[] = [];
  const parsed = toRecord(obj as Record<string, unknown>, text, problems);
  if (parsed.kind !== 'record' || problems.length === 0) return parsed;
  const warning = parsed.warning ? [parsed.warning, ...problems] : problems;
  return { ...parsed, warning: warning.join('; ') };
}

/** The values of a metrics record: numbers kept, the rest named in `bad`. Keys too long or too many are dropped with a problem. */
function metricValues(raw: Record<string, unknown>, bad: string[], problems: string[]): Record<string, number> {
  const keys = Object.keys(raw);
  let plain = keys.length <= MAX_KEYS_PER_RECORD;
  for (let i = 0; plain && i < keys.length; i++) plain = typeof raw[keys[i]] === 'number' && keys[i].length <= MAX_KEY_CHARS;
  // The common case: JSON.parse made the object (own keys only, `__proto__` included as data).
  if (plain) return raw as Record<string, number>;
  const values = Object.create(null) as Record<string, number>;
  const tooLong: string[] = [];
  if (keys.length > MAX_KEYS_PER_RECORD) problems.push(`${keys.length} metric keys in one record: only the first ${MAX_KEYS_PER_RECORD} are kept`);
  for (let i = 0; i < keys.length && i < MAX_KEYS_PER_RECORD; i++) {
    const key = keys[i];
    if (key.length > MAX_KEY_CHARS) {
      tooLong.push(key);
      continue;
    }
    const n = toNumber(raw[key]);
    if (n === undefined) bad.push(key); else values[key] = n;
  }
  if (tooLong.length) problems.push(`metric keys longer than ${MAX_KEY_CHARS} characters skipped: ${nameList(tooLong)}`);
  return values;
}

function toRecord(o: Record<string, unknown>, line: string, problems: string[]): ParsedLine {
  const t = o.t;
  if (typeof t !== 'string') return { kind: 'invalid', reason: 'no record type "t"' };
  const time = optionalTime(o);
  switch (t) {
    case 'header': {
      const runId = o.run_id;
      if (typeof runId !== 'string' || runId === '') return { kind: 'invalid', reason: 'header without "run_id"' };
      const version = typeof o.version === 'number' ? o.version : FORMAT_VERSION;
      // A run id outside the documented characters is not used (it names files and ends up in
      // edits files and commands); the run is known by its folder instead, the rest of the header is kept.
      const valid = RUN_ID_PATTERN.test(runId);
      const shownId = runId.length > 60 ? `${JSON.stringify(runId.slice(0, 60))}…` : JSON.stringify(runId);
      return {
        kind: 'record',
        ...(valid ? {} : { warning: `"run_id" ${shownId} is not letters, digits, "-" and "_": the run is known by its folder` }),
        record: {
          t, version, runId: valid ? runId : '', time,
          project: optionalString(o, 'project', MAX_LABEL_CHARS, problems),
          name: optionalString(o, 'name', MAX_LABEL_CHARS, problems),
          description: optionalString(o, 'description', MAX_TEXT_CHARS, problems),
          tags: stringList(o.tags, problems),
          ...processOf(o, problems),
        },
      };
    }
    case 'params': {
      if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values)) return { kind: 'invalid', reason: 'params without an object "values"' };
      return { kind: 'record', record: { t, values: boundValues(o.values as Record<string, unknown>, problems), reset: o.reset === true, time } };
    }
    case 'metrics': {
      const step = o.step;
      if (step === undefined) return { kind: 'invalid', reason: 'metrics without a "step"' };
      if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
        return { kind: 'invalid', reason: `metrics "step" ${stepAsWritten(line, step)} is not a whole number from 0 to ${MAX_STEP}` };
      }
      if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values)) return { kind: 'invalid', reason: 'metrics without an object "values"' };
      const bad: string[] = [];
      const values = metricValues(o.values as Record<string, unknown>, bad, problems);
      if (bad.length > 0 && Object.keys(values).length === 0) return { kind: 'invalid', reason: `metric values are not numbers: ${nameList(bad)}` };
      return { kind: 'record', record: { t, step, time, values }, warning: bad.length > 0 ? `metric values are not numbers and were skipped: ${nameList(bad)}` : undefined };
    }
    case 'status': {
      const status = o.status;
      if (typeof status !== 'string' || !(RUN_STATUSES as readonly string[]).includes(status)) return { kind: 'invalid', reason: `unknown status ${describeValue(status)}` };
      return { kind: 'record', record: { t, status: status as RunStatusValue, time, message: optionalString(o, 'message', MAX_TEXT_CHARS, problems), ...(status === 'running' ? processOf(o, problems) : {}) } };
    }
    case 'heartbeat':
      return { kind: 'record', record: { t, time } };
    case 'tags': {
      const tags = stringList(o.tags, problems);
      if (!tags) return { kind: 'invalid', reason: 'tags without a list "tags"' };
      return { kind: 'record', record: { t, tags, reset: o.reset === true, time } };
    }
    case 'set':
      return { kind: 'record', record: { t, name: optionalString(o, 'name', MAX_LABEL_CHARS, problems), description: optionalString(o, 'description', MAX_TEXT_CHARS, problems), time } };
    case 'note': {
      const text = optionalString(o, 'text', MAX_TEXT_CHARS, problems);
      if (text === undefined) return { kind: 'invalid', reason: 'note without a string "text"' };
      return { kind: 'record', record: { t, text, time } };
    }
    case 'artifact': {
      const raw = optionalString(o, 'path', Infinity);
      if (raw === undefined) return { kind: 'invalid', reason: 'artifact without a string "path"' };
      if (raw.length > MAX_TEXT_CHARS) return { kind: 'invalid', reason: `artifact path of ${raw.length} characters is too long` };
      const safe = safeRunPath(raw);
      if (!safe) return { kind: 'invalid', reason: `artifact path ${quote(raw)} leaves the run folder` };
      const step = optionalNumber(o, 'step');
      return {
        kind: 'record',
        record: {
          t, path: safe, name: optionalString(o, 'name', MAX_LABEL_CHARS, problems) ?? safe.replace(/^artifacts\//, ''), size: optionalNumber(o, 'size'),
          sha256: optionalString(o, 'sha256', MAX_LABEL_CHARS, problems), time,
          step: step !== undefined && Number.isSafeInteger(step) && step >= 0 ? step : undefined, caption: optionalString(o, 'caption', MAX_LABEL_CHARS, problems),
        },
      };
    }
    case 'dataset': {
      const name = optionalString(o, 'name', MAX_LABEL_CHARS, problems);
      if (!name) return { kind: 'invalid', reason: 'dataset without a "name"' };
      return {
        kind: 'record',
        record: {
          t, name, time,
          path: optionalString(o, 'path', MAX_TEXT_CHARS, problems), uri: optionalString(o, 'uri', MAX_TEXT_CHARS, problems), size: optionalNumber(o, 'size'),
          sha256: optionalString(o, 'sha256', MAX_LABEL_CHARS, problems),
          description: optionalString(o, 'description', MAX_TEXT_CHARS, problems), context: optionalString(o, 'context', MAX_LABEL_CHARS, problems),
        },
      };
    }
    case 'env': {
      if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values)) return { kind: 'invalid', reason: 'env without an object "values"' };
      return { kind: 'record', record: { t, values: boundValues(o.values as Record<string, unknown>, problems), time } };
    }
    case 'alert': {
      const text = optionalString(o, 'condition', Infinity);
      const condition = text === undefined || text.length > MAX_LABEL_CHARS ? undefined : parseAlertCondition(text);
      if (!condition) return { kind: 'invalid', reason: `alert condition ${describeValue(o.condition)}: ${text === undefined ? 'not a string' : alertConditionProblem(text) ?? 'too long'}` };
      const level = o.level === 'info' || o.level === 'error' ? o.level : 'warning';
      return { kind: 'record', record: { t, condition, message: optionalString(o, 'message', MAX_TEXT_CHARS, problems) ?? '', level, time } };
    }
    default:
      return { kind: 'unknown', type: t };
  }
}
