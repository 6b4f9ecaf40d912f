// The index worker inside VS Code's extension host (Electron's Node): runs indexed through the
// bundled worker thread, points back as Float64Array columns, and a killed worker replaced by a new
// one that reads on from the saved index, with the crash said in the log.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IndexWorkerClient } from '../../../src/core/worker/indexWorkerClient';
import { EXTENSION_ID } from './helpers';

function appendRun(root: string, id: string, from: number, to: number): void {
  const file = path.join(root, 'labbook', id, 'events.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = from === 0 ? [JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: id, project: 'worker', name: id, time: 1_700_000_000 })] : [];
  for (let s = from; s < to; s++) lines.push(JSON.stringify({ t: 'metrics', step: s, time: 1_700_000_000 + s, values: { loss: 1 / (s + 1) } }));
  fs.appendFileSync(file, lines.join('\n') + '\n');
}

describe('index worker in the extension host', function () {
  this.timeout(60_000);

  it('indexes runs through the worker thread, and a killed worker recovers without losing or doubling points', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const script = path.join(ext.extensionPath, 'dist', 'indexWorker.js');
    assert.ok(fs.existsSync(script), 'the packaged extension holds dist/indexWorker.js');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-worker-it-'));
    const problems: string[] = [];
    let restarted!: () => void;
    const back = new Promise<void>((r) => (restarted = r));
    const client = new IndexWorkerClient({
      script, wasmDir: path.dirname(script), params: { root, logRoot: 'labbook', persistent: true },
      onProblem: (m) => problems.push(m), onRestart: () => restarted(),
    });
    try {
      appendRun(root, 'a', 0, 100);
      appendRun(root, 'b', 0, 10);
      await client.start();
      assert.equal(await client.sync(), true);
      assert.deepEqual((await client.listRuns()).map((r) => r.uid).sort(), ['a', 'b']);
      const first = await client.getPoints('a', 'loss');
      assert.ok(first.steps instanceof Float64Array);
      assert.equal(first.steps.length, 100);
      await client.save();

      const thread = client.threadId;
      appendRun(root, 'a', 100, 150);
      await client.kill();
      await back;
      assert.notEqual(client.threadId, thread, 'a new worker thread');
      assert.ok(problems.some((m) => m.includes('index worker stopped unexpectedly')), problems.join('\n'));
      const after = await client.getPoints('a', 'loss');
      assert.deepEqual(Array.from(after.steps), Array.from({ length: 150 }, (_, i) => i));
      assert.equal((await client.getRun('b'))?.pointCount, 10);
    } finally {
      await client.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
