import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunWriter, trainingCurve } from '../support/runWriter';

/** The run every test workspace starts with (written before VS Code opens). */
export const SEED = { project: 'seeded', name: 'seed-run', runId: 'seed0001', steps: 30 } as const;

/** A fresh temp workspace with `labbook/` holding one finished run. */
export function createTestWorkspace(prefix = 'labbook-ws-'): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const w = new RunWriter(path.join(ws, 'labbook'), {
    project: SEED.project,
    name: SEED.name,
    runId: SEED.runId,
    params: { lr: 0.01, 'model.layers': 3, optimizer: 'adam' },
  });
  w.series(0, SEED.steps, (s) => trainingCurve(s));
  w.finish();
  return ws;
}
