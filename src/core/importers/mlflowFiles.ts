/**
 * Reads an MLflow file store (`mlruns/`): experiments, runs, metrics, params, tags and artifacts.
 * Read-only; nothing is ever written back.
 *
 * Layout (MLflow 1.x–3.x `FileStore`):
 *
 *     <store>/<experiment id>/meta.yaml                 name, lifecycle_stage
 *     <store>/<experiment id>/<run id>/meta.yaml        run_id, run_name, status (1..5), start/end ms, lifecycle_stage
 *     <store>/<experiment id>/<run id>/metrics/<key>    lines `timestamp value step` (older: `timestamp value`)
 *     <store>/<experiment id>/<run id>/params/<key>     the value, no trailing newline
 *     <store>/<experiment id>/<run id>/tags/<key>       the value
 *     <store>/<experiment id>/<run id>/artifacts/…      logged files
 *     <store>/.trash/<experiment id>/…                  deleted experiments (deleted whatever their meta says)
 *
 * Keys containing `/` are sub-folders (`metrics/train/box_loss` is the key `train/box_loss`).
 *
 * Mapping to {@link ImportedRun}:
 * - `name`: `run_name` from meta.yaml, else the `mlflow.runName` tag, else the run id (the folder name).
 * - `status`: RUNNING (1) and SCHEDULED (2) → running, FINISHED (3) → finished, FAILED (4) → failed,
 *   KILLED (5) → killed; the names are accepted too. MLflow's status is kept as written.
 * - `deleted`: the run's or the experiment's `lifecycle_stage` is `deleted`, or the experiment is in `.trash`.
 * - `params`: every param as its string value (MLflow params are strings); every tag also as
 *   `tag.<key>` (so system tags such as `mlflow.source.git.commit` stay visible and comparable);
 *   the experiment's tags as `experiment_tag.<key>`.
 * - `tags`: the user tags (keys not starting with `mlflow.`) as `key:value` strings (`key` alone when
 *   the value is empty).
 * - `note`: the `mlflow.note.content` tag.
 * - `artifacts`: the files under the run's `artifacts/` folder, or else under `artifact_uri` when that
 *   is a local path (`file://…`, absolute or relative) inside the workspace (really: not through a link).
 * - `uid`: `mlflow:` + the run folder; `folder`: the run folder (workspace-relative).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { RunStatusValue } from '../format/records';
import { findFolders, listDir, openIfExists, VENDOR_FOLDERS, walkFolders } from '../fsWalk';
import { readFileInside } from '../safePath';
import type { Problems } from '../problems';
import { workspacePath } from './shared';
import { listArtifacts, localArtifactDir, reportServerArtifacts, serverArtifactNote } from './mlflowArtifacts';
export { listArtifacts, localArtifactDir } from './mlflowArtifacts';
import type { ImportedRun, ImportedSeries } from './contract';
import { parseYaml, YamlError } from '../codecs/yaml';

/** How deep below the workspace root a store is looked for. */
export const MLFLOW_STORE_MAX_DEPTH = 6;
/** Most problems reported for one file; the rest are counted in one message. */
const MAX_MESSAGES_PER_FILE = 20;
/** Runs read at the same time, and files read at the same time per folder (bounds open file handles). */
const CONCURRENCY = 8;
const FILE_CONCURRENCY = 8;
/** Folders inside an experiment folder that are not runs (MLflow 2.x/3.x). */
const NON_RUN_FOLDERS = new Set(['tags', 'datasets', 'models', 'traces', 'logged_models', 'inputs', 'outputs']);
/** Not part of a run's fingerprint (artifacts do not change what is read). */
const ARTIFACTS_FOLDER: ReadonlySet<string> = new Set(['artifacts']);

// ----------------------------------------------------------------------------------------------
// Discovery
// ----------------------------------------------------------------------------------------------

/**
 * Finds MLflow file stores below `workspaceRoot` (absolute paths, sorted): folders named `mlruns`,
 * and folders holding numbered experiment folders whose `meta.yaml` has an `experiment_id`.
 * At most {@link MLFLOW_STORE_MAX_DEPTH} folders deep; skips dot-folders and node_modules; does not
 * look inside a store it found.
 */
export async function findMlflowStores(workspaceRoot: string): Promise<string[]> {
  return findFolders(
    path.resolve(workspaceRoot),
    { maxDepth: MLFLOW_STORE_MAX_DEPTH, skip: VENDOR_FOLDERS },
    async (dir, entries, depth) =>
      (depth > 0 && path.basename(dir) === 'mlruns') || looksLikeStore(dir, entries.filter((e) => e.isDirectory()).map((e) => e.name)),
  );
}

async function looksLikeStore(dir: string, subdirs: string[]): Promise<boolean> {
  for (const name of subdirs) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = await fs.promises.readFile(path.join(dir, name, 'meta.yaml'), 'utf8');
    } catch {
      continue;
    }
    if (/^experiment_id\s*:/m.test(text) && !/^run_(uuid|id)\s*:/m.test(text)) return true;
  }
  return false;
}

// ----------------------------------------------------------------------------------------------
// Metric files (also usable incrementally, to tail a live run)
// ----------------------------------------------------------------------------------------------

/** Where parsing a metric file stopped: a byte offset just past the last complete line, and lines consumed. */
export interface MetricTail {
  readonly offset: number;
  readonly line: number;
}

export const EMPTY_METRIC_TAIL: MetricTail = { offset: 0, line: 0 };

/** A series being filled (the arrays of an {@link ImportedSeries}). */
export interface SeriesBuffer {
  readonly steps: number[];
  readonly values: number[];
  readonly times: (number | null)[];
}

export function emptySeries(): SeriesBuffer {
  return { steps: [], values: [], times: [] };
}

/**
 * Parses the complete lines of an MLflow metric file, from byte `from.offset` on, appending points to `into`.
 *
 * `text` is the file's content decoded as latin1 (or ASCII; one character per byte, so character
 * positions are byte offsets), starting at byte `base` of the file (0 when it is the whole file).
 * A last line without its `\n` is left for later. Lines are `timestamp value step`; a two-field
 * `timestamp value` line (old MLflow) has step 0. Values may be `nan`, `inf`, `-inf`, `NaN`,
 * `Infinity`. Times become Unix seconds. A line that cannot be read is passed to `onBadLine` (with its
 * 1-based number) and skipped. Returns the state to continue from.
 */
export function parseMetricText(
  text: string,
  from: MetricTail,
  into: SeriesBuffer,
  onBadLine?: (line: number, message: string) => void,
  base = 0,
): MetricTail {
  const { steps, values, times } = into;
  let pos = from.offset - base;
  if (pos < 0) throw new RangeError('parseMetricText: the text starts after the offset to parse from');
  let line = from.line;
  const len = text.length;
  while (pos < len) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break; // partial last line
    line++;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (end === pos) {
      pos = nl + 1;
      continue;
    }
    // Fast path: `digits value digits` with single spaces; anything else goes the careful way.
    let i = pos;
    let ts = 0;
    let c = text.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      ts = ts * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    let point: [number, number, number] | string;
    if (i > pos && c === 32) {
      const vStart = i + 1;
      let vEnd = text.indexOf(' ', vStart);
      if (vEnd < 0 || vEnd > end) vEnd = end;
      const value = parseValue(text, vStart, vEnd);
      if (value === undefined) {
        point = `bad value "${clip(text.slice(vStart, vEnd))}"`;
      } else if (vEnd === end) {
        point = [ts, value, 0];
      } else {
        let j = vEnd + 1;
        let step = 0;
        c = text.charCodeAt(j);
        while (j < end && c >= 48 && c <= 57) {
          step = step * 10 + (c - 48);
          c = text.charCodeAt(++j);
        }
        point = j === end && j > vEnd + 1 ? [ts, value, step] : parseLineSlow(text.slice(pos, end));
      }
    } else {
      point = parseLineSlow(text.slice(pos, end));
    }
    pos = nl + 1;
    if (typeof point === 'string') {
      onBadLine?.(line, point);
      continue;
    }
    steps.push(point[2]);
    values.push(point[1]);
    times.push(point[0] / 1000);
  }
  return { offset: base + pos, line };
}

/** A metric line in any accepted spelling (signs, float timestamps, extra blanks): [timestamp, value, step], or why not. */
function parseLineSlow(lineText: string): [number, number, number] | string {
  const f = lineText.trim().split(/\s+/);
  if (f.length < 2 || f.length > 3) return `expected "timestamp value step", found "${clip(lineText)}"`;
  const ts = Number(f[0]);
  if (!Number.isFinite(ts) || !/^[-+]?[0-9.eE+-]+$/.test(f[0])) return `bad timestamp "${clip(f[0])}"`;
  const value = parseValue(f[1], 0, f[1].length);
  if (value === undefined) return `bad value "${clip(f[1])}"`;
  let step = 0;
  if (f.length === 3) {
    step = Number(f[2]);
    if (!Number.isSafeInteger(step) || !/^[-+]?\d+$/.test(f[2])) return `bad step "${clip(f[2])}"`;
  }
  return [ts, value, step];
}

/** Reads a metric value: a decimal number, or nan / inf / -inf / NaN / Infinity. Undefined when it is none. */
function parseValue(text: string, start: number, end: number): number | undefined {
  if (end <= start) return undefined;
  const s = text.slice(start, end);
  const v = Number(s);
  if (v === v) {
    // Number() also accepts hex, binary and the empty string; only decimals are valid here.
    const c = s.charCodeAt(s.length - 1);
    if ((c >= 48 && c <= 57) || c === 46 || s.endsWith('Infinity')) {
      const c0 = s.charCodeAt(0);
      if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46 || c0 === 73) {
        if (s.length > 1 && (s[1] === 'x' || s[1] === 'X' || s[1] === 'b' || s[1] === 'B' || s[1] === 'o' || s[1] === 'O')) return undefined;
        return v;
      }
    }
    return undefined;
  }
  switch (s.toLowerCase()) {
    case 'nan': case '-nan': case '+nan':
      return NaN;
    case 'inf': case '+inf': case 'infinity': case '+infinity':
      return Infinity;
    case '-inf': case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/** What reading a metric file incrementally gave. */
export interface MetricFileRead {
  readonly next: MetricTail;
  /** The file shrank: it was read again from the start (drop what was read from it before). */
  readonly restarted: boolean;
}

/**
 * Reads what was appended to a metric file since `from` (complete lines only) into `into`.
 * Returns undefined when the file does not exist.
 */
export async function readMetricFile(
  file: string,
  from: MetricTail,
  into: SeriesBuffer,
  onBadLine?: (line: number, message: string) => void,
): Promise<MetricFileRead | undefined> {
  const handle = await openIfExists(file);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    let start = from;
    let restarted = false;
    if (size < start.offset) {
      start = EMPTY_METRIC_TAIL;
      restarted = true;
    }
    if (size === start.offset) return { next: start, restarted };
    const buf = Buffer.allocUnsafe(size - start.offset);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, start.offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const next = parseMetricText(buf.toString('latin1', 0, got), start, into, onBadLine, start.offset);
    return { next, restarted };
  } finally {
    await handle.close();
  }
}

// ----------------------------------------------------------------------------------------------
// Store
// ----------------------------------------------------------------------------------------------

interface Experiment {
  readonly id: string;
  readonly dir: string;
  readonly name: string;
  readonly deleted: boolean;
  readonly tags: ReadonlyMap<string, string>;
}

/**
 * Reads every run of the MLflow file store `storeDir` (absolute, or relative to `workspaceRoot`).
 * Problems (unreadable meta.yaml, bad metric lines, …) are reported with the workspace-relative file
 * and line; whatever can be read is returned. MLflow's own status is kept as written. `cache`,
 * kept between reads, spares re-reading runs whose files did not change.
 */
export async function readMlflowFileStore(workspaceRoot: string, storeDir: string, problems: Problems, cache?: MlflowRunCache): Promise<ImportedRun[]> {
  const root = path.resolve(workspaceRoot);
  const store = path.resolve(root, storeDir);
  const ctx: Ctx = { root, store, problems, onServer: [] };
  const experiments: Experiment[] = [];
  for (const [dir, inTrash] of [[store, false], [path.join(store, '.trash'), true]] as const) {
    for (const name of await subfolders(dir)) {
      if (name.startsWith('.')) continue;
      const exp = await readExperiment(ctx, path.join(dir, name), name, inTrash);
      if (exp) experiments.push(exp);
    }
  }
  experiments.sort((a, b) => compareIds(a.id, b.id) || Number(a.deleted) - Number(b.deleted));
  const jobs: Array<() => Promise<ImportedRun | undefined>> = [];
  for (const exp of experiments) {
    for (const name of (await subfolders(exp.dir)).sort()) {
      if (NON_RUN_FOLDERS.has(name) || name.startsWith('.')) continue;
      const runDir = path.join(exp.dir, name);
      jobs.push(cache ? () => readRunCached(ctx, exp, runDir, name, cache) : () => readRun(ctx, exp, runDir, name));
    }
  }
  const runs = await mapLimit(jobs, CONCURRENCY);
  reportServerArtifacts(workspacePath(root, store), ctx.onServer, problems);
  return runs.filter((r): r is ImportedRun => r !== undefined);
}

/**
 * Runs read before, with the sizes and times of their files: a store read again (because one run
 * is being written) reads only the runs whose files changed.
 */
export type MlflowRunCache = Map<string, { readonly print: string; readonly run: ImportedRun | undefined; readonly tails: MetricTails }>;

/** Where reading each metric file of a live run stopped, and what it gave so far (key → state). */
type MetricTails = Map<string, { tail: MetricTail; series: SeriesBuffer }>;

async function runFingerprint(dir: string): Promise<string> {
  const parts: string[] = [];
  await walkFolders(dir, {
    maxDepth: 8,
    dotFolders: true,
    skip: ARTIFACTS_FOLDER,
    sequential: true,
    folder: async (d, entries) => {
      // Every entry but a folder counts (a symlink too).
      for (const e of entries) {
        if (e.isDirectory()) continue;
        const p = path.join(d, e.name);
        const st = await fs.promises.stat(p).catch(() => undefined);
        parts.push(`${p}:${st?.size}:${st?.mtimeMs}`);
      }
    },
  });
  return parts.sort().join('|');
}

async function readRunCached(ctx: Ctx, exp: Experiment, dir: string, folder: string, cache: MlflowRunCache): Promise<ImportedRun | undefined> {
  const print = `${exp.name}|${exp.deleted}|${await runFingerprint(dir)}`;
  const hit = cache.get(dir);
  if (hit && hit.print === print) return hit.run;
  // A live run's metric files are only read from where the last read stopped.
  const tails: MetricTails = hit?.tails ?? new Map();
  const run = await readRun(ctx, exp, dir, folder, tails);
  cache.set(dir, { print, run, tails });
  return run;
}

interface Ctx {
  readonly root: string;
  readonly store: string;
  readonly problems: Problems;
  /** Runs whose artifacts are on an MLflow server, not in the workspace. */
  readonly onServer: string[];
}

async function readExperiment(ctx: Ctx, dir: string, folder: string, inTrash: boolean): Promise<Experiment | undefined> {
  const metaFile = path.join(dir, 'meta.yaml');
  const meta = await readMeta(ctx, metaFile);
  if (!meta) {
    // Not an experiment (e.g. the model registry's `models/`), unless it is numbered.
    if (!/^\d+$/.test(folder)) return undefined;
    if (meta === null) ctx.problems.report(`${workspacePath(ctx.root, metaFile)}: missing; experiment ${folder} is named after its folder`);
    return { id: folder, dir, name: folder, deleted: inTrash, tags: await readKeyValueFolder(path.join(dir, 'tags'), ctx.root) };
  }
  const id = str(meta.experiment_id) ?? folder;
  const name = str(meta.name) || id;
  return { id, dir, name, deleted: inTrash || meta.lifecycle_stage === 'deleted', tags: await readKeyValueFolder(path.join(dir, 'tags'), ctx.root) };
}

/** Parses a meta.yaml into a map; null when the file is missing, undefined (reported) when it cannot be read. */
async function readMeta(ctx: Ctx, file: string): Promise<Record<string, unknown> | null | undefined> {
  let text: string;
  try {
    text = (await readFileInside(ctx.root, file)).toString('utf8'); // a meta.yaml may be a link to anywhere
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    ctx.problems.report(`${workspacePath(ctx.root, file)}: could not be read: ${(e as Error).message}`);
    return undefined;
  }
  try {
    const v = parseYaml(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    ctx.problems.report(`${workspacePath(ctx.root, file)}:1: expected a map of fields`);
  } catch (e) {
    if (e instanceof YamlError) ctx.problems.report(`${workspacePath(ctx.root, file)}:${e.line}: ${e.message.replace(/^line \d+: /, '')}`);
    else ctx.problems.report(`${workspacePath(ctx.root, file)}: ${(e as Error).message}`);
  }
  return undefined;
}

const STATUS_BY_NUMBER: Record<number, RunStatusValue> = { 1: 'running', 2: 'running', 3: 'finished', 4: 'failed', 5: 'killed' };
const STATUS_BY_NAME: Record<string, RunStatusValue> = { RUNNING: 'running', SCHEDULED: 'running', FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

/** MLflow's run status (number or name) in Labbook's terms; undefined when unknown. */
export function mlflowStatus(status: unknown): RunStatusValue | undefined {
  if (typeof status === 'number') return STATUS_BY_NUMBER[status];
  if (typeof status === 'string') {
    const s = status.trim().toUpperCase();
    if (/^\d+$/.test(s)) return STATUS_BY_NUMBER[Number(s)];
    return STATUS_BY_NAME[s.replace(/^RUNSTATUS\./, '')];
  }
  return undefined;
}

/** Params, tags and note of a run from its MLflow params and tags (see the mapping at the top of this file). */
export function mlflowRunFields(
  params: ReadonlyMap<string, string>,
  tags: ReadonlyMap<string, string>,
  experimentTags?: ReadonlyMap<string, string>,
): { params: Record<string, unknown>; tags: string[]; note: string | undefined } {
  const outParams: Record<string, unknown> = {};
  for (const [k, v] of params) outParams[k] = v;
  const outTags: string[] = [];
  for (const [k, v] of tags) {
    outParams[`tag.${k}`] = v;
    if (!k.startsWith('mlflow.')) outTags.push(v === '' ? k : `${k}:${v}`);
  }
  if (experimentTags) for (const [k, v] of experimentTags) outParams[`experiment_tag.${k}`] = v;
  const note = tags.get('mlflow.note.content');
  return { params: outParams, tags: outTags, note: note ? note : undefined };
}

async function readRun(ctx: Ctx, exp: Experiment, dir: string, folder: string, tails?: MetricTails): Promise<ImportedRun | undefined> {
  const entries = await listDir(dir);
  if (!entries) return undefined;
  const names = new Set(entries.map((e) => e.name));
  const hasMeta = names.has('meta.yaml');
  if (!hasMeta && !['metrics', 'params', 'tags', 'artifacts'].some((n) => names.has(n))) return undefined; // not a run
  const metaFile = path.join(dir, 'meta.yaml');
  const folderRel = workspacePath(ctx.root, dir);
  const read = hasMeta ? await readMeta(ctx, metaFile) : null;
  if (!hasMeta) ctx.problems.report(`${workspacePath(ctx.root, metaFile)}: missing; the run is named after its folder`);
  const meta = read ?? {};

  let status = mlflowStatus(meta.status);
  if (status === undefined) {
    if (meta.status !== undefined) ctx.problems.report(`${workspacePath(ctx.root, metaFile)}: unknown status ${JSON.stringify(meta.status)}`);
    // Without a meta.yaml nothing says the run is live.
    status = !read || num(meta.end_time) !== undefined ? 'finished' : 'running';
  }
  const [params, tags, metrics] = await Promise.all([
    names.has('params') ? readKeyValueFolder(path.join(dir, 'params'), ctx.root) : new Map<string, string>(),
    names.has('tags') ? readKeyValueFolder(path.join(dir, 'tags'), ctx.root) : new Map<string, string>(),
    // A live run may be writing a line right now: only then is a last line without `\n` left out.
    names.has('metrics') ? readMetricsFolder(ctx, path.join(dir, 'metrics'), status !== 'running', status === 'running' ? tails : undefined) : new Map<string, ImportedSeries>(),
  ]);

  const runId = str(meta.run_id) || str(meta.run_uuid) || folder;
  const name = str(meta.run_name) || tags.get('mlflow.runName') || str(meta.name) || runId;
  const start = num(meta.start_time);
  const end = num(meta.end_time);

  const fields = mlflowRunFields(params, tags, exp.tags);

  let artifacts: string[] = [];
  if (names.has('artifacts')) artifacts = await listArtifacts(ctx.root, path.join(dir, 'artifacts'));
  if (artifacts.length === 0) {
    const local = await localArtifactDir(str(meta.artifact_uri), ctx.root, [path.dirname(ctx.store), ctx.root]);
    if (local && path.resolve(local) !== path.resolve(dir, 'artifacts')) artifacts = await listArtifacts(ctx.root, local);
    else if (!local) serverArtifactNote(str(meta.artifact_uri), workspacePath(ctx.root, dir), ctx.onServer);
  }

  return {
    source: 'mlflow',
    sameStep: 'last',
    uid: `mlflow:${folderRel}`,
    experiment: exp.name,
    name,
    status,
    startTime: start !== undefined ? start / 1000 : undefined,
    endTime: end !== undefined ? end / 1000 : undefined,
    params: fields.params,
    tags: fields.tags,
    note: fields.note,
    deleted: exp.deleted || meta.lifecycle_stage === 'deleted' ? true : undefined,
    folder: folderRel,
    metrics,
    artifacts,
  };
}

/** Reads a folder of one-file-per-key values (params, tags); keys with `/` are sub-folders. */
async function readKeyValueFolder(dir: string, root: string): Promise<Map<string, string>> {
  const files = await walkFiles(dir, 8, 100_000, root);
  const out = new Map<string, string>();
  const values = await mapLimit(
    files.map((f) => () => fs.promises.readFile(path.join(dir, f), 'utf8').catch(() => undefined)),
    FILE_CONCURRENCY,
  );
  const order = files.map((f, i) => [f, values[i]] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [f, v] of order) if (v !== undefined) out.set(f, v);
  return out;
}

async function readMetricsFolder(ctx: Ctx, dir: string, complete: boolean, tails?: MetricTails): Promise<Map<string, ImportedSeries>> {
  const files = (await walkFiles(dir, 8, 100_000, ctx.root)).sort();
  const out = new Map<string, ImportedSeries>();
  await mapLimit(
    files.map((key) => async () => {
      const file = path.join(dir, key);
      if (tails) {
        // Live run: read only what was appended since the last read (complete lines).
        let state = tails.get(key);
        if (!state) tails.set(key, (state = { tail: EMPTY_METRIC_TAIL, series: emptySeries() }));
        const fileRel = workspacePath(ctx.root, file);
        const onBad = (line: number, message: string) => ctx.problems.report(`${fileRel}:${line}: ${message}`);
        let read = await readMetricFile(file, state.tail, state.series, onBad);
        if (read?.restarted) {
          state.series = emptySeries();
          read = await readMetricFile(file, EMPTY_METRIC_TAIL, state.series, onBad);
        }
        if (read) {
          state.tail = read.next;
          out.set(key, state.series);
        }
        return;
      }
      let text: string;
      try {
        text = (await fs.promises.readFile(file)).toString('latin1');
      } catch (e) {
        ctx.problems.report(`${workspacePath(ctx.root, file)}: could not be read: ${(e as Error).message}`);
        return;
      }
      // A finished run's file is complete: a missing final newline still ends a line.
      if (complete && text.length > 0 && !text.endsWith('\n')) text += '\n';
      const series = emptySeries();
      const fileRel = workspacePath(ctx.root, file);
      let messages = 0;
      parseMetricText(text, EMPTY_METRIC_TAIL, series, (line, message) => {
        if (++messages <= MAX_MESSAGES_PER_FILE) ctx.problems.report(`${fileRel}:${line}: ${message}`);
      });
      if (messages > MAX_MESSAGES_PER_FILE) ctx.problems.report(`${fileRel}: ${messages - MAX_MESSAGES_PER_FILE} more problems not shown`);
      out.set(key, series);
    }),
    FILE_CONCURRENCY,
  );
  // Sorted by key, independent of read completion order.
  return new Map([...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

// ----------------------------------------------------------------------------------------------
// Small helpers
// ----------------------------------------------------------------------------------------------


async function subfolders(dir: string): Promise<string[]> {
  return ((await listDir(dir)) ?? []).filter((e) => e.isDirectory()).map((e) => e.name);
}

/**
 * Files below `dir`, as posix paths relative to it; at most `maxDepth` levels and `limit` files.
 * A folder's own files come before those of its sub-folders. Nothing when `dir` really is outside
 * the workspace folder `inside` (a link).
 */
async function walkFiles(dir: string, maxDepth: number, limit: number, inside: string): Promise<string[]> {
  const out: string[] = [];
  await walkFolders(dir, {
    inside,
    maxDepth,
    dotFolders: true,
    sequential: true,
    folder: (d, entries) => {
      for (const e of entries) {
        if (out.length >= limit) return false;
        if (e.isFile()) out.push(workspacePath(dir, path.join(d, e.name)));
      }
    },
  });
  return out;
}

async function mapLimit<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
