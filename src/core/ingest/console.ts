import * as fs from 'fs';
import * as path from 'path';
import { isOutsideError, openForReadInside } from '../safePath';

export const CONSOLE_FILE = 'console.log';

/** Most of a console log read at once: its end, where the latest output is. */
export const MAX_CONSOLE_BYTES = 1024 * 1024;

export interface ConsoleText {
  readonly text: string;
  /** Bytes before `text` that were left out. */
  readonly skipped: number;
  /** Why a console file that is there was not read (it leads outside the run folder), naming it. */
  readonly problem?: string;
}

/**
 * The console output of a run (`<folder>/console.log`), or its last MAX_CONSOLE_BYTES.
 * `folder` is workspace-relative; a file that is not really inside it (`..`, a link) gives nothing.
 */
export async function readConsole(root: string, folder: string, maxBytes = MAX_CONSOLE_BYTES): Promise<ConsoleText> {
  const file = path.resolve(root, folder, CONSOLE_FILE);
  const rel = path.relative(path.resolve(root), file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { text: '', skipped: 0 };
  let handle: fs.promises.FileHandle;
  try {
    // Only a file really inside the run folder (a console.log may be a link to anywhere).
    handle = await openForReadInside(root, file, path.resolve(root, folder));
  } catch (e) {
    if (isOutsideError(e)) return { text: '', skipped: 0, problem: `${rel.split(path.sep).join('/')}: not shown, it leads outside the run folder (a link)` };
    return { text: '', skipped: 0 };
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    let text = buf.toString('utf8');
    // Do not start in the middle of a line (or of a multi-byte character).
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    return { text, skipped: start > 0 ? size - Buffer.byteLength(text) : 0 };
  } finally {
    await handle.close();
  }
}
