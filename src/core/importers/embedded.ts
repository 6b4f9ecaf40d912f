/**
 * Artifacts that live inside another file instead of beside it: TensorBoard image summaries are PNG
 * (or JPEG, GIF…) bytes inside an event file. The importer records where they are; opening one reads
 * exactly those bytes, checks they are the image they claim to be, and nothing else.
 *
 * An embedded artifact's path in the index is `embedded:<ext>:<offset>:<length>:<file>`, `<file>`
 * workspace-relative (posix). A plain artifact path never takes this form (a workspace folder named
 * `embedded:png:…` is not a thing).
 */
import * as path from 'path';
import { openForReadInside } from '../safePath';

export type ImageExtension = 'png' | 'jpg' | 'gif' | 'webp' | 'bmp';

export interface EmbeddedRef {
  /** Workspace-relative (posix) path of the file holding the bytes. */
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly ext: ImageExtension;
}

/** An image found inside a run's files: where its bytes are, and the name a user sees. */
export interface EmbeddedImage {
  /** `images/<tag>/step_<step>.<ext>` (with `_<i>` when one step holds several images). */
  readonly name: string;
  readonly ref: EmbeddedRef;
}

const PATTERN = /^embedded:(png|jpg|gif|webp|bmp):(\d{1,15}):(\d{1,15}):(.+)$/;

export function embeddedPath(ref: EmbeddedRef): string {
  return `embedded:${ref.ext}:${ref.offset}:${ref.length}:${ref.file}`;
}

export function parseEmbeddedPath(p: string): EmbeddedRef | undefined {
  const m = PATTERN.exec(p);
  if (!m) return undefined;
  return { ext: m[1] as ImageExtension, offset: Number(m[2]), length: Number(m[3]), file: m[4] };
}

/** The image type of encoded bytes from their signature, or undefined when they are no known image. */
export function imageExtension(buf: Uint8Array, start = 0, end = buf.length): ImageExtension | undefined {
  const n = end - start;
  const b = (i: number): number => buf[start + i];
  if (n >= 8 && b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) return 'png';
  if (n >= 3 && b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpg';
  if (n >= 6 && b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38) return 'gif';
  if (n >= 12 && b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45 && b(10) === 0x42 && b(11) === 0x50) return 'webp';
  if (n >= 14 && b(0) === 0x42 && b(1) === 0x4d) return 'bmp';
  return undefined;
}

/** Largest embedded image read (TensorBoard images are small; this bounds a forged reference). */
export const MAX_EMBEDDED_BYTES = 64 * 1024 * 1024;

/**
 * Reads an embedded artifact's bytes. Refuses a file outside `workspaceRoot`, outside `allowedFolder`
 * (workspace-relative) when given (by its path or through a link), a span past the file's end, and bytes that are not the image the
 * reference names.
 */
export async function readEmbedded(workspaceRoot: string, ref: EmbeddedRef, allowedFolder?: string): Promise<Buffer> {
  const root = path.resolve(workspaceRoot);
  const file = path.resolve(root, ...ref.file.split('/'));
  const inside = (dir: string): boolean => file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  if (!inside(root)) throw new Error(`${ref.file} is outside the workspace`);
  if (allowedFolder !== undefined && allowedFolder !== '.' && !inside(path.resolve(root, ...allowedFolder.split('/')))) {
    throw new Error(`${ref.file} is outside the run folder ${allowedFolder}`);
  }
  if (ref.length <= 0 || ref.length > MAX_EMBEDDED_BYTES) throw new Error(`${ref.file}: an image of ${ref.length} bytes is not read`);
  // Really inside (no link out of the workspace or the run folder), checked on the opened file.
  const handle = await openForReadInside(root, file, allowedFolder !== undefined && allowedFolder !== '.' ? path.resolve(root, ...allowedFolder.split('/')) : undefined);
  try {
    const buf = Buffer.alloc(ref.length);
    const { bytesRead } = await handle.read(buf, 0, ref.length, ref.offset);
    if (bytesRead !== ref.length) throw new Error(`${ref.file}: the file ends before byte ${ref.offset + ref.length}; it was replaced or truncated`);
    if (imageExtension(buf) !== ref.ext) throw new Error(`${ref.file}: byte ${ref.offset} does not hold a ${ref.ext.toUpperCase()} image any more; the file was replaced`);
    return buf;
  } finally {
    await handle.close();
  }
}
