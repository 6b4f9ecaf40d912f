/**
 * Labbook's own model registry: `<log root>/_models/<name>/model.json` and `versions.jsonl`
 * (docs/model-registry.md). Read through safePath (a model folder or file that is a link leading
 * out of the workspace is not read); alias records are appended without following links.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isInside, appendInside, readTextInside } from '../safePath';
import type { Problems } from '../problems';
import { aliasError, type ModelVersionInfo, type RegisteredModelInfo } from './model';

export const MODELS_DIR = '_models';
export const MODEL_FILE = 'model.json';
export const VERSIONS_FILE = 'versions.jsonl';
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A `/`-separated path relative to the log root that stays inside it, as workspace-relative; else undefined. */
function insideLogRoot(logRoot: string, rel: unknown): string | undefined {
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0') || rel.includes('\\') || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return undefined;
  const joined = path.posix.normalize(`${logRoot}/${rel}`);
  return isInside(path.resolve('/', logRoot), path.resolve('/', joined)) && !rel.split('/').includes('..') ? joined : undefined;
}

/** Folds the text of a versions.jsonl into versions and aliases; bad lines are returned by number. */
export function parseVersions(text: string, logRoot: string): { versions: ModelVersionInfo[]; aliases: Record<string, number>; bad: number[] } {
  const records = new Map<number, Json>();
  const aliases: Record<string, number> = {};
  const bad: number[] = [];
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop(); // a torn last line is being written
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let r: Json;
    try {
      r = JSON.parse(line) as Json;
    } catch {
      bad.push(i + 1);
      return;
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return void bad.push(i + 1);
    const v = r.version;
    if (r.t === 'version') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || typeof r.path !== 'string' || typeof r.run_path !== 'string') return void bad.push(i + 1);
      if (!records.has(v)) records.set(v, r);
    } else if (r.t === 'alias' && typeof r.alias === 'string') {
      if (v === null) delete aliases[r.alias];
      else if (typeof v === 'number' && records.has(v)) aliases[r.alias] = v;
    }
  });
  const versions = [...records.keys()].sort((a, b) => a - b).map((v): ModelVersionInfo => {
    const r = records.get(v)!;
    const metrics: Record<string, number> = {};
    if (r.metrics && typeof r.metrics === 'object') {
      for (const [k, x] of Object.entries(r.metrics as Json)) if (num(x) !== undefined) metrics[k] = x as number;
    }
    return {
      version: v,
      runUid: str(r.run_id),
      runId: str(r.run_id),
      runName: str(r.run_name),
      experiment: str(r.experiment),
      artifact: str(r.artifact),
      path: insideLogRoot(logRoot, r.path),
      kind: r.kind === 'folder' ? 'folder' : 'file',
      size: num(r.size),
      sha256: str(r.sha256),
      metrics,
      description: str(r.description),
      aliases: Object.keys(aliases).filter((a) => aliases[a] === v).sort(),
      time: num(r.time),
    };
  });
  return { versions, aliases, bad };
}

/** Every model under `<root>/<logRoot>/_models` (root absolute, logRoot workspace-relative). */
export async function readLabbookModels(root: string, logRoot: string, problems: Problems): Promise<RegisteredModelInfo[]> {
  const dir = path.join(root, ...logRoot.split('/'), MODELS_DIR);
  let names: fs.Dirent[];
  try {
    names = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: RegisteredModelInfo[] = [];
  for (const entry of names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!entry.isDirectory() || !NAME_RE.test(entry.name) || entry.name.includes('..')) continue;
    const location = `${logRoot}/${MODELS_DIR}/${entry.name}`;
    const text = await readTextInside(root, `${location}/${VERSIONS_FILE}`);
    if (text === undefined) continue;
    const { versions, aliases, bad } = parseVersions(text, logRoot);
    for (const line of bad) problems.report(`${location}/${VERSIONS_FILE}:${line}: not a model record; skipped`);
    let description: string | undefined;
    const meta = await readTextInside(root, `${location}/${MODEL_FILE}`);
    try {
      description = meta === undefined ? undefined : str((JSON.parse(meta) as Json).description);
    } catch {
      problems.report(`${location}/${MODEL_FILE}: not JSON; the model is shown without it`);
    }
    out.push({ source: 'labbook', name: entry.name, location, description, versions, aliases, writable: true });
  }
  return out;
}

/**
 * Points `alias` at `version` of a Labbook model (moving it): one alias record appended to its
 * versions.jsonl, never through a link (OutsideError). Throws for a bad alias or unknown version.
 */
export async function setLabbookAlias(root: string, model: RegisteredModelInfo, alias: string, version: number | null): Promise<void> {
  if (model.source !== 'labbook' || !model.writable) throw new Error(`${model.name} is ${model.source === 'mlflow' ? "MLflow's" : 'not Labbook’s'}: Labbook does not change it`);
  const problem = aliasError(alias);
  if (problem) throw new Error(problem);
  if (version !== null && !model.versions.some((v) => v.version === version)) throw new Error(`${model.name} has no version ${version}`);
  const file = path.join(root, ...model.location.split('/'), VERSIONS_FILE);
  let prefix = '';
  try {
    const handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    try {
      const { size } = await handle.stat();
      const last = Buffer.alloc(1);
      if (size > 0) await handle.read(last, 0, 1, size - 1);
      if (size > 0 && last[0] !== 0x0a) prefix = '\n'; // end a torn line first
    } finally {
      await handle.close();
    }
  } catch {
    // appendInside refuses links and reports what is wrong
  }
  await appendInside(root, file, `${prefix}${JSON.stringify({ t: 'alias', alias, version, time: Date.now() / 1000 })}\n`);
}
