/**
 * Where a dataset a run recorded is, for a link on its page. A local dataset's `path` is as the
 * writer gave it, relative to its working directory (docs/run-log-format.md), so it is looked for
 * there, then below the workspace and the run folder; only a file or folder really inside the
 * workspace (links resolved) is ever offered. A `uri` is a web link only when it is http(s).
 */
import * as path from 'path';
import { containedRealPath } from './safePath';

export type DatasetTarget =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'web'; readonly uri: string }
  | { readonly kind: 'none'; readonly why: string };

export async function datasetTarget(workspaceRoot: string, runFolder: string, cwd: unknown, d: { readonly path: string | null; readonly uri: string | null }): Promise<DatasetTarget> {
  if (d.uri) {
    if (/^https?:\/\/[^\s]+$/i.test(d.uri)) return { kind: 'web', uri: d.uri };
    if (!d.path) return { kind: 'none', why: `${d.uri.slice(0, 200)} is not a web address; it is copied instead` };
  }
  if (!d.path) return { kind: 'none', why: 'the run recorded no place for it' };
  const p = d.path;
  const candidates = path.isAbsolute(p)
    ? [p]
    : [...(typeof cwd === 'string' && path.isAbsolute(cwd) ? [path.join(cwd, p)] : []), path.join(workspaceRoot, p), path.join(workspaceRoot, ...runFolder.split('/'), p)];
  let outside = false;
  for (const c of candidates) {
    try {
      return { kind: 'file', path: await containedRealPath(workspaceRoot, c) };
    } catch (e) {
      if ((e as { code?: string }).code === 'EOUTSIDE') outside = true;
    }
  }
  return { kind: 'none', why: outside ? `${p} is outside the workspace` : `${p} is not in this workspace` };
}
