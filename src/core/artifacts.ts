/**
 * Where a run's artifact is, from the path the index keeps for it: run-relative for a Labbook run,
 * workspace-relative for another tracker's run, or a span inside one of its files (embedded images).
 * Nothing outside the workspace (or, for a Labbook run, outside its run folder) is ever resolved,
 * neither by its path (`..`, absolute, backslashes, NUL) nor through a link.
 */
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import { safeRunPath } from './format/records';
import { containedRealPath, openForReadInside } from './safePath';
import { type EmbeddedRef, imageExtension, type ImageExtension, parseEmbeddedPath, readEmbedded } from './importers/embedded';

export type ArtifactLocation =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'embedded'; readonly ref: EmbeddedRef };

/** The run facts needed to resolve its artifacts. */
export interface ArtifactOwner {
  /** Workspace-relative (posix) run folder. */
  readonly folder: string;
  /** `labbook` for a native run, else the tracker it came from. */
  readonly source: string;
}

/** Where `artifactPath` (as stored in the index) is, or undefined when it would leave the workspace or run folder. */
export function locateArtifact(workspaceRoot: string, run: ArtifactOwner, artifactPath: string): ArtifactLocation | undefined {
  if (run.source !== 'labbook') {
    const embedded = parseEmbeddedPath(artifactPath);
    if (embedded) return safeRunPath(embedded.file) ? { kind: 'embedded', ref: embedded } : undefined;
  }
  const rel = safeRunPath(artifactPath);
  if (!rel) return undefined;
  const base = run.source === 'labbook' ? run.folder.split('/').filter((p) => p && p !== '.') : [];
  return { kind: 'file', file: path.join(workspaceRoot, ...base, ...rel.split('/')) };
}

/**
 * The folder an artifact file must really be in: the run folder for a Labbook run, the workspace
 * for another tracker's run (MLflow's `artifact_uri` may point anywhere in it).
 */
function fence(workspaceRoot: string, run: ArtifactOwner): string {
  const base = run.source === 'labbook' ? run.folder.split('/').filter((p) => p && p !== '.') : [];
  return path.join(workspaceRoot, ...base);
}

/**
 * The real path of an artifact file, once it is known to really be inside the run folder (Labbook)
 * or the workspace (other trackers): `..` and links leading out are refused with an error.
 */
export async function artifactRealPath(workspaceRoot: string, run: ArtifactOwner, where: Extract<ArtifactLocation, { kind: 'file' }>): Promise<string> {
  return containedRealPath(workspaceRoot, where.file, fence(workspaceRoot, run));
}

/**
 * Opens an artifact file for reading once it is known to really be inside the run folder (Labbook)
 * or the workspace (other trackers); `..`, absolute paths and links leading out are refused.
 */
export async function openArtifactFile(workspaceRoot: string, run: ArtifactOwner, where: Extract<ArtifactLocation, { kind: 'file' }>): Promise<FileHandle> {
  return openForReadInside(workspaceRoot, where.file, fence(workspaceRoot, run));
}

const MIME: Record<ImageExtension, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp' };

/** Largest image file shown inline (bigger ones are opened in an editor instead). */
export const MAX_INLINE_IMAGE_BYTES = 8 * 1024 * 1024;

/**
 * The bytes and MIME type of an image artifact, checked by its signature (a file named `.png` that
 * is not a PNG, GIF, JPEG, WebP or BMP is refused, as is anything bigger than MAX_INLINE_IMAGE_BYTES).
 */
export async function readArtifactImage(workspaceRoot: string, run: ArtifactOwner, artifactPath: string): Promise<{ mime: string; bytes: Buffer }> {
  const where = locateArtifact(workspaceRoot, run, artifactPath);
  if (!where) throw new Error('the path leaves the workspace');
  let bytes: Buffer;
  if (where.kind === 'embedded') {
    bytes = await readEmbedded(workspaceRoot, where.ref, run.folder);
  } else {
    const handle = await openForReadInside(workspaceRoot, where.file, fence(workspaceRoot, run));
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new Error('not a file');
      if (st.size > MAX_INLINE_IMAGE_BYTES) throw new Error(`${(st.size / 1048576).toFixed(1)} MB is too big to show here; open it instead`);
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  }
  const ext = imageExtension(bytes);
  if (!ext) throw new Error('not a PNG, JPEG, GIF, WebP or BMP image');
  return { mime: MIME[ext], bytes };
}
