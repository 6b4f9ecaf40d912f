// Entry of the index worker thread (bundled as dist/indexWorker.js): one workspace folder's tailer,
// importers, index and queries, off the extension host's main thread. It speaks the messages of
// src/core/worker/messages.ts; workerData.wasmDir is the folder that holds sql-wasm.wasm.
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';
import initSqlJs from 'sql.js';
import { IndexEngine } from '../core/worker/indexEngine';
import { toChangesMessage } from '../core/worker/changesMessage';
import { parseRequest, type WorkerMessage } from '../core/worker/messages';

const port = parentPort;
if (!port) throw new Error('the index worker runs in a worker thread');
const wasmDir = typeof workerData?.wasmDir === 'string' ? workerData.wasmDir : __dirname;

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const ready = initSqlJs({ locateFile: (file: string) => path.join(wasmDir, file) }).then((SQL) => new IndexEngine(SQL, {
  report: (message) => post({ kind: 'problem', message }),
}, {
  changes: (changes) => post({ kind: 'changes', changes: toChangesMessage(changes) }),
  progress: (progress) => post({ kind: 'progress', progress }),
  alerts: (alerts) => post({ kind: 'alerts', alerts }),
}));

port.on('message', (data: unknown) => {
  const parsed = parseRequest(data);
  if ('error' in parsed) {
    if (parsed.id !== undefined) post({ kind: 'reply', id: parsed.id, ok: false, error: `bad request: ${parsed.error}` });
    else post({ kind: 'problem', message: `index worker: dropped a bad request (${parsed.error})` });
    return;
  }
  const { request } = parsed;
  ready.then((engine) => engine.handle(request)).then(
    ({ result, transfer }) => post({ kind: 'reply', id: request.id, ok: true, result }, transfer),
    (e: Error) => post({ kind: 'reply', id: request.id, ok: false, error: e?.message ?? String(e) }),
  );
});
