// A big run log that lands in the workspace shows its run in the Experiments tree while it is still
// being read (with part of its points), then with all of them: the index hands each slice over.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabbookApi } from '../../../src/api';
import { eventually, findRun, labbookApi, sleep, workspaceDir } from './helpers';

/** About 30 MB of one-key metrics lines: several of the tailer's chunks. */
const STEPS = 400_000;

describe('first index of a big run log', function () {
  this.timeout(120_000);
  let api: LabbookApi;

  before(async function () {
    api = await labbookApi();
  });

  it('shows the run in the tree with part of its points before the whole log is read', async function () {
    const folder = path.join(workspaceDir(), 'labbook', 'itest-big-log');
    fs.mkdirSync(folder, { recursive: true });
    // Written beside, then moved in whole: the index meets a big log all at once, as at a first index.
    const staging = path.join(folder, 'events.staging');
    const fd = fs.openSync(staging, 'w');
    fs.writeSync(fd, `${JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: 'itest-big-log', project: 'itest-big', name: 'big-log', time: 1_700_000_000 })}\n`);
    for (let from = 0; from < STEPS; from += 20_000) {
      const lines: string[] = [];
      for (let s = from; s < from + 20_000; s++) lines.push(`{"t":"metrics","step":${s},"time":${1_700_000_000 + s},"values":{"loss":${(1 / (s + 1)).toFixed(6)}}}`);
      fs.writeSync(fd, lines.join('\n') + '\n');
    }
    fs.writeSync(fd, `${JSON.stringify({ t: 'status', status: 'finished', time: 1_700_400_000 })}\n`);
    fs.closeSync(fd);
    fs.renameSync(staging, path.join(folder, 'events.jsonl'));

    // Looked at often, without waiting for the index to be idle (that is the whole log read).
    const deadline = Date.now() + 60_000;
    let first: number | undefined;
    while (first === undefined && Date.now() < deadline) {
      first = findRun(api.snapshot(), 'itest-big', 'itest-big-log')?.pointCount;
      if (first === undefined) await sleep(20);
    }
    assert.ok(first !== undefined, 'the run showed in the tree');
    assert.ok(first > 0 && first < STEPS, `it showed with part of its points first (${first} of ${STEPS})`);
    await eventually(api, 'every point indexed', () => findRun(api.snapshot(), 'itest-big', 'itest-big-log')?.pointCount === STEPS, 60_000);
    fs.rmSync(folder, { recursive: true, force: true });
    await eventually(api, 'the run gone again', () => !findRun(api.snapshot(), 'itest-big', 'itest-big-log'));
  });
});
