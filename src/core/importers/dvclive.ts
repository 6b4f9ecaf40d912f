/**
 * Reads a DVCLive output folder (`dvclive/` by default):
 *
 *     <dir>/params.yaml                   params (nested maps)
 *     <dir>/metrics.json                  the latest value of every metric (nested: `train/loss` is {"train": {"loss": …}}), and `step`
 *     <dir>/plots/metrics/**\/<name>.tsv   one series per file: header `step\t<name>` or `timestamp\tstep\t<name>`
 *     <dir>/plots/images/…                images (kept as artifacts)
 *     <dir>/artifacts/…                   files logged with `log_artifact` (kept as artifacts)
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
 * - `status`: `running` when a metrics file (TSV or metrics.json) changed in the last 10 minutes
 *   before `now`, else `finished`. `startTime`/`endTime`: from the TSV timestamps when present, else
 *   from the files' modification times (end only once finished).
 */
import * as fs from 'fs';
import * as path from 'path';
import { findFolders, listDir, openIfExists, readText, VENDOR_FOLDERS, walkFiles } from '../fsWalk';
import type { Problems } from '../problems';
import type { ImportedRun, ImportedSeries } from './model';
import { parseYaml, YamlError } from '../codecs/yaml';

/** A DVCLive folder whose metrics changed this recently (ms) is shown as running. */
export const DVCLIVE_RUNNING_WINDOW_MS = 10 * 60 * 1000;
const MAX_DEPTH = 6;
const MAX_MESSAGES_PER_FILE = 20;
const MAX_ARTIFACTS = 5000;

/**
 * Finds DVCLive folders below `workspaceRoot` (absolute, sorted): folders named `dvclive` that hold
 * a `metrics.json`, `params.yaml` or `plots/`, and any folder with `.tsv` files in `plots/metrics/`
 * (a custom `Live(dir=…)`). A lone `metrics.json` or `params.yaml` elsewhere is not enough: DVC
 * pipelines and many scripts write those too. Skips dot-folders and node_modules.
 */
export async function findDvcliveRuns(workspaceRoot: string): Promise<string[]> {
  return findFolders(path.resolve(workspaceRoot), { maxDepth: MAX_DEPTH, skip: VENDOR_FOLDERS }, async (dir, entries, depth) => {
    const names = new Set(entries.map((e) => e.name));
    const isDvclive =
      (path.basename(dir) === 'dvclive' && (names.has('metrics.json') || names.has('params.yaml') || names.has('plots'))) ||
      (names.has('plots') && (await hasTsv(path.join(dir, 'plots', 'metrics'))));
    return isDvclive && depth > 0;
  });
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
export async function readDvclive(workspaceRoot: string, dir: string, problems: Problems, now: number = Date.now(), cache: DvcliveCache = new Map()): Promise<ImportedRun> {
  const root = path.resolve(workspaceRoot);
  const abs = path.resolve(root, dir);
  const folder = rel(root, abs);
  const mtimes: number[] = [];
  let newestMetricsMtime = -Infinity;

  // Params.
  const params: Record<string, unknown> = {};
  const paramsFile = path.join(abs, 'params.yaml');
  const paramsText = await readText(paramsFile, root);
  if (paramsText !== undefined) {
    mtimes.push(await mtime(paramsFile));
    try {
      const y = parseYaml(paramsText);
      if (y && typeof y === 'object' && !Array.isArray(y)) flatten(y as Record<string, unknown>, '', '.', params);
      else if (y !== null) problems.report(`${rel(root, paramsFile)}:1: expected a map of params`);
    } catch (e) {
      if (e instanceof YamlError) problems.report(`${rel(root, paramsFile)}:${e.line}: ${e.message.replace(/^line \d+: /, '')}`);
      else throw e;
    }
  }

  // Series from the TSV files.
  const metrics = new Map<string, ImportedSeries>();
  const metricsDir = path.join(abs, 'plots', 'metrics');
  const tsvs = (await walkFiles(metricsDir, 8, 100_000, root)).filter((f) => f.endsWith('.tsv')).sort();
  let lastStep: number | undefined;
  let firstTime = Infinity;
  let lastTime = -Infinity;
  for (const f of tsvs) {
    const file = path.join(metricsDir, f);
    const m = await mtime(file);
    mtimes.push(m);
    newestMetricsMtime = Math.max(newestMetricsMtime, m);
    const fileRel = rel(root, file);
    let messages = 0;
    // A file that is still being written may end in a torn row: that row waits for its newline.
    const series = await readTsvIncrementally(file, cache, now - m > DVCLIVE_RUNNING_WINDOW_MS, (line, message) => {
      if (++messages <= MAX_MESSAGES_PER_FILE) problems.report(`${fileRel}:${line}: ${message}`);
    });
    if (messages > MAX_MESSAGES_PER_FILE) problems.report(`${fileRel}: ${messages - MAX_MESSAGES_PER_FILE} more problems not shown`);
    if (!series) continue;
    metrics.set(f.slice(0, -'.tsv'.length), series);
    for (const s of series.steps) if (lastStep === undefined || s > lastStep) lastStep = s;
    for (const t of series.times) {
      if (t === null) continue;
      if (t < firstTime) firstTime = t;
      if (t > lastTime) lastTime = t;
    }
  }

  // Summary values.
  const summaryFile = path.join(abs, 'metrics.json');
  const summaryText = await readText(summaryFile, root);
  if (summaryText !== undefined) {
    const m = await mtime(summaryFile);
    mtimes.push(m);
    newestMetricsMtime = Math.max(newestMetricsMtime, m);
    let summary: unknown;
    try {
      summary = JSON.parse(summaryText);
    } catch (e) {
      // Python's json.dumps writes bare NaN / Infinity / -Infinity.
      try {
        summary = JSON.parse(summaryText.replace(/-?\bInfinity\b|\bNaN\b/g, (t) => `"__${t}__"`));
      } catch {
        problems.report(`${rel(root, summaryFile)}:${jsonErrorLine(summaryText, e as Error)}: not valid JSON: ${(e as Error).message}`);
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
      problems.report(`${rel(root, summaryFile)}:1: expected a JSON object`);
    }
  }

  // Artifacts.
  const artifacts: string[] = [];
  for (const sub of ['plots/images', 'artifacts']) {
    const d = path.join(abs, ...sub.split('/'));
    for (const f of (await walkFiles(d, 16, MAX_ARTIFACTS, root)).sort()) artifacts.push(rel(root, path.join(d, f)));
  }

  const running = now - newestMetricsMtime <= DVCLIVE_RUNNING_WINDOW_MS;
  const startTime = Number.isFinite(firstTime) ? firstTime : mtimes.length > 0 ? Math.min(...mtimes) / 1000 : undefined;
  const endTime = running ? undefined : Number.isFinite(lastTime) ? lastTime : mtimes.length > 0 ? Math.max(...mtimes) / 1000 : undefined;
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

/** The columns of a DVCLive TSV file, from its header line. */
export interface TsvHeader {
  readonly width: number;
  readonly names: readonly string[];
  readonly stepCol: number;
  readonly timeCol: number;
  readonly valueCol: number;
}

/** Reads a TSV header; problems go to `onBadLine` (line 1). Undefined when it is unusable. */
export function parseTsvHeader(line: string, onBadLine?: (line: number, message: string) => void): TsvHeader | undefined {
  const names = line.replace(/\r$/, '').split('\t');
  if (names.length === 1 && names[0].trim() === '') return undefined;
  const stepCol = names.indexOf('step');
  const timeCol = names.indexOf('timestamp');
  const others = names.map((_, i) => i).filter((i) => i !== stepCol && i !== timeCol);
  if (others.length === 0) {
    onBadLine?.(1, `no value column in header "${names.join('\\t')}"`);
    return undefined;
  }
  if (stepCol < 0) onBadLine?.(1, `no "step" column in header "${names.join('\\t')}"; rows are numbered from 0`);
  return { width: names.length, names, stepCol, timeCol, valueCol: others[others.length - 1] };
}

/** Appends the points of TSV rows (`lines`, the first being line `firstLine` of the file) to `into`. */
export function parseTsvRows(header: TsvHeader, lines: readonly string[], firstLine: number, into: ImportedSeries, onBadLine?: (line: number, message: string) => void): void {
  const { steps, values, times } = into;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '') continue;
    const lineNo = firstLine + i;
    const fields = line.split('\t');
    if (fields.length < header.width) {
      onBadLine?.(lineNo, `expected ${header.width} columns (${header.names.join(', ')}), found ${fields.length}`);
      continue;
    }
    const value = parseNumber(fields[header.valueCol]);
    if (value === undefined) {
      onBadLine?.(lineNo, `bad number "${clip(fields[header.valueCol])}" in column "${header.names[header.valueCol]}"`);
      continue;
    }
    // Without a step column, rows are numbered from 0.
    let step = steps.length;
    if (header.stepCol >= 0) {
      const st = parseNumber(fields[header.stepCol]);
      if (st === undefined || !Number.isInteger(st)) {
        onBadLine?.(lineNo, `bad step "${clip(fields[header.stepCol])}"`);
        continue;
      }
      step = st;
    }
    let time: number | null = null;
    if (header.timeCol >= 0) {
      const t = parseNumber(fields[header.timeCol]);
      // DVCLive wrote milliseconds; accept seconds too.
      if (t !== undefined && Number.isFinite(t)) time = t > 1e11 ? t / 1000 : t;
    }
    steps.push(step);
    values.push(value);
    times.push(time);
  }
}

/**
 * Parses one DVCLive TSV file: a header naming the columns (`step`, optional `timestamp`, and the
 * value column: the remaining one, normally the metric's leaf name), then one row per point.
 * Bad rows are passed to `onBadLine` and skipped. Returns undefined when the header is unusable.
 */
export function parseDvcliveTsv(text: string, onBadLine?: (line: number, message: string) => void): ImportedSeries | undefined {
  const lines = text.split('\n');
  const header = parseTsvHeader(lines[0], onBadLine);
  if (!header) {
    if (lines[0].trim() === '' && lines.length > 1 && lines.slice(1).some((l) => l.trim() !== '')) onBadLine?.(1, 'empty header');
    return undefined;
  }
  const into: ImportedSeries = { steps: [], values: [], times: [] };
  parseTsvRows(header, lines.slice(1), 2, into, onBadLine);
  return into;
}

/** Where reading a TSV file stopped: byte offset, lines consumed, its header and the points so far. */
interface TsvTail { offset: number; line: number; header: TsvHeader | undefined; series: ImportedSeries }

/** TSV files read before (absolute path → state): a live run's files are read from where they stopped. */
export type DvcliveCache = Map<string, TsvTail>;

/** Reads what was appended to a TSV file since the last read. `complete`: a last line without `\n` counts. */
async function readTsvIncrementally(file: string, cache: DvcliveCache, complete: boolean, onBadLine: (line: number, message: string) => void): Promise<ImportedSeries | undefined> {
  const handle = await openIfExists(file);
  if (!handle) {
    cache.delete(file);
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    let tail = cache.get(file);
    if (!tail || size < tail.offset) {
      tail = { offset: 0, line: 0, header: undefined, series: { steps: [], values: [], times: [] } };
      cache.set(file, tail);
    }
    if (size > tail.offset) {
      const buf = Buffer.allocUnsafe(size - tail.offset);
      const { bytesRead } = await handle.read(buf, 0, buf.length, tail.offset);
      let end = buf.lastIndexOf(0x0a, bytesRead - 1) + 1;
      if (complete && end < bytesRead) end = bytesRead;
      if (end > 0) {
        const lines = buf.toString('utf8', 0, end).split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        let first = 0;
        if (tail.line === 0 && lines.length > 0) {
          tail.header = parseTsvHeader(lines[0], onBadLine);
          first = 1;
        }
        if (tail.header) parseTsvRows(tail.header, lines.slice(first), tail.line + first + 1, tail.series, onBadLine);
        tail.line += lines.length;
        tail.offset += end;
      }
    }
    return tail.header ? tail.series : undefined;
  } finally {
    await handle.close();
  }
}

function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const v = Number(t);
  if (!Number.isNaN(v)) return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?Infinity$/.test(t) ? v : undefined;
  switch (t.toLowerCase()) {
    case 'nan': case '-nan': case '+nan': return NaN;
    case 'inf': case '+inf': case 'infinity': case '+infinity': return Infinity;
    case '-inf': case '-infinity': return -Infinity;
    default: return undefined;
  }
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

function rel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

async function mtime(file: string): Promise<number> {
  try {
    return (await fs.promises.stat(file)).mtimeMs;
  } catch {
    return -Infinity;
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
