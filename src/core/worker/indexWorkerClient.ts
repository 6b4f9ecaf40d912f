import { Worker } from 'worker_threads';
import type { RunRow, SeriesRow } from '../store/store';
import type { IngestChanges } from '../ingest/changes';
import { isPointColumns, parseWorkerMessage, type ConfigureParams, type OpenParams, type PointColumns, type ProgressMessage, type WorkerRequest } from './messages';
import { readsVia, type IndexReads, type ReadArgs, type ReadName, type ReadResult } from './indexReads';
import type { TriggeredAlert } from '../alerts';
import { fromChangesMessage } from './changesMessage';

/** Restarts allowed within RESTART_WINDOW_MS before the client gives up (a worker that dies at once, again and again). */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

export interface IndexWorkerOptions {
  /** Path of the bundled worker script (dist/indexWorker.js). */
  readonly script: string;
  /** Folder that holds sql-wasm.wasm. */
  readonly wasmDir: string;
  readonly params: OpenParams;
  readonly onChanges?: (changes: IngestChanges) => void;
  readonly onProgress?: (progress: ProgressMessage) => void;
  readonly onAlerts?: (alerts: TriggeredAlert[]) => void;
  /** Messages for the user's log (bad lines, unreadable files, worker crashes). */
  readonly onProblem: (message: string) => void;
  /** After a crash, once the new worker has reopened the index. */
  readonly onRestart?: () => void;
  /** What opening the index found (each time a worker opens it). */
  readonly onOpened?: (result: { uncleanShutdown: boolean; runs: number }) => void;
}

export interface RebuildResult { files: number; totalFiles: number; runs: number; points: number; elapsedMs: number; cancelled: boolean }

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; op: string };
type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The host's side of one folder's index worker: the same async operations, answered by a worker
 * thread. A worker that dies is reported, its pending requests fail, and a new one reopens the
 * saved index and reads what the logs gained since (the index holds its own read offsets).
 */
export class IndexWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closing = false;
  private restarts: number[] = [];
  private starting: Promise<void> | undefined;
  /** What a new worker opens: the options' params, as `persist` and `configure` changed them since. */
  private params: OpenParams;

  constructor(private readonly options: IndexWorkerOptions) {
    this.params = options.params;
  }

  /** Starts the worker and opens the index. */
  start(): Promise<void> {
    this.starting = this.spawn();
    return this.starting;
  }

  private async spawn(): Promise<void> {
    const worker = new Worker(this.options.script, { workerData: { wasmDir: this.options.wasmDir } });
    this.worker = worker;
    worker.on('message', (data: unknown) => this.receive(data));
    worker.on('error', (e) => this.options.onProblem(`index worker failed: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => this.exited(worker, code));
    const opened = (await this.send({ op: 'open', params: this.params }, worker)) as { uncleanShutdown: boolean; runs: number };
    this.options.onOpened?.(opened);
  }

  /** Whether a worker is running now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** The worker's thread id (changes when it restarts). */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const error = new Error(`the index worker stopped (exit code ${code})`);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    if (this.closing) return;
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.restarts.length >= MAX_RESTARTS) {
      this.options.onProblem(`The index worker stopped ${MAX_RESTARTS} times within a minute (last exit code ${code}); it is not restarted. Reload the window to try again.`);
      return;
    }
    this.restarts.push(now);
    this.options.onProblem(`The index worker stopped unexpectedly (exit code ${code}); it is restarted and reads the logs from where the saved index left off.`);
    this.starting = this.spawn().then(() => this.send({ op: 'sync' })).then(() => this.options.onRestart?.(), (e: Error) => this.options.onProblem(`restarting the index worker failed: ${e.message}`));
  }

  private receive(data: unknown): void {
    const message = parseWorkerMessage(data);
    if (!message) {
      this.options.onProblem('index worker: dropped a malformed message');
      return;
    }
    switch (message.kind) {
      case 'reply': {
        const p = this.pending.get(message.id);
        if (!p) return;
        this.pending.delete(message.id);
        if (message.ok) p.resolve(message.result);
        else p.reject(new Error(`${p.op}: ${message.error}`));
        return;
      }
      case 'changes': return this.options.onChanges?.(fromChangesMessage(message.changes));
      case 'problem': return this.options.onProblem(message.message);
      case 'progress': return this.options.onProgress?.(message.progress);
      case 'alerts': return this.options.onAlerts?.(message.alerts);
    }
  }

  private send(body: RequestBody, worker = this.worker): Promise<unknown> {
    if (!worker) return Promise.reject(new Error(`${body.op}: the index worker is not running`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, op: body.op });
      worker.postMessage({ ...body, id });
    });
  }

  /** Waits for a worker being (re)started, then sends. */
  private async request(body: RequestBody): Promise<unknown> {
    await this.starting?.catch(() => undefined);
    return this.send(body);
  }

  /** Reads what changed: everything (and other trackers' output), or just these absolute paths. True when the index changed. */
  async sync(files?: readonly string[], opts: { force?: boolean; imports?: boolean } = {}): Promise<boolean> {
    return (await this.request({ op: 'sync', files, force: opts.force, imports: opts.imports })) === true;
  }

  async rebuild(): Promise<RebuildResult> {
    return (await this.request({ op: 'rebuild' })) as RebuildResult;
  }

  async cancelRebuild(): Promise<void> {
    await this.request({ op: 'cancelRebuild' });
  }

  async listRuns(): Promise<RunRow[]> {
    return (await this.request({ op: 'listRuns' })) as RunRow[];
  }

  async getRun(uid: string): Promise<RunRow | undefined> {
    return ((await this.request({ op: 'getRun', uid })) as RunRow | null) ?? undefined;
  }

  async listSeries(uid: string): Promise<SeriesRow[]> {
    return (await this.request({ op: 'listSeries', uid })) as SeriesRow[];
  }

  /** A series' points from `fromStep` on, as three Float64Array columns moved from the worker without copying. */
  async getPoints(uid: string, key: string, fromStep = 0): Promise<PointColumns> {
    const result = await this.request({ op: 'getPoints', uid, key, fromStep });
    if (!isPointColumns(result)) throw new Error('getPoints: the worker sent something else than point columns');
    return result;
  }

  async save(): Promise<void> {
    await this.request({ op: 'save' });
  }

  /** Every read of the index, answered by the worker. */
  readonly reads: IndexReads = readsVia(<K extends ReadName>(name: K, args: ReadArgs<K>) => this.request({ op: 'read', name, args: args as unknown[] }) as Promise<ReadResult<K>>);

  /** The workspace became trusted: the worker moves the index to its file and reads the logs into it. */
  async persist(): Promise<void> {
    await this.request({ op: 'persist' });
    this.params = { ...this.params, persistent: true };
  }

  /** New settings: limits for lines read from now on, the log root, or which other trackers are read. */
  async configure(params: ConfigureParams): Promise<void> {
    await this.request({ op: 'configure', params });
    const { imports, ...rest } = params;
    this.params = { ...this.params, ...rest, imports: imports === null ? undefined : imports ?? this.params.imports };
  }

  /** Stops the worker at once, as a crash would: pending requests fail and a new worker takes over. */
  kill(): Promise<number> {
    return this.worker?.terminate() ?? Promise.resolve(0);
  }

  /** Saves, closes the index and stops the worker. */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.send({ op: 'close' }, worker);
    } finally {
      await worker.terminate();
    }
  }
}
