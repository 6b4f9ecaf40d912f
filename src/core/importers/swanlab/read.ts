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
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import { parseYaml, YamlError } from '../../codecs/yaml';
import { listDir, readText, walkFiles } from '../../fsWalk';
import type { Problems } from '../../problems';
import type { ImportedRun, ImportedSeries } from '../contract';
import { isPlainObject as isObject, workspacePath } from '../shared';
import { type LegacyDb, readLegacyDb } from './legacyDb';
import { type Ctx, followDatabase, type FolderRun, readBackupFolder, readLegacyFolder } from './folders';
import { pushAll } from './values';

const MAX_ARTIFACTS = 5000;
/** Console text kept per run (the end of it). */
const MAX_CONSOLE_CHARS = 2 * 1024 * 1024;


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
