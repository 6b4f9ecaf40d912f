import type { IndexService } from '../indexService';
import type { RunRow } from '../core/store/store';
import type { TrashEntry } from '../core/organise/trash';
import * as files from '../core/organise/trashFiles';
import { requireTrust } from '../workspaceTrust';

export { trashProblem } from '../core/organise/trashFiles';

const place = (index: IndexService): files.TrashPlace => ({ root: index.folder.uri.fsPath, logRoot: index.logRoot });

export function moveToTrash(index: IndexService, run: RunRow): Promise<TrashEntry> {
  requireTrust('Deleting a run');
  return files.moveToTrash(place(index), run);
}

export function listTrash(index: IndexService, report: (m: string) => void): Promise<TrashEntry[]> {
  return files.listTrash(place(index), report);
}

export function restoreFromTrash(index: IndexService, entry: TrashEntry): Promise<string> {
  requireTrust('Restoring a run');
  return files.restoreFromTrash(place(index), entry);
}

export function deleteFromTrash(index: IndexService, entry: TrashEntry): Promise<void> {
  requireTrust('Deleting a run permanently');
  return files.deleteFromTrash(place(index), entry);
}
