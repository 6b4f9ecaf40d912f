import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually, findRun, labbookApi, workspaceDir } from './helpers';

describe('a running run whose process is gone', function () {
  this.timeout(60_000);

  it('shows as running while its process lives on this machine, and as killed as soon as it is gone', async function () {
    const api = await labbookApi();
    // A stand-in for a training process: the run's header names this machine and its pid.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const folder = path.join(workspaceDir(), 'labbook', 'run-dead-process');
      fs.mkdirSync(folder, { recursive: true });
      const t = Date.now() / 1000;
      fs.writeFileSync(path.join(folder, 'events.jsonl'), [
        { t: 'header', format: 'labbook-run', version: 1, run_id: 'deadproc1', project: 'itest-dead', name: 'sync-loop', time: t, host: os.hostname(), pid: child.pid },
        { t: 'status', status: 'running', time: t },
        { t: 'metrics', step: 0, time: t, values: { loss: 1 } },
      ].map((r) => JSON.stringify(r) + '\n').join(''));
      await eventually(api, 'the run in the tree, running', () => findRun(api.snapshot(), 'itest-dead', 'deadproc1')?.status === 'running');
      child.kill('SIGINT');
      await exited;
      // Nothing more is written: the tree looks at running runs again every 10 s.
      await eventually(api, 'the run shown as killed', () => findRun(api.snapshot(), 'itest-dead', 'deadproc1')?.status === 'killed', 25_000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
