/**
 * One folder's index as the extension host drives it: in the index worker (off the host's main
 * thread) or, when no worker can start, in this thread. Both run the same IndexEngine and answer the
 * same IndexReads; what ingest changed (and the alerts it met) is gathered as it arrives and handed
 * over with the answer of the request that caused it, or drained earlier: a long read of a big log
 * sends its changes slice by slice, and `onArrival` hears each.
 */
import type { SqlJsStatic } from 'sql.js';
import { emptyChanges, mergeChanges, type IngestChanges } from '../ingest/changes';
import type { TriggeredAlert } from '../alerts';
import type { Problems } from '../problems';
import { IndexEngine } from './indexEngine';
import { IndexWorkerClient, type RebuildResult } from './indexWorkerClient';
import { readsVia, type IndexReads } from './indexReads';
import type { ConfigureParams, OpenParams, ProgressMessage, WorkerRequest } from './messages';

/** What ingest changed since the last request, and the alerts it met. */
export interface Drained {
  readonly changes: IngestChanges;
  readonly alerts: TriggeredAlert[];
}

export interface RebuildCalls {
  readonly onProgress?: (p: ProgressMessage) => void;
  readonly isCancelled?: () => boolean;
}

export interface IndexConnection {
  readonly reads: IndexReads;
  /** True when a worker thread holds the index. */
  readonly inWorker: boolean;
  /** Whether the index was left open by a crash last time (its integrity check is due). */
  readonly uncleanShutdown: boolean;
  sync(files: readonly string[] | undefined, opts: { imports: boolean; force: boolean }): Promise<Drained>;
  rebuild(calls: RebuildCalls): Promise<Drained & { cancelled: boolean }>;
  persist(): Promise<Drained>;
  configure(params: ConfigureParams): Promise<Drained>;
  /** What arrived and was not handed over yet (after a worker restarted, or while a long request goes on). */
  drain(): Drained;
  /** Called whenever changes arrive, also in the middle of a request (a big log read slice by slice). */
  onArrival(listener: (() => void) | undefined): void;
  save(): Promise<void>;
  close(): Promise<void>;
}

type Body = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Gathers changes and alerts until they are drained. */
class Gathered {
  private changes = emptyChanges();
  private alerts: TriggeredAlert[] = [];
  progress: ((p: ProgressMessage) => void) | undefined;
  arrived: (() => void) | undefined;

  addChanges(c: IngestChanges): void {
    this.changes = mergeChanges(this.changes, c);
    this.arrived?.();
  }

  addAlerts(a: TriggeredAlert[]): void {
    this.alerts.push(...a);
  }

  drain(): Drained {
    const out = { changes: this.changes, alerts: this.alerts };
    this.changes = emptyChanges();
    this.alerts = [];
    return out;
  }
}

/** Sends rebuild's cancel as soon as a progress report finds `isCancelled` true (once). */
async function rebuildWith(g: Gathered, calls: RebuildCalls, run: () => Promise<RebuildResult>, cancel: () => Promise<void>): Promise<Drained & { cancelled: boolean }> {
  let asked = false;
  g.progress = (p) => {
    calls.onProgress?.(p);
    if (!asked && calls.isCancelled?.()) {
      asked = true;
      void cancel().catch(() => undefined);
    }
  };
  try {
    const result = await run();
    return { ...g.drain(), cancelled: result.cancelled };
  } finally {
    g.progress = undefined;
  }
}

/** The index in this thread (the engine called directly). */
export async function openInProcess(SQL: SqlJsStatic, params: OpenParams, problems: Problems): Promise<IndexConnection> {
  const g = new Gathered();
  const engine = new IndexEngine(SQL, problems, {
    changes: (c) => g.addChanges(c),
    progress: (p) => g.progress?.(p),
    alerts: (a) => g.addAlerts(a),
  });
  const call = async (body: Body): Promise<unknown> => (await engine.handle({ ...body, id: 0 } as WorkerRequest)).result;
  const opened = (await call({ op: 'open', params })) as { uncleanShutdown: boolean };
  return {
    reads: readsVia((name, args) => call({ op: 'read', name, args: args as unknown[] }) as never),
    inWorker: false,
    uncleanShutdown: opened.uncleanShutdown,
    sync: async (files, o) => {
      await call({ op: 'sync', files, imports: o.imports, force: o.force });
      return g.drain();
    },
    rebuild: (calls) => rebuildWith(g, calls, () => call({ op: 'rebuild' }) as Promise<RebuildResult>, async () => void (await call({ op: 'cancelRebuild' }))),
    persist: async () => {
      await call({ op: 'persist' });
      return g.drain();
    },
    configure: async (p) => {
      await call({ op: 'configure', params: p });
      return g.drain();
    },
    drain: () => g.drain(),
    onArrival: (listener) => {
      g.arrived = listener;
    },
    save: async () => void (await call({ op: 'save' })),
    close: async () => void (await call({ op: 'close' })),
  };
}

export interface WorkerStart {
  /** The bundled worker script (dist/indexWorker.js). */
  readonly script: string;
  /** The folder of sql-wasm.wasm. */
  readonly wasmDir: string;
  /** After a crash, once a new worker has reopened the index (its first sync is gathered). */
  readonly onRestart: () => void;
}

/** The index in a worker thread; rejects when the worker cannot start or open the index. */
export async function openInWorker(start: WorkerStart, params: OpenParams, problems: Problems): Promise<IndexConnection> {
  const g = new Gathered();
  let unclean = false;
  const client = new IndexWorkerClient({
    script: start.script, wasmDir: start.wasmDir, params,
    onChanges: (c) => g.addChanges(c),
    onProgress: (p) => g.progress?.(p),
    onAlerts: (a) => g.addAlerts(a),
    onProblem: (m) => problems.report(m),
    onRestart: start.onRestart,
    onOpened: (r) => {
      unclean = r.uncleanShutdown;
    },
  });
  try {
    await client.start();
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }
  return {
    reads: client.reads,
    inWorker: true,
    uncleanShutdown: unclean,
    sync: async (files, o) => {
      await client.sync(files, { force: o.force, imports: o.imports });
      return g.drain();
    },
    rebuild: (calls) => rebuildWith(g, calls, () => client.rebuild(), () => client.cancelRebuild()),
    persist: async () => {
      await client.persist();
      return g.drain();
    },
    configure: async (p) => {
      await client.configure(p);
      return g.drain();
    },
    drain: () => g.drain(),
    onArrival: (listener) => {
      g.arrived = listener;
    },
    save: () => client.save(),
    close: () => client.close(),
  };
}
