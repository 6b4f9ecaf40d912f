import * as vscode from 'vscode';
import type { SqlJsStatic } from 'sql.js';
import { Disposable } from './disposable';
import { hasChanges, type IngestChanges } from './core/ingest/indexer';
import type { RebuildProgress } from './core/ingest/batchedRebuild';
import { indexSizeStatus, type IndexSizeLevel } from './core/store/indexLimits';
import type { Problems } from './core/problems';
import type { RunRow } from './core/store/store';
import type { TriggeredAlert } from './core/alerts';
import type { IndexReads } from './core/worker/indexReads';
import type { OpenParams } from './core/worker/messages';
import { openInProcess, openInWorker, type Drained, type IndexConnection } from './core/worker/indexConnection';
import { importSettings, ingestOptions, settings } from './settings';
import { notify } from './notifications';
import { LiveLogWatch } from './liveLogWatch';

export { INDEX_DIR, INDEX_FILE } from './core/store/openIndex';

const EVENT_DEBOUNCE_MS = 30;
/** At most this many changed runs are read again one by one; more, and the run list is read whole. */
const PATCHED_RUNS_MAX = 16;
/**
 * How often other trackers' known runs are checked for changes. Their files are not watched, and
 * checking means a stat of every file of every unit: at most this often, whatever the poll interval.
 */
const IMPORT_CHECK_MS = 5_000;
const SAVE_DEBOUNCE_MS = 1000;
const SAVE_MAX_DELAY_MS = 5000;
/** After an unclean shutdown, SQLite's integrity check runs this long after start-up, never during activation. */
const DEFERRED_CHECK_MS = 30_000;
/** Changes shown while a long read goes on take at most about 1 / (1 + this) of the host's time. */
const EARLY_PAUSE_FACTOR = 3;

/** Where the index worker's script and sql.js's WebAssembly are (the extension's dist folder). */
export interface WorkerPlace {
  readonly script: string;
  readonly wasmDir: string;
}

/** Said once per window: the index worker stopped and was started again. */
let restartNoticeShown = false;

/**
 * Host adapter for one workspace folder's index: file system watcher plus a periodic poll as a
 * safety net, serialized syncs, debounced saves. The index itself, its tailer and importers run in
 * the index worker (off the extension host's main thread), or in this thread when no worker starts.
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
  private importsCheckedAt = -Infinity;
  private runRows: readonly RunRow[] = [];
  private runsByUid = new Map<string, RunRow>();
  /** A request is under way: changes that arrive before its answer (a big log read in slices) are shown at once. */
  private busy = false;
  /** Changes shown before their request's answer, in order; one showing waits at a time. */
  private early: Promise<void> = Promise.resolve();
  private earlyWaiting = false;
  /** When the next early showing may start: each is followed by a pause of EARLY_PAUSE_FACTOR times its own length. */
  private earlyNextAt = 0;

  private constructor(readonly folder: vscode.WorkspaceFolder, private readonly index: IndexConnection, private readonly problems: Problems, private readOnly: boolean) {
    super();
  }

  /** Every read of the index, answered asynchronously (by the index worker when it runs one). */
  get reads(): IndexReads {
    return this.index.reads;
  }

  /** True when the index runs in a worker thread (false: in the extension host's thread, as a fallback). */
  get inWorker(): boolean {
    return this.index.inWorker;
  }

  /** The runs as last read: in step with the index whenever `onDidChange` fires. */
  get runs(): readonly RunRow[] {
    return this.runRows;
  }

  /** A run as last read (see `runs`). */
  run(uid: string): RunRow | undefined {
    return this.runsByUid.get(uid);
  }

  /** Reads the run list again (after every change, before listeners hear of it). */
  private async readRuns(changes?: IngestChanges): Promise<void> {
    const rows = (changes && (await this.changedRows(changes))) || (await this.index.reads.listRuns());
    this.runRows = rows;
    this.runsByUid = new Map(this.runRows.map((r) => [r.uid, r]));
    this.liveLogs?.update(this.runRows);
  }

  /**
   * The run list with just the changed runs read again, when a few runs already listed changed in
   * place (a live run writing): a workspace of thousands of runs is not read whole on every write.
   * Undefined when the list must be read whole (runs came or went, or a run moved in its order).
   */
  private async changedRows(changes: IngestChanges): Promise<RunRow[] | undefined> {
    if (changes.removed.size || changes.reset.size || changes.runs.size > PATCHED_RUNS_MAX) return undefined;
    const uids = [...changes.runs];
    if (!uids.every((uid) => this.runsByUid.has(uid))) return undefined;
    const fresh = await Promise.all(uids.map((uid) => this.index.reads.getRun(uid)));
    const byUid = new Map<string, RunRow>();
    for (const [i, row] of fresh.entries()) {
      const old = this.runsByUid.get(uids[i]);
      // listRuns sorts by experiment and start time: a run that changed either may move.
      if (!row || !old || row.experiment !== old.experiment || row.startTime !== old.startTime) return undefined;
      byUid.set(row.uid, row);
    }
    return this.runRows.map((r) => byUid.get(r.uid) ?? r);
  }

  /** The logs of running runs, watched directly so that what they write is read at once. */
  private liveLogs: LiveLogWatch | undefined;

  /** What the index needs to know of the folder and its settings. */
  private static params(folder: vscode.WorkspaceFolder, persistent: boolean, problems: Problems): OpenParams {
    const s = importSettings();
    for (const r of s.refused) problems.report(`labbook.import.folders: "${r}" is not a folder inside ${folder.name}; ignored`);
    return { root: folder.uri.fsPath, logRoot: settings().logRoot, persistent, ...ingestOptions(), imports: { sources: [...s.sources], searchWorkspace: s.searchWorkspace, folders: s.folders } };
  }

  /**
   * Opens the folder's index (in memory when the folder cannot hold it; never fails) and starts
   * watching. `readOnly` (Restricted Mode): an index in memory, built from the logs, and nothing
   * written to the folder, until `enableWrites()`. With `worker`, the index runs in a worker thread;
   * if that cannot start, here, and the user is told.
   */
  static async create(folder: vscode.WorkspaceFolder, SQL: SqlJsStatic, problems: Problems, options: { readOnly?: boolean; worker?: WorkerPlace } = {}): Promise<IndexService> {
    const readOnly = options.readOnly === true;
    const params = IndexService.params(folder, !readOnly, problems);
    const made: { service?: IndexService } = {};
    let index: IndexConnection | undefined;
    if (options.worker) {
      index = await openInWorker({ ...options.worker, onRestart: () => made.service?.restarted() }, params, problems).catch((e: Error) => {
        const message = `The index worker could not start (${e.message}); Labbook indexes in the editor's own thread instead, which may slow the editor during big imports.`;
        problems.report(message);
        void notify('warning', `Labbook: ${message}`);
        return undefined;
      });
    }
    index ??= await openInProcess(SQL, params, problems);
    const service = new IndexService(folder, index, problems, readOnly);
    made.service = service;
    index.onArrival(() => service.arrived());
    await service.readRuns();
    service.startWatching();
    if (index.uncleanShutdown) service.deferIntegrityCheck();
    return service;
  }

  /** A crashed worker was replaced and read on from the saved index: show what it found. */
  private restarted(): void {
    if (!restartNoticeShown) {
      restartNoticeShown = true;
      void notify('warning', 'Labbook: the index worker stopped unexpectedly and was restarted; the Labbook output has the details.');
    }
    void this.enqueue(async () => {
      const drained = this.index.drain();
      // Whatever the panels show may be older than the new worker's index: they read it all again.
      for (const run of await this.index.reads.listRuns()) drained.changes.reset.add(run.uid);
      return drained;
    });
  }

  /** Changes came from a request still under way: the tree and open panels hear of them now, not at its end. */
  private arrived(): void {
    if (!this.busy || this.earlyWaiting || this.isDisposed) return;
    this.earlyWaiting = true;
    this.early = this.early.then(async () => {
      // A big workspace's run list and tree take a while: showings of a long read keep the host mostly free.
      const pause = this.earlyNextAt - Date.now();
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      this.earlyWaiting = false;
      if (this.isDisposed) return;
      const started = Date.now();
      await this.publish(this.index.drain());
      this.earlyNextAt = Date.now() + EARLY_PAUSE_FACTOR * (Date.now() - started);
    }).catch((e) => this.problems.report(`indexing failed: ${(e as Error).stack ?? e}`));
  }

  /** After a change: the size checked, the run list read again, a save planned; then listeners hear of it. */
  private async publish({ changes, alerts }: Drained): Promise<void> {
    if (hasChanges(changes)) {
      await this.checkSize();
      await this.readRuns(changes);
      this.scheduleSave();
      this.changeEmitter.fire(changes);
    }
    if (alerts.length) this.alertEmitter.fire(alerts);
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
      if (!this.readOnly) return undefined;
      const p = IndexService.params(this.folder, true, this.problems);
      await this.index.configure({ logRoot: p.logRoot, maxLineBytes: p.maxLineBytes, quietMs: p.quietMs, imports: p.imports });
      const drained = await this.index.persist();
      this.readOnly = false;
      return drained;
    });
  }

  /** Labbook was not closed cleanly last time: check the index's structure a while after start-up and rebuild it if damaged. */
  private deferIntegrityCheck(): void {
    const timer = setTimeout(() => {
      this.work = this.work.then(async () => {
        if (this.isDisposed) return;
        const damage = await this.index.reads.quickCheck();
        if (!damage) return;
        this.problems.report(`The index failed its integrity check after an unclean shutdown (${damage}); it is rebuilt from the run logs.`);
        void this.rebuild();
      }).catch((e) => this.problems.report(`checking the index failed: ${(e as Error).message}`));
    }, DEFERRED_CHECK_MS);
    this.register({ dispose: () => clearTimeout(timer) });
  }

  private sizeLevel: IndexSizeLevel = 'ok';

  /** Warns as the index grows and stops indexing before sql.js's limit; true when growth is stopped. */
  private async checkSize(): Promise<boolean> {
    const { level, message } = indexSizeStatus(await this.index.reads.sizeBytes());
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
    this.liveLogs = this.register(new LiveLogWatch(this.folder.uri.fsPath, (file) => this.schedule(file)));
    this.liveLogs.update(this.runRows);
    this.restartPoll();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('labbook.pollIntervalSeconds')) this.restartPoll();
      if (e.affectsConfiguration('labbook.logRoot')) void this.rebuild();
      else if (e.affectsConfiguration('labbook.maxLineBytes') || e.affectsConfiguration('labbook.heartbeatTimeoutSeconds')) {
        // Lines read from now on follow the new limits (lines skipped before are read again by a rebuild).
        void this.enqueue(() => this.index.configure(ingestOptions()));
      } else if (e.affectsConfiguration('labbook.import')) {
        // Other trackers' runs read again with the new choice; what is switched off leaves the tree.
        void this.enqueue(() => this.index.configure({ imports: IndexService.params(this.folder, !this.readOnly, this.problems).imports }));
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

  /** Native logs, then other trackers' output (checked at most every IMPORT_CHECK_MS unless forced). */
  private syncAll(force: boolean): Promise<Drained> {
    const imports = force || Date.now() - this.importsCheckedAt >= IMPORT_CHECK_MS;
    if (imports) this.importsCheckedAt = Date.now();
    return this.index.sync(undefined, { imports, force });
  }

  private flush(): void {
    this.flushTimer = undefined;
    const full = this.pendingFull;
    const files = [...this.pendingFiles];
    this.pendingFull = false;
    this.pendingFiles.clear();
    void this.enqueue(() => (full ? this.syncAll(false) : this.index.sync(files, { imports: false, force: false })));
  }

  private enqueue(job: () => Promise<Drained | undefined>, opts: { evenWhenFull?: boolean } = {}): Promise<void> {
    const next = this.work.then(async () => {
      if (this.isDisposed) return;
      if (!opts.evenWhenFull && this.sizeLevel === 'stop') return;
      this.busy = true;
      const drained = await job().finally(() => {
        this.busy = false;
      });
      // What was shown while the request went on comes first.
      await this.early;
      if (!drained || this.isDisposed) return;
      await this.publish(drained);
    }).catch((e) => this.problems.report(`indexing failed: ${(e as Error).stack ?? e}`));
    this.work = next;
    return next;
  }

  /** Full sync now: the run logs first (their runs show as soon as they are read), then other trackers' output. */
  refresh(): Promise<void> {
    void this.enqueue(() => this.index.sync(undefined, { imports: false, force: false }));
    return this.enqueue(() => this.syncAll(true));
  }

  /** Reads these run log files (absolute paths) now, in one sync. */
  syncFiles(files: readonly string[]): Promise<void> {
    return this.enqueue(() => this.index.sync(files, { imports: false, force: false }));
  }

  /**
   * Forgets the index and reads every run log again, a batch at a time: `onProgress` hears how far it
   * came, and `isCancelled` stops it between batches (what was read stays; later syncs read the rest).
   */
  rebuild(opts: { onProgress?: (p: RebuildProgress) => void; isCancelled?: () => boolean } = {}): Promise<void> {
    return this.enqueue(async () => {
      // The log root may have changed; the rebuild starts a new tailer and new importers.
      await this.index.configure({ logRoot: settings().logRoot });
      return this.index.rebuild(opts);
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
    const next = this.work.then(() => this.index.save()).then(() => {
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
    await this.index.close().catch((e: Error) => this.problems.report(`closing the index failed: ${e.message}`));
  }
}
