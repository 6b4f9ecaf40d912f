import * as path from 'path';
import { appendEdit, editsPath, type EditRecord } from './core/edits';
import type { IndexService } from './indexService';
import { requireTrust } from './workspaceTrust';

/** Writes a user's edit of a run to its edits file (the truth), then waits until the index has it. */
export async function editRun(index: IndexService, uid: string, record: EditRecord): Promise<void> {
  requireTrust('Editing a run');
  const run = index.run(uid);
  if (!run) throw new Error(`no run with id ${uid}`);
  const rel = editsPath(run, index.logRoot);
  const root = index.folder.uri.fsPath;
  await appendEdit(root, rel, uid, record);
  index.schedule(path.join(root, ...rel.split('/')));
  await index.whenIdle();
}
