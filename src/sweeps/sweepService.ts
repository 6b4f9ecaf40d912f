import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { Problems } from '../core/problems';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import { SWEEPS_FOLDER, SweepReader } from '../core/sweeps/sweepReader';
import type { SweepSummary } from '../core/sweeps/sweepState';
import { settings } from '../settings';

/** A sweep and the workspace folder (index) it lives in. */
export interface SweepRef {
  readonly index: IndexService;
  readonly summary: SweepSummary;
}

interface FolderSweeps {
  reader: SweepReader;
  logRoot: string;
  summaries: SweepSummary[];
  text: string;
}

/**
 * The sweeps of every workspace folder, read again when a trial log or definition changes (file
 * watcher on `<log root>/_sweeps/**`) and on every poll (agents die silently: a running trial turns
 * abandoned by time alone). Fires only when a summary changed.
 */
export class SweepService extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly folders = new Map<IndexService, FolderSweeps>();
  private reading: Promise<void> | undefined;
  private again = false;
  private watchers: vscode.Disposable[] = [];

  constructor(private readonly indexes: WorkspaceIndexes, private readonly problems: Problems) {
    super();
    this.watch();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('labbook.logRoot')) {
        this.watch();
        void this.refresh();
      }
    }));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => {
      this.watch();
      void this.refresh();
    }));
    let timer: NodeJS.Timeout | undefined;
    const poll = () => {
      timer = setTimeout(() => void this.refresh().finally(() => {
        if (!this.isDisposed) poll();
      }), Math.max(2, settings().pollIntervalSeconds) * 1000);
    };
    poll();
    this.register({ dispose: () => clearTimeout(timer) });
    this.register({ dispose: () => this.watchers.forEach((w) => w.dispose()) });
    void this.refresh();
  }

  private watch(): void {
    this.watchers.forEach((w) => w.dispose());
    this.watchers = [];
    const logRoot = settings().logRoot;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${logRoot}/${SWEEPS_FOLDER}/**/{trials.jsonl,sweep.json}`));
      const changed = () => void this.refresh();
      this.watchers.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
    }
  }

  /** Sweeps of one workspace folder, as last read. */
  of(index: IndexService): readonly SweepSummary[] {
    return this.folders.get(index)?.summaries ?? [];
  }

  all(): SweepRef[] {
    return this.indexes.all().flatMap((index) => this.of(index).map((summary) => ({ index, summary })));
  }

  find(id: string): SweepRef | undefined {
    return this.all().find((s) => s.summary.id === id);
  }

  /** Reads every folder's sweeps (one read at a time; a request during a read reads once more after it). */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await this.readAll();
      } while (this.again && !this.isDisposed);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readAll(): Promise<void> {
    const logRoot = settings().logRoot;
    const indexes = this.indexes.all();
    let changed = false;
    for (const index of [...this.folders.keys()]) {
      if (!indexes.includes(index)) {
        this.folders.delete(index);
        changed = true;
      }
    }
    for (const index of indexes) {
      let state = this.folders.get(index);
      if (!state || state.logRoot !== logRoot) {
        state = { reader: new SweepReader(index.folder.uri.fsPath, logRoot, this.problems), logRoot, summaries: [], text: '[]' };
        this.folders.set(index, state);
      }
      try {
        const summaries = await state.reader.read({ quietMs: 2000 });
        const text = JSON.stringify(summaries);
        if (text !== state.text) {
          state.summaries = summaries;
          state.text = text;
          changed = true;
        }
      } catch (e) {
        this.problems.report(`reading sweeps failed: ${(e as Error).message}`);
      }
    }
    if (changed && !this.isDisposed) this.changeEmitter.fire();
  }
}
