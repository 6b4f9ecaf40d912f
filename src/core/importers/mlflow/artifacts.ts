/**
 * Where an MLflow run's artifacts are on disk: its `artifact_uri` as a local folder inside the
 * workspace, including the `mlartifacts/` tree of a local `mlflow server` for `mlflow-artifacts:` URIs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { isReallyInside, walkFiles } from '../../fsWalk';
import type { Problems } from '../../problems';
import { workspacePath } from '../shared';

/** Most artifact files listed for one run. */
const MAX_ARTIFACTS = 5000;
/** Where `mlflow server` puts proxied artifacts by default (`--artifacts-destination ./mlartifacts`). */
const MLARTIFACTS = 'mlartifacts';

/** The path part of an `mlflow-artifacts:/…` or `mlflow-artifacts://host/…` URI, or undefined for other URIs. */
export function serverArtifactPath(uri: string): string | undefined {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  if (!m) return undefined;
  const parts = m[1].split('/').filter((x) => x !== '' && x !== '.');
  return parts.some((x) => x === '..') ? undefined : parts.join('/');
}

/** Notes `run` in `into` when its artifacts were logged through an MLflow server (an `mlflow-artifacts:` URI). */
export function serverArtifactNote(uri: string | undefined, run: string, into: string[]): void {
  if (uri !== undefined && serverArtifactPath(uri) !== undefined) into.push(run);
}

/** One message for the runs of a store whose server-side artifacts are not in the workspace. */
export function reportServerArtifacts(store: string, runs: readonly string[], problems: Problems): void {
  if (runs.length === 0) return;
  const which = runs.length === 1 ? `run ${runs[0]}` : `${runs.length} runs (${[...runs].sort().slice(0, 3).join(', ')}${runs.length > 3 ? ', …' : ''})`;
  problems.report(
    `${store}: ${which} logged artifacts through an MLflow server (mlflow-artifacts:/<experiment>/<run>/artifacts); no ${MLARTIFACTS}/ folder holding them was found beside the store, so they show none`,
  );
}

/**
 * The local folder an `artifact_uri` points to, or undefined (remote, missing, or outside the workspace).
 * A relative URI (`./mlruns/0/<run>/artifacts`) is relative to where MLflow ran, unknown here: each of
 * `bases` is tried in turn. So is a server URI (`mlflow-artifacts:/<experiment>/<run>/artifacts`):
 * `mlflow server` keeps those files in `mlartifacts/<experiment>/<run>/artifacts` below where it ran.
 */
export async function localArtifactDir(uri: string | undefined, root: string, bases: readonly string[]): Promise<string | undefined> {
  if (!uri) return undefined;
  let p: string;
  if (uri.startsWith('file:')) {
    try {
      p = uri.startsWith('file://') ? fileURLToPath(uri) : decodeURIComponent(uri.slice('file:'.length));
    } catch {
      return undefined;
    }
  } else if (serverArtifactPath(uri) !== undefined) {
    p = path.join(MLARTIFACTS, ...serverArtifactPath(uri)!.split('/'));
  } else if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(uri) && !/^[a-zA-Z]:[\\/]/.test(uri)) {
    return undefined; // s3:, dbfs:, …
  } else {
    p = uri;
  }
  const candidates = path.isAbsolute(p) ? [path.resolve(p)] : bases.map((b) => path.resolve(b, p));
  for (const abs of candidates) {
    const r = path.relative(root, abs);
    if (r.startsWith('..') || path.isAbsolute(r)) continue;
    // Really inside: not through a link that leads out of the workspace.
    if (!(await isReallyInside(root, abs))) continue;
    try {
      if ((await fs.promises.stat(abs)).isDirectory()) return abs;
    } catch {
      // try the next
    }
  }
  return undefined;
}

/** Workspace-relative paths of the files below `dir` (sorted, at most MAX_ARTIFACTS). */
export async function listArtifacts(root: string, dir: string): Promise<string[]> {
  const files = await walkFiles(dir, 32, MAX_ARTIFACTS, root);
  return files.sort().map((f) => workspacePath(root, path.join(dir, f)));
}
