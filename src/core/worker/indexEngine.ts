import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import { emptyChanges, hasChanges, Indexer, mergeChanges, type IngestChanges } from '../ingest/indexer';
import { indexedPoints, rebuildInBatches, type RebuildProgress } from '../ingest/batchedRebuild';
import { DEFAULT_SLICE_PUBLISH_MS, type SlicePublish } from '../ingest/changeSlices';
import { ImportIndex } from '../ingest/importIndex';
import { importFinders } from '../importers/finders';
import type { ImportSource } from '../importers/contract';
import { Store } from '../store/store';
import { openWorkspaceIndex } from '../store/openIndex';
import type { Problems } from '../problems';
import type { ConfigureParams, OpenParams, PointColumns, ProgressMessage, WorkerRequest } from './messages';
import { evaluateAlerts, type TriggeredAlert } from '../alerts';
import { answerRead } from './indexReads';

const IMPORT_DISCOVERY_MS = 15_000;

export interface EngineEvents {
  readonly changes: (changes: IngestChanges) => void;
  readonly progress: (progress: ProgressMessage) => void;
  readonly alerts: (alerts: TriggeredAlert[]) => void;
}


/** What a request answers: a plain value, or point columns whose buffers are moved to the host. */
export interface EngineReply {
  readonly result: unknown;
  readonly transfer?: ArrayBuffer[];
}

/**
 * One workspace folder's index, tailer, importers and queries, driven by requests. It runs in the
 * index worker (src/worker/indexWorker.ts) and knows nothing of threads, so it is tested directly.
 */
export class IndexEngine {
  private store: Store | undefined;
  private indexer: Indexer | undefined;
  private imports: ImportIndex | undefined;
  private params: OpenParams | undefined;
  private cancelled = false;
  /** During a rebuild: its last progress report and when it came (a big log's slices report between them). */
  private rebuilding: { readonly last: RebuildProgress; readonly at: number } | undefined;
  /** A long read hands its changes over slice by slice, at most a few times a second. */
  private readonly publish: SlicePublish = { everyMs: DEFAULT_SLICE_PUBLISH_MS, send: (c) => this.sliceRead(c) };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly SQL: SqlJsStatic, private readonly problems: Problems, private readonly events: EngineEvents) {}

  /** Answers one request; ingest requests run one at a time, queries answer from the index as it is. */
  handle(request: WorkerRequest): Promise<EngineReply> {
    switch (request.op) {
      case 'open': return this.serial(() => this.open(request.params));
      case 'sync': return this.serial(() => this.sync(request.files, request.imports ?? true, request.force ?? false));
      case 'rebuild': return this.serial(() => this.rebuild());
      case 'cancelRebuild':
        this.cancelled = true;
        return Promise.resolve({ result: null });
      case 'save': return this.serial(async () => ({ result: await this.opened().save() }));
      case 'close': return this.serial(() => this.close());
      case 'listRuns': return Promise.resolve({ result: this.opened().listRuns() });
      case 'getRun': return Promise.resolve({ result: this.opened().getRun(request.uid) ?? null });
      case 'listSeries': {
        const run = this.opened().getRun(request.uid);
        return Promise.resolve({ result: run ? this.opened().listSeries(run.id) : [] });
      }
      case 'getPoints': return Promise.resolve(this.points(request.uid, request.key, request.fromStep));
      // Copied, not moved: an answer may share its buffers with what the index keeps.
      case 'read': return Promise.resolve({ result: answerRead(this.opened(), request.name, request.args as never) });
      case 'persist': return this.serial(() => this.persist());
      case 'configure': return this.serial(() => this.configure(request.params));
    }
  }

  /** Changes heard by the host, with the alerts their new points meet. */
  private changed(changes: IngestChanges): void {
    if (!hasChanges(changes)) return;
    const alerts = evaluateAlerts(this.opened(), changes);
    this.events.changes(changes);
    if (alerts.length) this.events.alerts(alerts);
  }

  /** A slice of a long read was committed: the host hears of it now, and a rebuild's progress moves on. */
  private sliceRead(changes: IngestChanges): void {
    this.changed(changes);
    const r = this.rebuilding;
    if (r) this.events.progress({ ...r.last, points: indexedPoints(this.opened()), elapsedMs: r.last.elapsedMs + Date.now() - r.at });
  }

  /** The index moves from memory to its file in the folder; what the logs hold is read into it. */
  private async persist(): Promise<EngineReply> {
    const p = this.params;
    if (!p || p.persistent) return { result: null };
    const before = this.opened();
    const { store } = await openWorkspaceIndex(this.SQL, p.root, this.problems);
    this.store = store;
    this.params = { ...p, persistent: true };
    before.close();
    this.indexer = this.newIndexer();
    this.imports = this.newImports();
    const changes = mergeChanges(await this.indexer.sync(), this.imports ? await this.imports.sync(true) : emptyChanges());
    // Everything shown so far came from the other index: views and panels take it all again.
    for (const run of store.listRuns()) changes.reset.add(run.uid);
    this.changed(changes);
    return { result: null };
  }

  private async configure(c: ConfigureParams): Promise<EngineReply> {
    const p = this.params!;
    const { imports, ...rest } = c;
    this.params = { ...p, ...rest, imports: imports === null ? undefined : imports ?? p.imports };
    this.indexer = this.newIndexer();
    if (imports !== undefined) {
      this.imports = this.newImports();
      if (this.imports) this.changed(await this.imports.sync(true));
    }
    return { result: null };
  }

  private serial(job: () => Promise<EngineReply>): Promise<EngineReply> {
    const next = this.queue.then(job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private opened(): Store {
    if (!this.store) throw new Error('the index is not open');
    return this.store;
  }

  private async open(params: OpenParams): Promise<EngineReply> {
    if (this.store) throw new Error('the index is already open');
    const { store, uncleanShutdown } = params.persistent
      ? await openWorkspaceIndex(this.SQL, params.root, this.problems)
      : { store: (await Store.open(this.SQL)).store, uncleanShutdown: false };
    this.store = store;
    this.params = params;
    this.indexer = this.newIndexer();
    this.imports = this.newImports();
    // Counted, not listed: the host lists the runs next, and 10,000 of them are read once at start-up, not twice.
    return { result: { uncleanShutdown, runs: store.runCount() } };
  }

  private newIndexer(): Indexer {
    const p = this.params!;
    return new Indexer(this.opened(), p.root, p.logRoot, this.problems, { maxLineBytes: p.maxLineBytes, quietMs: p.quietMs, publish: this.publish });
  }

  private newImports(): ImportIndex | undefined {
    const p = this.params!;
    if (!p.imports) return undefined;
    const folders = p.imports.folders.map((f) => (f === '.' ? p.root : path.join(p.root, ...f.split('/'))));
    const finders = importFinders(this.SQL, { sources: new Set(p.imports.sources as ImportSource[]), searchWorkspace: p.imports.searchWorkspace, folders, report: (m) => this.problems.report(m) });
    return new ImportIndex(this.opened(), p.root, finders, this.problems, IMPORT_DISCOVERY_MS, this.publish);
  }

  private async sync(files: readonly string[] | undefined, imports: boolean, force: boolean): Promise<EngineReply> {
    this.opened();
    let changes = await this.indexer!.sync(files);
    if (!files && imports && this.imports) changes = mergeChanges(changes, await this.imports.sync(force));
    this.changed(changes);
    return { result: hasChanges(changes) };
  }

  /** Forgets the index and reads every log again, a batch of files at a time, with progress; cancellable between batches. */
  private async rebuild(): Promise<EngineReply> {
    const store = this.opened();
    const p = this.params!;
    this.cancelled = false;
    this.indexer = this.newIndexer();
    this.imports = this.newImports();
    const outcome = await rebuildInBatches(store, this.indexer, path.join(p.root, p.logRoot), {
      onProgress: (progress) => {
        this.rebuilding = { last: progress, at: Date.now() };
        this.events.progress(progress);
      },
      onBatch: (changes) => this.changed(changes),
      isCancelled: () => this.cancelled,
    }).finally(() => {
      this.rebuilding = undefined;
    });
    if (!outcome.cancelled && this.imports) {
      this.changed(await this.imports.sync(true));
    }
    this.cancelled = false;
    return { result: { files: outcome.files, totalFiles: outcome.totalFiles, runs: store.listRuns().length, points: indexedPoints(store), elapsedMs: outcome.elapsedMs, cancelled: outcome.cancelled } };
  }

  private points(uid: string, key: string, fromStep: number): EngineReply {
    const store = this.opened();
    const run = store.getRun(uid);
    const series = run ? store.listSeries(run.id).find((s) => s.key === key) : undefined;
    const p = series ? store.getPoints(series.id, fromStep) : { steps: [], values: [], times: [] };
    const columns: PointColumns = { steps: Float64Array.from(p.steps), values: Float64Array.from(p.values), times: Float64Array.from(p.times) };
    return { result: columns, transfer: [columns.steps.buffer as ArrayBuffer, columns.values.buffer as ArrayBuffer, columns.times.buffer as ArrayBuffer] };
  }

  private async close(): Promise<EngineReply> {
    const store = this.store;
    if (!store) return { result: null };
    if (this.params?.persistent) await store.save();
    store.close();
    this.store = undefined;
    return { result: null };
  }
}
