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
export async function firstSync(indexes: WorkspaceIndexes, tree: ExperimentsTree, view: vscode.TreeView<TreeNode>, log: (message: string) => void, activatedAt: number): Promise<void> {
  const since = () => `${Math.round(performance.now() - activatedAt)} ms`;
  const steps: string[] = [`view after ${since()}`];
  const firstRuns = tree.onDidRefreshRows(() => {
    if (tree.allRuns().length === 0) return;
    steps.push(`first runs shown after ${since()}`);
    firstRuns.dispose();
  });
  try {
    await indexes.open();
    tree.reload();
    steps.push(`index open after ${since()}`);
    const logs = await Promise.all(indexes.all().map((i) => findEventFiles(path.join(i.folder.uri.fsPath, i.logRoot))));
    const runs = logs.reduce((n, files) => n + files.filter(isRunLog).length, 0);
    steps.push(`${runs} run logs found after ${since()}`);
    const title = runs ? `Indexing ${runs.toLocaleString()} run${runs === 1 ? '' : 's'}…` : 'Looking for runs…';
    view.message = title;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Labbook: ${title}` }, async () => {
      // Many runs and an index without them yet: read a batch at a time, each batch shown as soon as it is in.
      let done = 0;
      for (const [i, index] of indexes.all().entries()) {
        const files = index.runs.length === 0 ? logs[i] ?? [] : [];
        for (let start = 0; files.length > BATCH && start < files.length; start += BATCH) {
          const batch = files.slice(start, start + BATCH);
          await index.syncFiles(batch);
          done += batch.filter(isRunLog).length;
          view.message = `${title} ${Math.min(done, runs).toLocaleString()} read`;
        }
      }
      await Promise.all(indexes.all().map((i) => i.refresh()));
    });
  } finally {
    tree.reload();
    await vscode.commands.executeCommand('setContext', READY_CONTEXT, true);
    view.message = undefined;
    firstRuns.dispose();
    log(`activation: ${[...steps, `first sync done after ${since()}`].join(', ')}`);
  }
}

/** Log files read per sync while the first sync fills a big workspace. */
const BATCH = 100;

const isRunLog = (file: string) => path.basename(file) === EVENTS_FILE;
