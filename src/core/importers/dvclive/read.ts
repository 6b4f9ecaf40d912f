/**
 * Reads a DVCLive output folder (`dvclive/` by default):
 *
 *     <dir>/params.yaml                   params (nested maps)
 *     <dir>/metrics.json                  the latest value of every metric (nested: `train/loss` is {"train": {"loss": …}}), and `step`
 *     <dir>/plots/metrics/**\/<name>.tsv   one series per file: header `step\t<name>` or `timestamp\tstep\t<name>`
 *     <dir>/plots/images/…                images (kept as artifacts)
 *     <dir>/artifacts/…                   files logged with `log_artifact` (kept as artifacts)
 *
 * Older layouts (DVCLive 0.x/1.0) are read too: the TSVs directly in `<dir>/` or in `<dir>/scalars/`
 * (keyed by their path there), and the summary in `<dir>.json` beside the folder (`dvclive.json`).
 * A DVCLive folder inside another one (one per cross-validation fold) is a run of its own.
 *
 * Mapping to {@link ImportedRun}:
 * - `uid`: `dvclive:<folder>`; `name` and `folder`: the workspace-relative folder; `experiment`: `dvclive`
 *   (DVC keeps experiment names in Git refs, not on disk).
 * - `params`: params.yaml flattened with `.` (`model.learning_rate`); lists stay values.
 * - `metrics`: one series per TSV file, keyed by its path below `plots/metrics` without `.tsv`
 *   (`train/loss`); times from the `timestamp` column when there is one, else null.
 * - Summary values in metrics.json without a TSV: a number becomes a one-point series at the last
 *   step (metrics.json's `step`, else the last TSV step, else 0); anything else goes to params as
 *   `summary.<key>`. metrics.json's own `step` is not a metric.
 * - `status`: DVCLive records no end. `running` while the newest TSV timestamp is less than 10
 *   minutes before `now`, or while a TSV file was seen growing (between two reads sharing a cache)
 *   in those 10 minutes; else `finished`. New files alone (a fresh clone) are not a sign of life.
 * - `startTime`/`endTime`: from the TSV timestamps; none when the tracker recorded none (file
 *   modification times say when the files were checked out, not when the run ran).
 */
import * as path from 'path';
import type { Dirent } from 'fs';
import { listDir, readText, VENDOR_FOLDERS, walkFiles, walkFolders } from '../../fsWalk';
import type { Problems } from '../../problems';
import { mtimeSeconds, workspacePath } from '../shared';
import { IMPORTED_SILENCE_SECONDS, type ImportedRun, type ImportedSeries } from '../contract';
import { readTsvIncrementally, type DvcliveCache } from './tsv';
import { parseYaml, YamlError } from '../../codecs/yaml';

/** A DVCLive folder whose metrics changed this recently (seconds) is shown as running. */
export const DVCLIVE_RUNNING_WINDOW_SECONDS = IMPORTED_SILENCE_SECONDS;
const MAX_DEPTH = 6;
const MAX_MESSAGES_PER_FILE = 20;
const MAX_ARTIFACTS = 5000;

/**
 * Finds DVCLive folders below `workspaceRoot` (absolute, sorted): folders named `dvclive` that hold
 * a `metrics.json`, `params.yaml`, `plots/`, `scalars/` or `.tsv` files, or have a `dvclive.json`
 * beside them (DVCLive 0.x), and any folder with `.tsv` files in `plots/metrics/` (a custom
 * `Live(dir=…)`). DVCLive folders inside one are found too (one per fold). A lone `metrics.json` or
 * `params.yaml` elsewhere is not enough: DVC pipelines and many scripts write those too. Skips
 * dot-folders and node_modules.
 */
export async function findDvcliveRuns(workspaceRoot: string): Promise<string[]> {
  const found: string[] = [];
  await walkFolders(path.resolve(workspaceRoot), {
    maxDepth: MAX_DEPTH,
    skip: VENDOR_FOLDERS,
    // A run's own series and artifacts are not searched for more runs.
    enter: (name, dir) => !(found.includes(dir) && (name === 'plots' || name === 'artifacts' || name === 'scalars')),
    folder: async (dir, entries, depth) => {
      if (depth > 0 && (await isDvcliveFolder(dir, entries))) found.push(dir);
    },
  });
  return found.sort();
}

async function isDvcliveFolder(dir: string, entries: readonly Dirent[]): Promise<boolean> {
  const names = new Set(entries.map((e) => e.name));
  if (path.basename(dir) === 'dvclive') {
    if (names.has('metrics.json') || names.has('params.yaml') || names.has('plots') || names.has('scalars')) return true;
    if (entries.some((e) => e.isFile() && e.name.endsWith('.tsv'))) return true;
    if ((await listDir(path.dirname(dir)))?.some((e) => e.isFile() && e.name === 'dvclive.json')) return true;
  }
  return names.has('plots') && (await hasTsv(path.join(dir, 'plots', 'metrics')));
}

async function hasTsv(dir: string, depth = 0): Promise<boolean> {
  const entries = await listDir(dir);
  if (!entries) return false;
  if (entries.some((e) => e.isFile() && e.name.endsWith('.tsv'))) return true;
  if (depth >= 3) return false;
  for (const e of entries) if (e.isDirectory() && (await hasTsv(path.join(dir, e.name), depth + 1))) return true;
  return false;
}

/** Reads the DVCLive folder `dir` (absolute, or relative to `workspaceRoot`) as one run. */
export async function readDvclive(workspaceRoot: string, dir: string, problems: Problems, now: number = Date.now() / 1000, cache: DvcliveCache = new Map()): Promise<ImportedRun> {
  const root = path.resolve(workspaceRoot);
  const abs = path.resolve(root, dir);
  const folder = workspacePath(root, abs);
  let grewAt = -Infinity;

  // Params.
  const params: Record<string, unknown> = {};
  const paramsFile = path.join(abs, 'params.yaml');
  const paramsText = await readText(paramsFile, root);
  if (paramsText !== undefined) {
    try {
      const y = parseYaml(paramsText);
      if (y && typeof y === 'object' && !Array.isArray(y)) flatten(y as Record<string, unknown>, '', '.', params);
      else if (y !== null) problems.report(`${workspacePath(root, paramsFile)}:1: expected a map of params`);
    } catch (e) {
      if (e instanceof YamlError) problems.report(`${workspacePath(root, paramsFile)}:${e.line}: ${e.message.replace(/^line \d+: /, '')}`);
      else throw e;
    }
  }

  // Series from the TSV files: `plots/metrics/` (DVCLive 2+), else `scalars/` (1.0), else the folder itself (0.x).
  const metrics = new Map<string, ImportedSeries>();
  const { metricsDir, tsvs, legacy } = await tsvFiles(abs, root);
  let lastStep: number | undefined;
  let firstTime = Infinity;
  let lastTime = -Infinity;
  for (const f of tsvs) {
    const file = path.join(metricsDir, f);
    const m = await mtimeSeconds(file);
    const fileRel = workspacePath(root, file);
    let messages = 0;
    // A file that is still being written may end in a torn row: that row waits for its newline.
    const read = await readTsvIncrementally(file, cache, now - m > DVCLIVE_RUNNING_WINDOW_SECONDS, now, (line, message) => {
      if (++messages <= MAX_MESSAGES_PER_FILE) problems.report(`${fileRel}:${line}: ${message}`);
    });
    if (messages > MAX_MESSAGES_PER_FILE) problems.report(`${fileRel}: ${messages - MAX_MESSAGES_PER_FILE} more problems not shown`);
    if (!read) continue;
    const { series } = read;
    if (read.grewAt !== undefined) grewAt = Math.max(grewAt, read.grewAt);
    metrics.set(f.slice(0, -'.tsv'.length), series);
    for (const s of series.steps) if (lastStep === undefined || s > lastStep) lastStep = s;
    for (const t of series.times) {
      if (t === null) continue;
      if (t < firstTime) firstTime = t;
      if (t > lastTime) lastTime = t;
    }
  }

  // Summary values.
  // DVCLive 0.x wrote the summary beside the folder: `dvclive.json` for `dvclive/`.
  let summaryFile = path.join(abs, 'metrics.json');
  let summaryText = await readText(summaryFile, root);
  if (summaryText === undefined && legacy) {
    summaryFile = `${abs}.json`;
    summaryText = await readText(summaryFile, root);
  }
  if (summaryText !== undefined) {
    let summary: unknown;
    try {
      summary = JSON.parse(summaryText);
    } catch (e) {
      // Python's json.dumps writes bare NaN / Infinity / -Infinity.
      try {
        summary = JSON.parse(summaryText.replace(/-?\bInfinity\b|\bNaN\b/g, (t) => `"__${t}__"`));
      } catch {
        problems.report(`${workspacePath(root, summaryFile)}:${jsonErrorLine(summaryText, e as Error)}: not valid JSON: ${(e as Error).message}`);
      }
    }
    if (summary && typeof summary === 'object' && !Array.isArray(summary)) {
      const flat: Record<string, unknown> = {};
      flatten(summary as Record<string, unknown>, '', '/', flat);
      const summaryStep = typeof flat.step === 'number' && Number.isInteger(flat.step) ? flat.step : undefined;
      delete flat.step;
      const at = summaryStep ?? lastStep ?? 0;
      for (const [k, raw] of Object.entries(flat)) {
        if (metrics.has(k)) continue;
        const v = raw === '__NaN__' ? NaN : raw === '__Infinity__' ? Infinity : raw === '__-Infinity__' ? -Infinity : raw;
        if (typeof v === 'number') metrics.set(k, { steps: [at], values: [v], times: [null] });
        else params[`summary.${k}`] = v;
      }
    } else if (summary !== undefined) {
      problems.report(`${workspacePath(root, summaryFile)}:1: expected a JSON object`);
    }
  }

  // Artifacts.
  const artifacts: string[] = [];
  for (const sub of ['plots/images', 'artifacts']) {
    const d = path.join(abs, ...sub.split('/'));
    for (const f of (await walkFiles(d, 16, MAX_ARTIFACTS, root)).sort()) artifacts.push(workspacePath(root, path.join(d, f)));
  }

  // DVCLive records no end: alive while its newest timestamp is recent, or while a file was seen growing.
  const running = now - grewAt <= DVCLIVE_RUNNING_WINDOW_SECONDS || now - lastTime <= DVCLIVE_RUNNING_WINDOW_SECONDS;
  const startTime = Number.isFinite(firstTime) ? firstTime : undefined;
  const endTime = running || !Number.isFinite(lastTime) ? undefined : lastTime;
  return {
    source: 'dvclive',
    uid: `dvclive:${folder}`,
    experiment: 'dvclive',
    name: folder,
    status: running ? 'running' : 'finished',
    startTime,
    endTime,
    params,
    tags: [],
    folder,
    metrics,
    artifacts,
  };
}

/** The TSV files of a DVCLive folder (relative to `metricsDir`), and whether they are in a 0.x/1.0 layout. */
async function tsvFiles(abs: string, root: string): Promise<{ metricsDir: string; tsvs: string[]; legacy: boolean }> {
  const tsvsIn = async (d: string, depth: number) => (await walkFiles(d, depth, 100_000, root)).filter((f) => f.endsWith('.tsv')).sort();
  const current = path.join(abs, 'plots', 'metrics');
  let tsvs = await tsvsIn(current, 8);
  if (tsvs.length > 0) return { metricsDir: current, tsvs, legacy: false };
  const scalars = path.join(abs, 'scalars');
  tsvs = await tsvsIn(scalars, 8);
  if (tsvs.length > 0) return { metricsDir: scalars, tsvs, legacy: true };
  tsvs = await tsvsIn(abs, 0);
  return { metricsDir: abs, tsvs, legacy: tsvs.length > 0 };
}

/** Flattens nested maps into `out` with `sep` between keys; other values (lists too) are kept as they are. */
function flatten(o: Record<string, unknown>, prefix: string, sep: string, out: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}${sep}${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) flatten(v as Record<string, unknown>, key, sep, out);
    else out[key] = v;
  }
}

function jsonErrorLine(text: string, e: Error): number {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return 1;
  return text.slice(0, Number(m[1])).split('\n').length;
}

// ----- small helpers -----
