/** The two layouts of a SwanLab run folder: 0.6.x (`backup.swanlab`) and 0.2/0.3.x (`logs/`, with `runs.swanlab`). */
import * as fs from 'fs';
import * as path from 'path';
import type { RunStatusValue } from '../../format/records';
import { listDir, readText } from '../../fsWalk';
import type { Problems } from '../../problems';
import { readFileInside } from '../../safePath';
import { IMPORTED_SILENCE_SECONDS, type ImportedSeries } from '../contract';
import { isPlainObject as isObject, workspacePath } from '../shared';
import { isoSeconds, LEGACY_STATUS, type LegacyDb, type LegacyExperiment } from './legacyDb';
import { readSwanlabFrames } from './frames';
import { metricKey, naturalCompare, numeric, parseJsonLenient, push } from './values';

const MAX_MESSAGES_PER_FILE = 20;
/** A 0.6 run without a Footer whose backup changed this recently (seconds) is shown as running. */
export const SWANLAB_RUNNING_WINDOW_SECONDS = IMPORTED_SILENCE_SECONDS;

/** What one run folder gave, before folders of the same experiment are merged. */
export interface FolderRun {
  id: string;
  readonly dir: string;
  project?: string;
  name?: string;
  description?: string;
  tags: string[];
  status: RunStatusValue;
  startTime?: number;
  endTime?: number;
  params: Record<string, unknown>;
  metrics: Map<string, ImportedSeries>;
  artifacts: string[];
  console: string;
}

export interface Ctx {
  readonly root: string;
  readonly problems: Problems;
  readonly now: number;
}


/**
 * A 0.6 folder that `runs.swanlab` lists is the experiment the database says: its own run (folders
 * sharing an id suffix are not merged), with the database's name and, once it ended, its status
 * (0 means it never finished: killed unless its backup shows it alive).
 */
export function followDatabase(run: FolderRun, folderName: string, exp: LegacyExperiment): void {
  run.id = folderName;
  if (exp.name !== undefined) run.name = exp.name;
  if (exp.project !== undefined) run.project = exp.project;
  if (exp.status === 1 || exp.status === -1) run.status = LEGACY_STATUS[exp.status];
  else if (exp.status === 0 && run.status !== 'running') run.status = 'killed';
}

/** The id part of `run-<date>_<time>-<id>`. */
function folderId(name: string): string {
  const i = name.lastIndexOf('-');
  return i > 0 ? name.slice(i + 1) : name;
}

// ----- 0.6.x -----

export async function readBackupFolder(ctx: Ctx, dir: string, name: string): Promise<FolderRun | undefined> {
  const file = path.join(dir, 'backup.swanlab');
  const fileRel = workspacePath(ctx.root, file);
  let buf: Buffer;
  let mtimeMs: number;
  try {
    buf = await readFileInside(ctx.root, file); // not through a link leading out of the workspace
    mtimeMs = (await fs.promises.stat(file)).mtimeMs;
  } catch (e) {
    ctx.problems.report(`${fileRel}: could not be read: ${(e as Error).message}`);
    return undefined;
  }
  let messages = 0;
  const report = (offset: number, message: string): void => {
    if (++messages <= MAX_MESSAGES_PER_FILE) ctx.problems.report(`${fileRel}: byte ${offset}: ${message}`);
  };
  const { records } = readSwanlabFrames(buf, report);
  const run: FolderRun = { id: folderId(name), dir, tags: [], status: 'running', params: {}, metrics: new Map(), artifacts: [], console: '' };
  let footer: { success?: unknown; create_time?: unknown } | undefined;
  const consoleLines: string[] = [];
  const skipped = new Set<string>();
  let id: string | undefined;
  for (const r of records) {
    let rec: unknown;
    try {
      rec = parseJsonLenient(r.data.toString('utf8'));
    } catch (e) {
      report(r.offset, `not valid JSON: ${(e as Error).message}`);
      continue;
    }
    if (!isObject(rec) || typeof rec.model_type !== 'string' || !isObject(rec.data)) {
      report(r.offset, 'expected {"model_type": …, "data": {…}}');
      continue;
    }
    const d = rec.data;
    switch (rec.model_type) {
      case 'Header':
        run.startTime ??= isoSeconds(d.create_time);
        break;
      case 'Project':
        if (typeof d.name === 'string') run.project = d.name;
        break;
      case 'Experiment':
        if (typeof d.id === 'string' && d.id !== '') id = d.id;
        if (typeof d.name === 'string' && d.name !== '') run.name = d.name;
        if (typeof d.description === 'string' && d.description !== '') run.description = d.description;
        if (Array.isArray(d.tags)) for (const t of d.tags) if (typeof t === 'string') run.tags.push(t);
        break;
      case 'Scalar': {
        const key = typeof d.key === 'string' ? metricKey(d.key) : undefined;
        const m = isObject(d.metric) ? d.metric : undefined;
        const value = m ? numeric(m.data) : undefined;
        const step = typeof d.step === 'number' ? d.step : m && typeof m.index === 'number' ? m.index : undefined;
        if (key === undefined || value === undefined || step === undefined) {
          report(r.offset, 'a Scalar record without key, step or numeric value; skipped');
          break;
        }
        push(run.metrics, key, step, value, m ? isoSeconds(m.create_time) ?? null : null);
        break;
      }
      case 'Log':
        if (typeof d.message === 'string') consoleLines.push(d.level === 'ERROR' || d.level === 'WARN' ? `${d.level}: ${d.message}` : d.message);
        break;
      case 'Footer':
        footer = d;
        break;
      case 'Column':
      case 'Runtime':
        break;
      default:
        if (!skipped.has(rec.model_type)) {
          skipped.add(rec.model_type);
          report(r.offset, `record type "${rec.model_type}" is not read (reported once per file)`);
        }
    }
  }
  if (messages > MAX_MESSAGES_PER_FILE) ctx.problems.report(`${fileRel}: ${messages - MAX_MESSAGES_PER_FILE} more problems not shown`);
  if (id !== undefined) run.id = id;
  if (footer) {
    run.status = footer.success === false ? 'failed' : 'finished';
    run.endTime = isoSeconds(footer.create_time) ?? mtimeMs / 1000;
  } else {
    run.status = ctx.now - mtimeMs / 1000 <= SWANLAB_RUNNING_WINDOW_SECONDS ? 'running' : 'killed';
    if (run.status === 'killed') run.endTime = mtimeMs / 1000;
  }
  run.console = consoleLines.join('\n');
  return run;
}

// ----- 0.3.x -----

export async function readLegacyFolder(ctx: Ctx, dir: string, name: string, db: LegacyDb | undefined): Promise<FolderRun> {
  const exp = db?.get(name);
  const run: FolderRun = {
    id: folderId(name),
    dir,
    project: exp?.project,
    name: exp?.name,
    description: exp?.description,
    tags: [],
    status: (exp?.status !== undefined ? LEGACY_STATUS[exp.status] : undefined) ?? 'finished',
    startTime: exp?.createTime,
    endTime: exp?.finishTime,
    params: {},
    metrics: new Map(),
    artifacts: [],
    console: '',
  };
  const logsDir = path.join(dir, 'logs');
  const unknownKeys: string[] = [];
  for (const folder of ((await listDir(logsDir)) ?? []).filter((e) => e.isDirectory()).map((e) => e.name).sort(naturalCompare)) {
    let key = exp?.keys.get(folder);
    if (key === undefined) {
      if (/^\d+$/.test(folder)) unknownKeys.push(folder);
      key = decodeKey(folder); // 0.2 names the folder after the key, URL-encoded
    }
    key = metricKey(key);
    const chunks = ((await listDir(path.join(logsDir, folder))) ?? []).filter((e) => e.isFile() && /^\d+\.(log|json)$/.test(e.name)).map((e) => e.name).sort(naturalCompare);
    for (const chunk of chunks) {
      const file = path.join(logsDir, folder, chunk);
      const text = await readText(file, ctx.root);
      if (text === undefined) continue;
      const fileRel = workspacePath(ctx.root, file);
      let messages = 0;
      const lines = chunk.endsWith('.json') ? jsonChunkLines(text) : text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i].trim();
        if (line === '') continue;
        let o: unknown;
        try {
          o = parseJsonLenient(line);
        } catch (e) {
          // A last line without its newline may still be being written.
          if (i === lines.length - 1 && run.status === 'running') break;
          if (++messages <= MAX_MESSAGES_PER_FILE) ctx.problems.report(`${fileRel}:${i + 1}: not valid JSON: ${(e as Error).message}`);
          continue;
        }
        const value = isObject(o) ? numeric(o.data) : undefined;
        const step = isObject(o) && typeof o.index === 'number' ? o.index : undefined;
        if (isObject(o) && typeof o.data === 'string' && value === undefined) continue; // a media file's name (images are artifacts)
        if (value === undefined || step === undefined) {
          if (++messages <= MAX_MESSAGES_PER_FILE) ctx.problems.report(`${fileRel}:${i + 1}: expected {"index": <step>, "data": <number>, …}`);
          continue;
        }
        push(run.metrics, key, step, value, isObject(o) ? isoSeconds(o.create_time) ?? null : null);
      }
      if (messages > MAX_MESSAGES_PER_FILE) ctx.problems.report(`${fileRel}: ${messages - MAX_MESSAGES_PER_FILE} more problems not shown`);
    }
  }
  if (unknownKeys.length > 0) {
    ctx.problems.report(
      `${workspacePath(ctx.root, logsDir)}: the metric names of folder${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.join(', ')} are not in ${db ? 'runs.swanlab' : 'runs.swanlab (missing or unreadable)'}; shown under their folder number`,
    );
  }
  // Console output.
  const consoleDir = path.join(dir, 'console');
  const parts: string[] = [];
  for (const f of ((await listDir(consoleDir)) ?? []).filter((e) => e.isFile() && e.name.endsWith('.log')).map((e) => e.name).sort()) {
    const t = await readText(path.join(consoleDir, f), ctx.root);
    if (t !== undefined) parts.push(t);
  }
  // 0.2 also keeps SwanLab's own log at the run root.
  if (parts.length === 0) parts.push((await readText(path.join(dir, 'output.log'), ctx.root)) ?? '');
  run.console = parts.join('');
  // Status 0 is "not finished": running only while the newest point it recorded is recent, else it was cut off.
  if (exp?.status === 0) {
    let newest = -Infinity;
    for (const series of run.metrics.values()) for (const t of series.times) if (t !== null && t > newest) newest = t;
    run.status = ctx.now - newest <= SWANLAB_RUNNING_WINDOW_SECONDS ? 'running' : 'killed';
  }
  return run;
}

/** The points of a 0.2 chunk (`{"create_time", "data": [{"index", "data", "create_time"}, …]}`) as JSON lines. */
function jsonChunkLines(text: string): string[] {
  try {
    const o = parseJsonLenient(text);
    if (isObject(o) && Array.isArray(o.data)) return o.data.map((p) => JSON.stringify(p));
  } catch {
    // reported line by line below
  }
  return text.split('\n');
}

function decodeKey(folder: string): string {
  try {
    return decodeURIComponent(folder);
  } catch {
    return folder;
  }
}
