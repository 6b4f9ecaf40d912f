import * as path from 'path';
import * as vscode from 'vscode';
import type { SqlJsStatic } from 'sql.js';
import { Disposable } from './disposable';
import { emptyChanges, hasChanges, Indexer, mergeChanges, type IngestChanges } from './core/ingest/indexer';
import { ImportIndex } from './core/ingest/importIndex';
import { rebuildInBatches, type RebuildProgress } from './core/ingest/batchedRebuild';
import { importFinders } from './core/importers/finders';
import { Store } from './core/store/store';
import { openWorkspaceIndex } from './core/store/openIndex';
import { indexSizeStatus, type IndexSizeLevel } from './core/store/indexLimits';
import type { Problems } from './core/problems';
import { importSettings, ingestOptions, settings } from './settings';
import { evaluateAlerts, type TriggeredAlert } from './core/alerts';
import { notify } from './notifications';

export { INDEX_DIR, INDEX_FILE } from './core/store/openIndex';

const EVENT_DEBOUNCE_MS = 30;
/** How often the workspace is searched for new runs of other trackers (known ones are checked at every poll). */
const IMPORT_DISCOVERY_MS = 15_000;
/**
 * How often other trackers' known runs are checked for changes. Their files are not watched, and
 * checking means a stat of every file of every unit: at most this often, whatever the poll interval.
 */
const IMPORT_CHECK_MS = 5_000;
const SAVE_DEBOUNCE_MS = 1000;
const SAVE_MAX_DELAY_MS = 5000;
/** After an unclean shutdown, SQLite's integrity check runs this long after start-up, never during activation. */
const DEFERRED_CHECK_MS = 30_000;

/**
 * Host adapter around the core indexer for one workspace folder: file system watcher plus a
 * periodic poll as a safety net, serialized syncs, debounced atomic saves of the index.
 */
export class IndexService extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<IngestChanges>());
  /** Fires after every sync that changed the index. */
  readonly onDidChange = this.changeEmitter.event;

  private readonly alertEmitter = this.register(new vscode.EventEmitter<TriggeredAlert[]>());
  /** Fires when newly ingested points meet a run's alert condition (once per alert). */
  readonly onDidTriggerAlerts = this.alertEmitter.event;

  private pendingFiles = new Set<string>();
  private pendingFull = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private firstUnsavedAt = 0;
  private work: Promise<void> = Promise.resolve();

  private imports: ImportIndex;

  private constructor(readonly folder: vscode.WorkspaceFolder, private current: Store, private indexer: Indexer, private readonly problems: Problems, private readonly SQL: SqlJsStatic, private readOnly: boolean) {
    super();
    this.imports = this.newImportIndex();
  }

  private newImportIndex(): ImportIndex {
    const root = this.folder.uri.fsPath;
    const s = importSettings();
    for (const r of s.refused) this.problems.report(`labbook.import.folders: "${r}" is not a folder inside ${this.folder.name}; ignored`);
    const folders = s.folders.map((f) => (f === '.' ? root : path.join(root, ...f.split('/'))));
    return new ImportIndex(this.store, root, importFinders(this.SQL, { sources: s.sources, searchWorkspace: s.searchWorkspace, folders, report: (m) => this.problems.report(m) }), this.problems, IMPORT_DISCOVERY_MS);
  }

  /** Native logs, then other trackers' output. */
  private importsCheckedAt = -Infinity;

  private async syncAll(force: boolean): Promise<IngestChanges> {
    const changes = await this.indexer.sync();
    if (!force && Date.now() - this.importsCheckedAt < IMPORT_CHECK_MS) return changes;
    this.importsCheckedAt = Date.now();
    return mergeChanges(changes, await this.imports.sync(force));
  }

  /**
   * Opens the folder's index (in memory when the folder cannot hold it; never fails) and starts
   * watching. `readOnly` (Restricted Mode): an index in memory, built from the logs, and nothing
   * written to the folder, until `enableWrites()`.
   */
  static async create(folder: vscode.WorkspaceFolder, SQL: SqlJsStatic, problems: Problems, options: { readOnly?: boolean } = {}): Promise<IndexService> {
    const readOnly = options.readOnly === true;
    const root = folder.uri.fsPath;
    const { store, uncleanShutdown } = readOnly ? { store: (await Store.open(SQL)).store, uncleanShutdown: false } : await openWorkspaceIndex(SQL, root, problems);
    const service = new IndexService(folder, store, new Indexer(store, root, settings().logRoot, problems, ingestOptions()), problems, SQL, readOnly);
    service.startWatching();
    // A read that finds a damaged series file: the next sync reads its run again, so sync soon.
    store.onSeriesDamage(problems, () => service.schedule(undefined));
    if (uncleanShutdown) service.deferIntegrityCheck();
    return service;
  }

  /** The index (in memory while read-only). */
  get store(): Store {
    return this.current;
  }

  /** True while the workspace is untrusted: nothing is written to the folder. */
  get isReadOnly(): boolean {
    return this.readOnly;
  }

  /**
   * The workspace became trusted: the index moves to its file in the folder and is read again
   * with the workspace's own settings (which Restricted Mode ignored).
   */
  enableWrites(): Promise<void> {
    if (!this.readOnly) return Promise.resolve();
    return this.enqueue(async () => {
      if (!this.readOnly) return emptyChanges();
      const before = this.current;
      const { store: stored } = await openWorkspaceIndex(this.SQL, this.folder.uri.fsPath, this.problems);
      this.current = stored;
      stored.onSeriesDamage(this.problems, () => this.schedule(undefined));
      this.readOnly = false;
      before.close();
      this.indexer = new Indexer(stored, this.folder.uri.fsPath, settings().logRoot, this.problems, ingestOptions());
      this.imports = this.newImportIndex();
      const changes = mergeChanges(await this.indexer.sync(), await this.imports.sync(true));
      // Everything shown so far came from the other index: views and panels take it all again.
      for (const run of stored.listRuns()) changes.reset.add(run.uid);
      return changes;
    });
  }

  /** Labbook was not closed cleanly last time: check the index's structure a while after start-up and rebuild it if damaged. */
  private deferIntegrityCheck(): void {
    const timer = setTimeout(() => {
      this.work = this.work.then(() => {
        if (this.isDisposed) return;
        const damage = this.store.quickCheck();
        if (!damage) return;
        this.problems.report(`The index failed its integrity check after an unclean shutdown (${damage}); it is rebuilt from the run logs.`);
        void this.rebuild();
      }).catch((e) => this.problems.report(`checking the index failed: ${(e as Error).message}`));
    }, DEFERRED_CHECK_MS);
    this.register({ dispose: () => clearTimeout(timer) });
  }

  private sizeLevel: IndexSizeLevel = 'ok';

  /** Warns as the index grows and stops indexing before sql.js's limit; true when growth is stopped. */
  private checkSize(): boolean {
    const { level, message } = indexSizeStatus(this.store.sizeBytes());
    if (level !== this.sizeLevel && message) {
      this.problems.report(message);
      void notify(level === 'stop' ? 'error' : 'warning', message.replace(/`/g, ''));
    }
    this.sizeLevel = level;
    return level === 'stop';
  }

  get logRoot(): string {
    return settings().logRoot;
  }

  private startWatching(): void {
    const pattern = new vscode.RelativePattern(this.folder, `${this.logRoot}/**/*.jsonl`);
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(pattern));
    const onFile = (uri: vscode.Uri) => this.schedule(uri.fsPath);
    this.register(watcher.onDidCreate(onFile));
    this.register(watcher.onDidChange(onFile));
    this.register(watcher.onDidDelete(onFile));
    this.restartPoll();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('labbook.pollIntervalSeconds')) this.restartPoll();
      if (e.affectsConfiguration('labbook.logRoot')) void this.rebuild();
      else if (e.affectsConfiguration('labbook.maxLineBytes') || e.affectsConfiguration('labbook.heartbeatTimeoutSeconds')) {
        // Lines read from now on follow the new limits (lines skipped before are read again by a rebuild).
        void this.enqueue(async () => {
          this.indexer = this.newIndexer();
          return emptyChanges();
        });
      } else if (e.affectsConfiguration('labbook.import')) {
        // Other trackers' runs read again with the new choice; what is switched off leaves the tree.
        void this.enqueue(() => {
          this.imports = this.newImportIndex();
          return this.imports.sync(true);
        });
      }
    }));
    this.register({ dispose: () => {
      clearInterval(this.pollTimer);
      clearTimeout(this.flushTimer);
      clearTimeout(this.saveTimer);
    } });
  }

  private restartPoll(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => this.schedule(undefined), settings().pollIntervalSeconds * 1000);
  }

  /** Asks for a sync of one file (absolute path) or, without one, of the whole log root. */
  schedule(file: string | undefined): void {
    if (file === undefined) this.pendingFull = true;
    else this.pendingFiles.add(file);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), EVENT_DEBOUNCE_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const full = this.pendingFull;
    const files = [...this.pendingFiles];
    this.pendingFull = false;
    this.pendingFiles.clear();
    this.enqueue(() => (full ? this.syncAll(false) : this.indexer.sync(files)));
  }

  private enqueue(job: () => Promise<IngestChanges>, opts: { evenWhenFull?: boolean } = {}): Promise<void> {
    const next = this.work.then(async () => {
      if (this.isDisposed) return;
      if (!opts.evenWhenFull && this.sizeLevel === 'stop') return;
      const changes = await job();
      if (hasChanges(changes)) {
        this.checkSize();
        const alerts = evaluateAlerts(this.store, changes);
        this.scheduleSave();
        this.changeEmitter.fire(changes);
        if (alerts.length) this.alertEmitter.fire(alerts);
      }
    }).catch((e) => this.problems.report(`indexing failed: ${(e as Error).stack ?? e}`));
    this.work = next;
    return next;
  }

  /** Full sync now: the run logs first (their runs show as soon as they are read), then other trackers' output. */
  refresh(): Promise<void> {
    void this.enqueue(() => this.indexer.sync());
    return this.enqueue(() => this.syncAll(true));
  }

  /** Reads these run log files (absolute paths) now, in one sync. */
  syncFiles(files: readonly string[]): Promise<void> {
    return this.enqueue(() => this.indexer.sync(files));
  }

  private newIndexer(): Indexer {
    return new Indexer(this.store, this.folder.uri.fsPath, settings().logRoot, this.problems, ingestOptions());
  }

  /**
   * Forgets the index and reads every run log again, a batch at a time: `onProgress` hears how far it
   * came, and `isCancelled` stops it between batches (what was read stays; later syncs read the rest).
   */
  rebuild(opts: { onProgress?: (p: RebuildProgress) => void; isCancelled?: () => boolean } = {}): Promise<void> {
    this.indexer = this.newIndexer();
    this.imports = this.newImportIndex();
    return this.enqueue(async () => {
      const outcome = await rebuildInBatches(this.store, this.indexer, path.join(this.folder.uri.fsPath, settings().logRoot), opts);
      if (this.checkSize() || outcome.cancelled) return outcome.changes;
      return mergeChanges(outcome.changes, await this.imports.sync(true));
    }, { evenWhenFull: true });
  }

  /** Resolves once everything scheduled so far is ingested. */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.flushTimer) {
        clearTimeout(this.flushTimer);
        this.flush();
      }
      const current = this.work;
      await current;
      if (current === this.work && !this.flushTimer) return;
    }
  }

  private scheduleSave(): void {
    if (this.readOnly) return;
    const now = Date.now();
    if (!this.firstUnsavedAt) this.firstUnsavedAt = now;
    clearTimeout(this.saveTimer);
    const delay = Math.max(0, Math.min(SAVE_DEBOUNCE_MS, this.firstUnsavedAt + SAVE_MAX_DELAY_MS - now));
    this.saveTimer = setTimeout(() => void this.save(), delay);
  }

  private lastSaveError: string | undefined;

  /** Writes the index atomically; runs between syncs so it never meets an open transaction. */
  save(): Promise<void> {
    clearTimeout(this.saveTimer);
    if (this.readOnly) return this.work;
    this.firstUnsavedAt = 0;
    const next = this.work.then(() => this.store.save()).then(() => {
      this.lastSaveError = undefined;
    }, (e) => {
      // A folder that became read-only fails every save the same way: say it once.
      const message = `saving the index failed: ${(e as Error).message}`;
      if (message !== this.lastSaveError) this.problems.report(message);
      this.lastSaveError = message;
    });
    this.work = next;
    return next;
  }

  /** Saves and closes; called on deactivate. */
  async close(): Promise<void> {
    await this.save();
    this.dispose();
    this.store.close();
  }
}
