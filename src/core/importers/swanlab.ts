/**
 * Reads SwanLab's local output (`swanlog/`), in both layouts seen in the wild.
 *
 * SwanLab 0.6.x: each run folder `run-<date>_<time>-<experiment id>/` has `backup.swanlab`, a
 * LevelDB-style log (the framing W&B's `.wandb` files use too):
 *
 *     file header  7 bytes: ":SWL", magic 0xE1D6 (little-endian), version 1
 *     blocks       of 32 KiB; a block tail shorter than a record header (7 bytes) is zero padding
 *     record       crc32 (4 bytes LE; standard CRC-32 of the type byte + data), length (2 bytes LE),
 *                  type (1 byte: 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST), data; a payload longer than
 *                  what is left of its block is split into FIRST, MIDDLE…, LAST records
 *     payload      one JSON line `{"model_type": …, "data": {…}}` with model_type Header, Project,
 *                  Experiment, Column, Scalar, Log, Runtime, Footer (others are skipped)
 *
 * SwanLab 0.3.x: `swanlog/runs.swanlab` (SQLite: project, experiment, tag tables) and run folders
 * with `logs/<n>/<chunk>.log` JSON lines `{"index", "data", "create_time"}`; the metric key of folder
 * `<n>` is only in the `tag` table (`folder`, else `sort`, column). Console output is in `console/*.log`.
 * SwanLab 0.2: the same, but `logs/<key>/<n>.json` hold one JSON object whose `data` array has the
 * points, the folder is the URL-encoded key, and SwanLab's own log is `output.log`. A folder that
 * `runs.swanlab` lists is read even without `logs/` (a run that crashed or never finished).
 *
 * Both: `files/config.yaml` (`key: {desc, sort, value}`) gives params (`key` → value, nested values
 * kept as they are); `files/` and `media/` files are artifacts. A run folder that `runs.swanlab`
 * lists is the experiment the database says (its name and status; the WAL's newest changes
 * included). Other run folders with the same experiment id are one run resumed: they are merged in
 * folder (time) order (series concatenated, later params, name and status win).
 *
 * Mapping: `experiment` = the SwanLab project, `name` = the SwanLab experiment name, `uid` =
 * `swanlab:<swanlog folder>/<experiment id>`, `folder` = the latest run folder. System metrics
 * (`__swanlab__.gpu.0.pct`) are keyed `system/gpu.0.pct`. Status (0.6): the Footer's `success`
 * (finished / failed); without a Footer, running while `backup.swanlab` changed in the last 10
 * minutes before `now`, else killed. Status (0.2/0.3): the `experiment.status` column (1 finished,
 * -1 failed; 0 not finished: running while its newest point is under 10 minutes old, else killed).
 * Runs listed in `runs.swanlab` whose folder is gone are not returned.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import type { RunStatusValue } from '../format/records';
import { findFolders, listDir, readText, VENDOR_FOLDERS, walkFiles } from '../fsWalk';
import type { Problems } from '../problems';
import { workspacePath } from './shared';
import { IMPORTED_SILENCE_SECONDS, type ImportedRun, type ImportedSeries } from './contract';
import { isoSeconds, LEGACY_STATUS, readLegacyDb, type LegacyDb, type LegacyExperiment } from './swanlabDb';
import { parseYaml, YamlError } from '../codecs/yaml';
import { readFileInside } from '../safePath';

const MAX_DEPTH = 6;
const MAX_MESSAGES_PER_FILE = 20;
const MAX_ARTIFACTS = 5000;
/** Console text kept per run (the end of it). */
const MAX_CONSOLE_CHARS = 2 * 1024 * 1024;
/** A 0.6 run without a Footer whose backup changed this recently (seconds) is shown as running. */
export const SWANLAB_RUNNING_WINDOW_SECONDS = IMPORTED_SILENCE_SECONDS;

const BLOCK_SIZE = 32 * 1024;
const HEADER_SIZE = 7;
const FILE_MAGIC = ':SWL';

// ----------------------------------------------------------------------------------------------
// Discovery
// ----------------------------------------------------------------------------------------------

/**
 * Finds SwanLab log roots below `workspaceRoot` (absolute, sorted): folders named `swanlog`, and
 * folders holding `runs.swanlab` or `run-*` folders with a `backup.swanlab`. Skips dot-folders and node_modules.
 */
export async function findSwanlabRoots(workspaceRoot: string): Promise<string[]> {
  return findFolders(
    path.resolve(workspaceRoot),
    { maxDepth: MAX_DEPTH, skip: VENDOR_FOLDERS },
    async (dir, entries, depth) =>
      (depth > 0 && path.basename(dir) === 'swanlog') ||
      entries.some((e) => e.isFile() && e.name === 'runs.swanlab') ||
      someAsync(entries.filter((e) => e.isDirectory() && e.name.startsWith('run-')), (e) => exists(path.join(dir, e.name, 'backup.swanlab'))),
  );
}

// ----------------------------------------------------------------------------------------------
// backup.swanlab framing
// ----------------------------------------------------------------------------------------------

/** One payload of a `backup.swanlab` file, with the byte offset of its first record. */
export interface SwanlabRecord {
  readonly offset: number;
  readonly data: Buffer;
}

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array, start: number, end: number, seed = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = ~seed >>> 0;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * Splits a `backup.swanlab` file into its payloads. A damaged record (bad checksum, impossible
 * length or type) is reported through `onProblem` with its byte offset, and reading goes on at the
 * next block. A record cut off at the end of the file (a run still writing) is left out silently
 * (`truncated` says so).
 */
export function readSwanlabFrames(buf: Buffer, onProblem?: (offset: number, message: string) => void): { records: SwanlabRecord[]; truncated: boolean } {
  const records: SwanlabRecord[] = [];
  if (buf.length < HEADER_SIZE || buf.toString('latin1', 0, 4) !== FILE_MAGIC) {
    onProblem?.(0, `not a SwanLab backup file (no "${FILE_MAGIC}" header)`);
    return { records, truncated: false };
  }
  let pos = HEADER_SIZE;
  let parts: Buffer[] = [];
  let partsOffset = 0;
  let truncated = false;
  /** Just skipped damage: the pieces of a split record that follow are expected, not reported. */
  let resynced = false;
  while (pos < buf.length) {
    const left = BLOCK_SIZE - (pos % BLOCK_SIZE);
    if (left < HEADER_SIZE) {
      pos += left; // zero padding at the end of a block
      continue;
    }
    if (pos + HEADER_SIZE > buf.length) {
      truncated = true;
      break;
    }
    const crc = buf.readUInt32LE(pos);
    const len = buf.readUInt16LE(pos + 4);
    const type = buf[pos + 6];
    if (crc === 0 && len === 0 && type === 0) {
      pos += left; // a zeroed rest of block
      continue;
    }
    const start = pos + HEADER_SIZE;
    const end = start + len;
    if (end > buf.length && type >= 1 && type <= 4 && len <= left - HEADER_SIZE) {
      truncated = true;
      break;
    }
    const bad =
      type < 1 || type > 4 ? `unknown record type ${type}` :
      len > left - HEADER_SIZE ? `record length ${len} runs past its block` :
      crc32(buf, start, end, crc32(buf, pos + 6, pos + 7)) !== crc ? 'bad checksum' :
      undefined;
    if (bad) {
      onProblem?.(pos, `${bad}; skipped to the next block`);
      parts = [];
      resynced = true;
      pos += left;
      continue;
    }
    const data = buf.subarray(start, end);
    if (type === 1) {
      if (parts.length > 0) onProblem?.(partsOffset, 'a split record was not finished; skipped');
      parts = [];
      resynced = false;
      records.push({ offset: pos, data });
    } else if (type === 2) {
      if (parts.length > 0) onProblem?.(partsOffset, 'a split record was not finished; skipped');
      parts = [data];
      partsOffset = pos;
      resynced = false;
    } else if (parts.length === 0) {
      if (!resynced) onProblem?.(pos, 'the middle or end of a split record without its start; skipped');
    } else if (type === 3) {
      parts.push(data);
    } else {
      parts.push(data);
      records.push({ offset: partsOffset, data: Buffer.concat(parts) });
      parts = [];
    }
    pos = end;
  }
  if (parts.length > 0) truncated = true;
  return { records, truncated };
}

// ----------------------------------------------------------------------------------------------
// Reading
// ----------------------------------------------------------------------------------------------

/** What one run folder gave, before folders of the same experiment are merged. */
interface FolderRun {
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

interface Ctx {
  readonly root: string;
  readonly problems: Problems;
  readonly now: number;
}

/**
 * Reads every run below the SwanLab log root `swanlogDir` (absolute, or relative to `workspaceRoot`).
 * `SQL` is needed for 0.3.x logs (`runs.swanlab`). `now` (Unix seconds) decides whether a 0.6 run without a
 * Footer is still running.
 */
export async function readSwanlab(SQL: SqlJsStatic, workspaceRoot: string, swanlogDir: string, problems: Problems, now: number = Date.now() / 1000): Promise<ImportedRun[]> {
  const root = path.resolve(workspaceRoot);
  const logRoot = path.resolve(root, swanlogDir);
  const ctx: Ctx = { root, problems, now };
  const entries = (await listDir(logRoot)) ?? [];
  const runDirs = entries.filter((e) => e.isDirectory() && e.name.startsWith('run-')).map((e) => e.name).sort();

  let legacy: LegacyDb | undefined;
  if (entries.some((e) => e.isFile() && e.name === 'runs.swanlab')) legacy = await readLegacyDb(SQL, ctx, path.join(logRoot, 'runs.swanlab'));

  const folders: FolderRun[] = [];
  for (const name of runDirs) {
    const dir = path.join(logRoot, name);
    const sub = new Set(((await listDir(dir)) ?? []).map((e) => e.name));
    let run: FolderRun | undefined;
    if (sub.has('backup.swanlab')) run = await readBackupFolder(ctx, dir, name);
    else if (sub.has('logs') || legacy?.has(name)) run = await readLegacyFolder(ctx, dir, name, legacy);
    if (!run) continue;
    const known = legacy?.get(name);
    if (known && sub.has('backup.swanlab')) followDatabase(run, name, known);
    run.params = { ...(await readConfig(ctx, path.join(dir, 'files', 'config.yaml'))), ...run.params };
    for (const sub2 of ['files', 'media']) {
      const d = path.join(dir, sub2);
      for (const f of (await walkFiles(d, 16, MAX_ARTIFACTS, root)).sort()) run.artifacts.push(workspacePath(root, path.join(d, f)));
    }
    folders.push(run);
  }

  // Merge folders of the same experiment id (resumed runs), in folder name (= start time) order.
  const groups = new Map<string, FolderRun[]>();
  for (const f of folders) {
    const g = groups.get(f.id);
    if (g) g.push(f);
    else groups.set(f.id, [f]);
  }
  const logRel = workspacePath(root, logRoot);
  const out: ImportedRun[] = [];
  for (const [id, group] of groups) {
    const last = group[group.length - 1];
    const metrics = new Map<string, ImportedSeries>();
    for (const f of group) {
      for (const [k, s] of f.metrics) {
        const m = metrics.get(k);
        if (!m) metrics.set(k, { steps: [...s.steps], values: [...s.values], times: [...s.times] });
        else {
          pushAll(m.steps as number[], s.steps);
          pushAll(m.values as number[], s.values);
          pushAll(m.times as (number | null)[], s.times);
        }
      }
    }
    const pick = <K extends keyof FolderRun>(k: K): FolderRun[K] | undefined => {
      for (let i = group.length - 1; i >= 0; i--) if (group[i][k] !== undefined) return group[i][k];
      return undefined;
    };
    const consoleText = group.map((f) => f.console).filter((c) => c !== '').join('\n');
    out.push({
      source: 'swanlab',
      uid: `swanlab:${logRel}/${id}`,
      experiment: pick('project') ?? 'swanlab',
      name: pick('name') ?? id,
      description: pick('description'),
      status: last.status,
      startTime: group.find((f) => f.startTime !== undefined)?.startTime,
      endTime: last.endTime,
      params: Object.assign({}, ...group.map((f) => f.params)) as Record<string, unknown>,
      tags: [...new Set(group.flatMap((f) => f.tags))],
      folder: workspacePath(root, last.dir),
      metrics,
      artifacts: group.flatMap((f) => f.artifacts),
      console: consoleText === '' ? undefined : consoleText.length > MAX_CONSOLE_CHARS ? consoleText.slice(-MAX_CONSOLE_CHARS) : consoleText,
    });
  }
  return out;
}

/**
 * A 0.6 folder that `runs.swanlab` lists is the experiment the database says: its own run (folders
 * sharing an id suffix are not merged), with the database's name and, once it ended, its status
 * (0 means it never finished: killed unless its backup shows it alive).
 */
function followDatabase(run: FolderRun, folderName: string, exp: LegacyExperiment): void {
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

async function readBackupFolder(ctx: Ctx, dir: string, name: string): Promise<FolderRun | undefined> {
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

async function readLegacyFolder(ctx: Ctx, dir: string, name: string, db: LegacyDb | undefined): Promise<FolderRun> {
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

// ----- config.yaml -----

async function readConfig(ctx: Ctx, file: string): Promise<Record<string, unknown>> {
  const text = await readText(file, ctx.root);
  if (text === undefined) return {};
  let y: unknown;
  try {
    y = parseYaml(text);
  } catch (e) {
    if (e instanceof YamlError) ctx.problems.report(`${workspacePath(ctx.root, file)}:${e.line}: ${e.message.replace(/^line \d+: /, '')}`);
    else ctx.problems.report(`${workspacePath(ctx.root, file)}: ${(e as Error).message}`);
    return {};
  }
  if (!isObject(y)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(y)) out[k] = isObject(v) && 'value' in v && ('desc' in v || 'sort' in v) ? v.value : v;
  return out;
}

// ----------------------------------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------------------------------

function metricKey(key: string): string {
  return key.startsWith('__swanlab__.') ? `system/${key.slice('__swanlab__.'.length)}` : key;
}

function push(metrics: Map<string, ImportedSeries>, key: string, step: number, value: number, time: number | null): void {
  let s = metrics.get(key);
  if (!s) metrics.set(key, (s = { steps: [], values: [], times: [] }));
  (s.steps as number[]).push(step);
  (s.values as number[]).push(value);
  (s.times as (number | null)[]).push(time);
}

function pushAll<T>(into: T[], from: readonly T[]): void {
  for (const x of from) into.push(x);
}

const NAN_TOKEN = '\u0000NaN';
const INF_TOKEN = '\u0000Infinity';
const NEG_INF_TOKEN = '\u0000-Infinity';

/** JSON.parse that also takes the bare NaN / Infinity / -Infinity Python's json writes (as sentinel strings). */
function parseJsonLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        out += text.slice(i, j + 1);
        i = j + 1;
      } else if (text.startsWith('NaN', i)) {
        out += JSON.stringify(NAN_TOKEN);
        i += 3;
      } else if (text.startsWith('-Infinity', i)) {
        out += JSON.stringify(NEG_INF_TOKEN);
        i += 9;
      } else if (text.startsWith('Infinity', i)) {
        out += JSON.stringify(INF_TOKEN);
        i += 8;
      } else {
        out += c;
        i++;
      }
    }
    return JSON.parse(out);
  }
}

/** A metric value: a number, or a NaN / ±Infinity token or string. */
function numeric(v: unknown): number | undefined {
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

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function naturalCompare(a: string, b: string): number {
  const na = /^\d+/.exec(a);
  const nb = /^\d+/.exec(b);
  if (na && nb && na[0] !== nb[0]) return Number(na[0]) - Number(nb[0]);
  return a < b ? -1 : a > b ? 1 : 0;
}


async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file);
    return true;
  } catch {
    return false;
  }
}

async function someAsync<T>(items: T[], f: (x: T) => Promise<boolean>): Promise<boolean> {
  for (const x of items) if (await f(x)) return true;
  return false;
}
