/**
 * The folder that holds a workspace's index (`.labbook/`), made ready before the index is opened:
 * created if missing, with a `.gitignore` that keeps the index out of version control. A cloned
 * repository may hold a `.labbook` that is a link to somewhere else: nothing is written through it.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Problems } from './problems';
import { ensureDirInside, isOutsideError, writeFileInside } from './safePath';

const GITIGNORE = '# Labbook index: rebuilt from the run logs, never commit it\n*\n';

/**
 * Creates `<root>/<dirName>` and its `.gitignore`, never through a link. A folder (or `.gitignore`)
 * that is a link is reported, naming it, and left alone; other errors are thrown.
 */
export async function prepareIndexFolder(root: string, dirName: string, problems: Problems): Promise<void> {
  const dir = path.join(root, dirName);
  try {
    await ensureDirInside(root, dir);
    const ignore = path.join(dir, '.gitignore');
    if (!fs.existsSync(ignore)) await writeFileInside(root, ignore, GITIGNORE);
  } catch (e) {
    if (!isOutsideError(e)) throw e;
    problems.report(e.message);
  }
}
