// Messages between the extension host and the index worker (a worker thread that owns one
// workspace folder's tailer, importers, index and queries). Both sides validate what they receive:
// a malformed message is answered with an error (or dropped, when it has no id), never acted on.
import type { TriggeredAlert } from '../alerts';
import { READ_ARGS, validReadArgs } from './readArgs';
import type { ReadName } from './indexReads';

/** What the worker needs to open a folder's index. */
export interface OpenParams {
  /** Absolute workspace folder. */
  readonly root: string;
  /** Log root relative to `root`. */
  readonly logRoot: string;
  /** False: the index lives in memory only (Restricted Mode) and nothing is written to the folder. */
  readonly persistent: boolean;
  readonly maxLineBytes?: number;
  readonly quietMs?: number;
  /** Other trackers read (`labbook.import.*`); absent: none. */
  readonly imports?: { readonly sources: readonly string[]; readonly searchWorkspace: boolean; readonly folders: readonly string[] };
}

export type WorkerRequest =
  | { readonly id: number; readonly op: 'open'; readonly params: OpenParams }
  | { readonly id: number; readonly op: 'sync'; readonly files?: readonly string[]; readonly imports?: boolean; readonly force?: boolean }
  | { readonly id: number; readonly op: 'rebuild' }
  /** Stops a rebuild in progress after the batch being read (what is read stays; later syncs read the rest). */
  | { readonly id: number; readonly op: 'cancelRebuild' }
  | { readonly id: number; readonly op: 'listRuns' }
  | { readonly id: number; readonly op: 'getRun'; readonly uid: string }
  | { readonly id: number; readonly op: 'listSeries'; readonly uid: string }
  | { readonly id: number; readonly op: 'getPoints'; readonly uid: string; readonly key: string; readonly fromStep: number }
  | { readonly id: number; readonly op: 'save' }
  | { readonly id: number; readonly op: 'close' }
  /** One of the named reads of indexReads.ts. */
  | { readonly id: number; readonly op: 'read'; readonly name: ReadName; readonly args: unknown[] }
  /** The workspace became trusted: the index moves from memory to its file in the folder, read again. */
  | { readonly id: number; readonly op: 'persist' }
  /** Settings changed: new limits for lines read from now on, or other trackers read again with a new choice. */
  | { readonly id: number; readonly op: 'configure'; readonly params: ConfigureParams };

/** What `configure` changes (absent: unchanged). */
export interface ConfigureParams {
  readonly logRoot?: string;
  readonly maxLineBytes?: number;
  readonly quietMs?: number;
  /** null: no other trackers. */
  readonly imports?: OpenParams['imports'] | null;
}

export type WorkerOp = WorkerRequest['op'];

/** IngestChanges with its sets and maps as arrays (structured clone keeps them, but arrays validate simply). */
export interface ChangesMessage {
  readonly runs: string[];
  readonly reset: string[];
  readonly removed: string[];
  /** [uid, [[key, smallest step], ...]] */
  readonly points: [string, [string, number][]][];
}

/** Bulk points: three columns of equal length, moved (not copied) to the host. NaN stays NaN. */
export interface PointColumns {
  readonly steps: Float64Array;
  readonly values: Float64Array;
  readonly times: Float64Array;
}

/** Progress of a sync or rebuild, posted at most a few times a second. */
export interface ProgressMessage {
  readonly files: number;
  readonly totalFiles: number;
  readonly points: number;
  readonly elapsedMs: number;
}

export type WorkerMessage =
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly kind: 'changes'; readonly changes: ChangesMessage }
  | { readonly kind: 'problem'; readonly message: string }
  | { readonly kind: 'progress'; readonly progress: ProgressMessage }
  /** Alerts newly met by points just read (each once). */
  | { readonly kind: 'alerts'; readonly alerts: TriggeredAlert[] };

const OPS: ReadonlySet<string> = new Set(['open', 'sync', 'rebuild', 'cancelRebuild', 'listRuns', 'getRun', 'listSeries', 'getPoints', 'save', 'close', 'read', 'persist', 'configure']);
const MAX_STRING = 4096;
const MAX_FILES = 100_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_STRING && !v.includes('\0');
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStrList = (v: unknown, max: number): v is string[] => Array.isArray(v) && v.length <= max && v.every(isStr);
const optPositive = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v > 0);

function validImports(i: unknown): boolean {
  return isObj(i) && isStrList(i.sources, 16) && typeof i.searchWorkspace === 'boolean' && isStrList(i.folders, 1000);
}

function validOpen(p: unknown): p is OpenParams {
  if (!isObj(p) || !isStr(p.root) || !isStr(p.logRoot) || typeof p.persistent !== 'boolean') return false;
  if (!optPositive(p.maxLineBytes) || !optPositive(p.quietMs)) return false;
  return p.imports === undefined || validImports(p.imports);
}

function validConfigure(p: unknown): p is ConfigureParams {
  if (!isObj(p) || (p.logRoot !== undefined && !isStr(p.logRoot)) || !optPositive(p.maxLineBytes) || !optPositive(p.quietMs)) return false;
  return p.imports === undefined || p.imports === null || validImports(p.imports);
}

/** The request in `data`, or why it is not one. */
export function parseRequest(data: unknown): { request: WorkerRequest } | { error: string; id?: number } {
  if (!isObj(data)) return { error: 'not an object' };
  const id = isId(data.id) ? data.id : undefined;
  const fail = (error: string) => ({ error, id });
  if (id === undefined) return fail('missing or bad id');
  if (typeof data.op !== 'string' || !OPS.has(data.op)) return fail(`unknown op ${JSON.stringify(String(data.op)).slice(0, 40)}`);
  switch (data.op) {
    case 'open':
      return validOpen(data.params) ? { request: data as unknown as WorkerRequest } : fail('open: bad params');
    case 'sync':
      if (data.files !== undefined && !isStrList(data.files, MAX_FILES)) return fail('sync: files must be a list of paths');
      if ((data.imports !== undefined && typeof data.imports !== 'boolean') || (data.force !== undefined && typeof data.force !== 'boolean')) return fail('sync: bad flags');
      break;
    case 'getRun':
    case 'listSeries':
      if (!isStr(data.uid)) return fail(`${data.op}: bad uid`);
      break;
    case 'getPoints':
      if (!isStr(data.uid) || !isStr(data.key)) return fail('getPoints: bad uid or key');
      if (typeof data.fromStep !== 'number' || Number.isNaN(data.fromStep)) return fail('getPoints: bad fromStep');
      break;
    case 'read':
      if (typeof data.name !== 'string' || !Object.hasOwn(READ_ARGS, data.name)) return fail(`read: unknown read ${JSON.stringify(String(data.name)).slice(0, 40)}`);
      if (!validReadArgs(data.name as ReadName, data.args)) return fail(`read ${data.name}: bad arguments`);
      break;
    case 'configure':
      if (!validConfigure(data.params)) return fail('configure: bad params');
      break;
  }
  return { request: data as unknown as WorkerRequest };
}

function validChanges(c: unknown): c is ChangesMessage {
  if (!isObj(c)) return false;
  if (![c.runs, c.reset, c.removed].every((l) => Array.isArray(l) && l.every((s) => typeof s === 'string'))) return false;
  return Array.isArray(c.points) && c.points.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && Array.isArray(e[1])
    && (e[1] as unknown[]).every((k) => Array.isArray(k) && k.length === 2 && typeof k[0] === 'string' && typeof k[1] === 'number'));
}

function validProgress(p: unknown): p is ProgressMessage {
  return isObj(p) && ['files', 'totalFiles', 'points', 'elapsedMs'].every((k) => typeof p[k] === 'number' && Number.isFinite(p[k]));
}

/** The worker's message in `data`, or undefined when it is not one (the host drops it and says so). */
export function parseWorkerMessage(data: unknown): WorkerMessage | undefined {
  if (!isObj(data)) return undefined;
  switch (data.kind) {
    case 'reply':
      if (!isId(data.id)) return undefined;
      if (data.ok === true) return data as unknown as WorkerMessage;
      return data.ok === false && typeof data.error === 'string' ? (data as unknown as WorkerMessage) : undefined;
    case 'changes':
      return validChanges(data.changes) ? (data as unknown as WorkerMessage) : undefined;
    case 'problem':
      return typeof data.message === 'string' ? (data as unknown as WorkerMessage) : undefined;
    case 'progress':
      return validProgress(data.progress) ? (data as unknown as WorkerMessage) : undefined;
    case 'alerts':
      return Array.isArray(data.alerts) && data.alerts.every((a) => isObj(a) && typeof a.runUid === 'string' && typeof a.condition === 'string') ? (data as unknown as WorkerMessage) : undefined;
    default:
      return undefined;
  }
}

/** Whether `v` is a well-formed set of point columns (a getPoints result). */
export function isPointColumns(v: unknown): v is PointColumns {
  if (!isObj(v)) return false;
  const { steps, values, times } = v;
  return steps instanceof Float64Array && values instanceof Float64Array && times instanceof Float64Array
    && steps.length === values.length && steps.length === times.length;
}
