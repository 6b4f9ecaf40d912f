/**
 * MLflow's registered models, read-only:
 * - file store: `<store>/models/<name>/meta.yaml`, `version-<N>/meta.yaml` (a version whose
 *   `current_stage` is `Deleted_Internal` is deleted), `aliases/<alias>` (a file holding the version);
 * - SQLite store (`mlflow.db`): the `registered_models`, `model_versions` and (MLflow 2.3+)
 *   `registered_model_aliases` tables, read from the file's bytes with sql.js.
 * Run uids are the ones the MLflow importers give: `mlflow:<run folder>` for a file store,
 * `mlflow:<db file>/<run id>` for a database.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import { parseYaml } from '../codecs/yaml';
import { localArtifactDir } from '../importers/mlflow';
import { workspacePath as rel } from '../importers/shared';
import { query } from '../codecs/sqlQuery';
import type { Problems } from '../problems';
import { readFileInside, readTextInside } from '../safePath';
import type { ModelVersionInfo, RegisteredModelInfo } from './model';

const DELETED = 'deleted_internal';
type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** MLflow times are epoch milliseconds. */
const seconds = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n / 1000 : undefined;
};

async function dirs(dir: string): Promise<string[]> {
  try {
    return (await fs.promises.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.isSymbolicLink()).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

async function yamlAt(root: string, file: string, problems: Problems): Promise<Json | undefined> {
  const text = await readTextInside(root, file);
  if (text === undefined) return undefined;
  try {
    const v = parseYaml(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch (e) {
    problems.report(`${rel(root, file)}: ${(e as Error).message}; skipped`);
    return undefined;
  }
}

/**
 * The local path (workspace-relative) of a version's `source` / `storage_location`: `file:` URIs,
 * plain paths (against the store's parent, then the workspace), and `runs:/<id>/<path>`.
 */
async function localSource(root: string, bases: readonly string[], uri: string | undefined, runArtifacts: string | undefined): Promise<string | undefined> {
  if (!uri) return undefined;
  const runs = /^runs:\/([^/]+)\/(.*)$/.exec(uri);
  if (runs) {
    if (!runArtifacts) return undefined;
    uri = path.join(runArtifacts, ...runs[2].split('/'));
  }
  const abs = await localArtifactDir(uri, root, bases).catch(() => undefined);
  if (abs) return rel(root, abs);
  // a single file (localArtifactDir only takes folders)
  const candidates = path.isAbsolute(uri) ? [uri] : uri.startsWith('file://') ? [] : bases.map((b) => path.resolve(b, uri!));
  for (const c of candidates) {
    if (!(await readFileInside(root, c).then(() => true, () => false))) continue;
    return rel(root, path.resolve(c));
  }
  return undefined;
}

/** The registered models of the MLflow file store `store` (absolute), if it has any. */
export async function readMlflowFileRegistry(root: string, store: string, problems: Problems): Promise<RegisteredModelInfo[]> {
  const modelsDir = path.join(store, 'models');
  const out: RegisteredModelInfo[] = [];
  const experiments = (await dirs(store)).filter((d) => d !== 'models' && !d.startsWith('.'));
  const runFolder = async (runId: string | undefined): Promise<string | undefined> => {
    if (!runId || !/^[A-Za-z0-9_-]+$/.test(runId)) return undefined;
    for (const exp of experiments) {
      const candidate = path.join(store, exp, runId);
      if (await fs.promises.stat(path.join(candidate, 'meta.yaml')).then(() => true, () => false)) return candidate;
    }
    return undefined;
  };
  for (const name of await dirs(modelsDir)) {
    const dir = path.join(modelsDir, name);
    const meta = await yamlAt(root, path.join(dir, 'meta.yaml'), problems);
    if (!meta) continue;
    const aliases: Record<string, number> = {};
    try {
      for (const e of await fs.promises.readdir(path.join(dir, 'aliases'), { withFileTypes: true })) {
        if (!e.isFile()) continue;
        const v = Number(((await readTextInside(root, path.join(dir, 'aliases', e.name))) ?? '').trim());
        if (Number.isSafeInteger(v) && v > 0) aliases[e.name] = v;
      }
    } catch {
      // no aliases folder (MLflow before 2.3)
    }
    const versions: ModelVersionInfo[] = [];
    for (const sub of await dirs(dir)) {
      const m = /^version-(\d+)$/.exec(sub);
      if (!m) continue;
      const v = await yamlAt(root, path.join(dir, sub, 'meta.yaml'), problems);
      if (!v || String(v.current_stage ?? '').toLowerCase() === DELETED) continue;
      const version = Number(v.version ?? m[1]);
      const runId = str(v.run_id);
      const folder = await runFolder(runId);
      const source = str(v.storage_location) ?? str(v.source);
      versions.push({
        version,
        runUid: folder ? `mlflow:${rel(root, folder)}` : undefined,
        runId,
        artifact: str(v.source),
        path: await localSource(root, [path.dirname(store), root], source, folder && path.join(folder, 'artifacts')),
        metrics: {},
        description: str(v.description),
        aliases: Object.keys(aliases).filter((a) => aliases[a] === version).sort(),
        stage: str(v.current_stage) === 'None' ? undefined : str(v.current_stage),
        time: seconds(v.creation_timestamp),
      });
    }
    versions.sort((a, b) => a.version - b.version);
    out.push({ source: 'mlflow', name: str(meta.name) ?? name, location: rel(root, dir), description: str(meta.description), versions, aliases, writable: false });
  }
  return out;
}

/** The registered models in an MLflow SQLite store `dbFile` (absolute); none when it has no registry tables. */
export async function readMlflowSqliteRegistry(SQL: SqlJsStatic, root: string, dbFile: string, problems: Problems): Promise<RegisteredModelInfo[]> {
  let db;
  try {
    db = new SQL.Database(await readFileInside(root, dbFile));
  } catch (e) {
    problems.report(`${rel(root, dbFile)}: ${(e as Error).message}; its registered models are not shown`);
    return [];
  }
  try {
    const tables = new Set(query(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r[0])));
    if (!tables.has('registered_models') || !tables.has('model_versions')) return [];
    const where = rel(root, dbFile);
    const aliases = new Map<string, Record<string, number>>();
    if (tables.has('registered_model_aliases')) {
      for (const [name, alias, version] of query(db, 'SELECT name, alias, version FROM registered_model_aliases ORDER BY name, alias')) {
        const map = aliases.get(String(name)) ?? {};
        map[String(alias)] = Number(version);
        aliases.set(String(name), map);
      }
    }
    const versions = new Map<string, ModelVersionInfo[]>();
    const rows = query(db, `SELECT name, version, creation_time, description, current_stage, source, run_id FROM model_versions ORDER BY name, version`);
    for (const [name, version, created, description, stage, source, runId] of rows) {
      if (String(stage ?? '').toLowerCase() === DELETED) continue;
      const map = aliases.get(String(name)) ?? {};
      const list = versions.get(String(name)) ?? [];
      list.push({
        version: Number(version),
        runUid: str(runId) ? `mlflow:${where}/${String(runId)}` : undefined,
        runId: str(runId),
        artifact: str(source),
        path: await localSource(root, [path.dirname(dbFile), root], str(source), undefined),
        metrics: {},
        description: str(description),
        aliases: Object.keys(map).filter((a) => map[a] === Number(version)).sort(),
        stage: str(stage) === 'None' ? undefined : str(stage),
        time: seconds(created),
      });
      versions.set(String(name), list);
    }
    return query(db, 'SELECT name, description FROM registered_models ORDER BY name').map(([name, description]) => ({
      source: 'mlflow' as const,
      name: String(name),
      location: where,
      description: str(description),
      versions: versions.get(String(name)) ?? [],
      aliases: aliases.get(String(name)) ?? {},
      writable: false,
    }));
  } catch (e) {
    problems.report(`${rel(root, dbFile)}: reading its registered models failed: ${(e as Error).message}`);
    return [];
  } finally {
    db.close();
  }
}
