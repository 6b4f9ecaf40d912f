import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import { TRASH_DIR, type TrashEntry } from '../core/organise/trash';
import { listTrash } from '../organise/trashService';

/** The "Trash" row at the end of a workspace folder's experiments, listing its trashed runs (hidden when empty). */
export interface TrashNode { readonly kind: 'trash'; readonly index: IndexService; entries: TrashEntryNode[] }
export interface TrashEntryNode { readonly kind: 'trashEntry'; readonly index: IndexService; readonly entry: TrashEntry }
export type TrashTreeNode = TrashNode | TrashEntryNode;

/** A change of the index (a run deleted, restored, or a folder changed on disk) looks at the trash again after this. */
const RELIST_MS = 500;

/**
 * What is in each workspace folder's trash (`<log root>/_trash/`), kept for the Experiments tree.
 * Listed again shortly after the index changes, and at once after Labbook moved something; the
 * tree is told only when the list of entries changed.
 */
export class TrashNodes extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly nodes = new Map<IndexService, TrashNode>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private listing: Promise<void> = Promise.resolve();
  /** When each folder's trash folder last changed (an entry added or removed), as last listed. */
  private readonly changedAt = new Map<IndexService, number>();

  constructor(private readonly indexes: WorkspaceIndexes, private readonly report: (message: string) => void) {
    super();
    this.register(indexes.onDidChange(() => this.soon()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    void this.refresh();
  }

  private soon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(false), RELIST_MS);
  }

  /** The trash row of a folder, or undefined when its trash is empty. */
  of(index: IndexService): TrashNode | undefined {
    const node = this.nodes.get(index);
    return node && node.entries.length ? node : undefined;
  }

  /**
   * Lists every folder's trash again (one listing at a time); resolves once the tree was told.
   * Unless `all`, a folder whose trash folder did not change since it was listed is skipped: runs
   * that log change the index every second, and a trash of hundreds need not be read each time.
   */
  refresh(all = true): Promise<void> {
    this.listing = this.listing.then(() => this.list(all), () => this.list(all));
    return this.listing;
  }

  private async list(all: boolean): Promise<void> {
    let changed = false;
    const indexes = this.indexes.all();
    for (const index of [...this.nodes.keys()]) {
      if (!indexes.includes(index)) {
        this.nodes.delete(index);
        this.changedAt.delete(index);
        changed = true;
      }
    }
    for (const index of indexes) {
      const dir = path.join(index.folder.uri.fsPath, ...index.logRoot.split('/'), TRASH_DIR);
      const stamp = await fs.promises.stat(dir).then((st) => st.mtimeMs, () => -1);
      if (!all && this.changedAt.get(index) === stamp && this.nodes.has(index)) continue;
      this.changedAt.set(index, stamp);
      const entries = await listTrash(index, this.report).catch(() => []);
      const node = this.nodes.get(index);
      const same = node && node.entries.length === entries.length && node.entries.every((e, i) => sameEntry(e.entry, entries[i]));
      if (same) continue;
      changed = true;
      const kept = new Map(node?.entries.map((e) => [e.entry.entry, e]));
      const entryNodes = entries.map((entry): TrashEntryNode => {
        const old = kept.get(entry.entry);
        return old && sameEntry(old.entry, entry) ? old : { kind: 'trashEntry', index, entry };
      });
      if (node) node.entries = entryNodes;
      else this.nodes.set(index, { kind: 'trash', index, entries: entryNodes });
    }
    if (changed) this.changeEmitter.fire();
  }

  /** Every trashed run of every folder. */
  entries(): TrashEntryNode[] {
    return [...this.nodes.values()].flatMap((n) => n.entries);
  }

  children(node: TrashTreeNode): TrashTreeNode[] {
    return node.kind === 'trash' ? [...node.entries] : [];
  }

  parent(node: TrashTreeNode): TrashTreeNode | undefined {
    return node.kind === 'trashEntry' ? this.nodes.get(node.index) : undefined;
  }

  item(node: TrashTreeNode): vscode.TreeItem {
    const folderKey = node.index.folder.index;
    if (node.kind === 'trash') {
      const item = new vscode.TreeItem('Trash', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `trash:${folderKey}`;
      item.description = `${node.entries.length} run${node.entries.length === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon('trash');
      item.contextValue = 'trash';
      item.tooltip = `Runs deleted to ${node.index.logRoot}/_trash/: restore them, or delete them permanently`;
      return item;
    }
    const e = node.entry;
    const item = new vscode.TreeItem(e.name || e.entry, vscode.TreeItemCollapsibleState.None);
    item.id = `trash:${folderKey}:${e.entry}`;
    const when = e.time ? new Date(e.time * 1000).toLocaleString() : 'unknown time';
    item.description = `${e.experiment ? `${e.experiment} · ` : ''}deleted ${when}`;
    item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground'));
    item.contextValue = 'trashEntry';
    // Plain text: a manifest is a file anyone could have written.
    item.tooltip = `${e.name}\nExperiment: ${e.experiment || '-'}\nWas at: ${e.from}\nDeleted: ${when}\nRun id: ${e.uid || '-'}`;
    item.accessibilityInformation = { label: `${e.name}, in the trash, deleted ${when}` };
    return item;
  }
}

function sameEntry(a: TrashEntry, b: TrashEntry): boolean {
  return a.entry === b.entry && a.uid === b.uid && a.name === b.name && a.experiment === b.experiment && a.from === b.from && a.time === b.time;
}
