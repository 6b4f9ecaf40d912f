import * as path from 'path';
import * as vscode from 'vscode';
import { findEventFiles } from '../core/ingest/discover';
import { EVENTS_FILE } from '../core/format/records';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { ExperimentsTree, TreeNode } from './experimentsTree';

/** Context key: the first sync after activation is done (until then the view says it is indexing, never "No runs yet"). */
export const READY_CONTEXT = 'labbook.ready';

/**
 * The first sync after activation, while the view already shows: each folder's index is opened
 * (the runs it held appear at once), then the run logs are read with "Indexing N runs…" in the
 * view and a progress indicator in the status bar.
 */
export async function firstSync(indexes: WorkspaceIndexes, tree: ExperimentsTree, view: vscode.TreeView<TreeNode>): Promise<void> {
  try {
    await indexes.open();
    tree.reload();
    const logs = (await Promise.all(indexes.all().map((i) => countRunLogs(path.join(i.folder.uri.fsPath, i.logRoot))))).reduce((a, b) => a + b, 0);
    const title = logs ? `Indexing ${logs.toLocaleString()} run${logs === 1 ? '' : 's'}…` : 'Looking for runs…';
    view.message = title;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Labbook: ${title}` }, () =>
      Promise.all(indexes.all().map((i) => i.refresh())),
    );
  } finally {
    tree.reload();
    await vscode.commands.executeCommand('setContext', READY_CONTEXT, true);
    view.message = undefined;
  }
}

async function countRunLogs(logRoot: string): Promise<number> {
  return (await findEventFiles(logRoot)).filter((f) => path.basename(f) === EVENTS_FILE).length;
}
