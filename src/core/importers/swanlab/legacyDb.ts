/**
 * SwanLab's `runs.swanlab` database (0.3 and later): its experiments (one per run folder, by
 * `run_id`) with their project, name, status and times, and the metric key of each numbered log
 * folder (`tag` table). Its newest changes may still be in `runs.swanlab-wal` while SwanLab runs
 * (or after it crashed): they are applied before reading.
 */
import type { Database, SqlJsStatic } from 'sql.js';
import type { RunStatusValue } from '../../format/records';
import type { Problems } from '../../problems';
import { workspacePath } from '../shared';
import { readFileInside } from '../../safePath';
import { query } from '../../codecs/sqlQuery';
import { withWal } from '../sqliteWal';

export interface LegacyExperiment {
  readonly project?: string;
  readonly name?: string;
  readonly description?: string;
  readonly status?: number;
  readonly createTime?: number;
  readonly finishTime?: number;
  /** Log folder name → metric key. */
  readonly keys: Map<string, string>;
}

/** Experiments of `runs.swanlab` by run id (= run folder name). */
export type LegacyDb = Map<string, LegacyExperiment>;

export async function readLegacyDb(SQL: SqlJsStatic, ctx: { readonly root: string; readonly problems: Problems }, file: string): Promise<LegacyDb | undefined> {
  const fileRel = workspacePath(ctx.root, file);
  let db: Database | undefined;
  try {
    db = new SQL.Database(await withWal(ctx.root, file, await readFileInside(ctx.root, file), ctx.problems)); // not through a link leading out
    const tables = new Set(query(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r[0])));
    if (!tables.has('experiment')) {
      ctx.problems.report(`${fileRel}: no "experiment" table; run names and metric keys are unknown`);
      return undefined;
    }
    const cols = (t: string): Set<string> => new Set(query(db!, `PRAGMA table_info("${t}")`).map((r) => String(r[1])));
    const ec = cols('experiment');
    const opt = (c: Set<string>, n: string, alias = 'e'): string => (c.has(n) ? `${alias}."${n}"` : 'NULL');
    const projectJoin = tables.has('project') && ec.has('project_id');
    const rows = query(
      db,
      `SELECT e.id, e.run_id, ${opt(ec, 'name')}, ${opt(ec, 'description')}, ${opt(ec, 'status')}, ${opt(ec, 'create_time')}, ${opt(ec, 'finish_time')}, ${projectJoin ? 'p.name' : 'NULL'}
       FROM experiment e ${projectJoin ? 'LEFT JOIN project p ON p.id = e.project_id' : ''}`,
    );
    const byDbId = new Map<number, Map<string, string>>();
    const out: LegacyDb = new Map();
    for (const [dbId, runId, name, description, status, created, finished, project] of rows) {
      const keys = new Map<string, string>();
      byDbId.set(Number(dbId), keys);
      out.set(String(runId), {
        project: typeof project === 'string' && project !== '' ? project : undefined,
        name: typeof name === 'string' && name !== '' ? name : undefined,
        description: typeof description === 'string' && description !== '' ? description : undefined,
        status: typeof status === 'number' ? status : undefined,
        createTime: isoSeconds(created),
        finishTime: isoSeconds(finished),
        keys,
      });
    }
    if (tables.has('tag')) {
      const tc = cols('tag');
      for (const [expId, name, folder, sort] of query(db, `SELECT t.experiment_id, t.name, ${opt(tc, 'folder', 't')}, ${opt(tc, 'sort', 't')} FROM tag t`)) {
        const dir = folder !== null && folder !== undefined && folder !== '' ? String(folder) : sort !== null && sort !== undefined ? String(sort) : undefined;
        if (dir !== undefined) byDbId.get(Number(expId))?.set(dir, String(name));
      }
    }
    return out;
  } catch (e) {
    ctx.problems.report(`${fileRel}: could not be read as SQLite: ${(e as Error).message}; run names and metric keys are unknown`);
    return undefined;
  } finally {
    db?.close();
  }
}

export const LEGACY_STATUS: Record<number, RunStatusValue> = { 0: 'running', 1: 'finished', [-1]: 'failed' };

/** Unix seconds of an ISO time (UTC when it has no offset), keeping microseconds. */
export function isoSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  let s = /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`;
  let extra = 0;
  const frac = /\.(\d{4,})/.exec(s);
  if (frac) {
    extra = Number(`0.000${frac[1].slice(3)}`);
    s = s.replace(frac[0], `.${frac[1].slice(0, 3)}`);
  }
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? Math.round((ms / 1000 + extra) * 1e6) / 1e6 : undefined;
}

