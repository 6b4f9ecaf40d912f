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
import { parseYaml, YamlError } from '../../codecs/yaml';
import { listDir, walkFolders } from '../../fsWalk';
import type { Problems } from '../../problems';
import { readFileInside } from '../../safePath';
import type { ImportedRun, ImportedSeries } from '../contract';
import { workspacePath } from '../shared';
import { listArtifacts, localArtifactDir, reportServerArtifacts, serverArtifactNote } from './artifacts';
import { mlflowRunFields, mlflowStatus } from './fields';
import { EMPTY_METRIC_TAIL, emptySeries, MAX_MESSAGES_PER_FILE, parseMetricText, readMetricFile, type MetricTail, type SeriesBuffer } from './metricFile';

/** Runs read at the same time, and files read at the same time per folder (bounds open file handles). */
const CONCURRENCY = 8;
const FILE_CONCURRENCY = 8;
/** Folders inside an experiment folder that are not runs (MLflow 2.x/3.x). */
const NON_RUN_FOLDERS = new Set(['tags', 'datasets', 'models', 'traces', 'logged_models', 'inputs', 'outputs']);
/** Not part of a run's fingerprint (artifacts do not change what is read). */
const ARTIFACTS_FOLDER: ReadonlySet<string> = new Set(['artifacts']);


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

