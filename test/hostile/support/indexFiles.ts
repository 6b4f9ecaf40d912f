// Builders for hostile index files: real saved indexes over real run logs, bit flips, sparse giants.
import * as fs from 'fs';
import * as path from 'path';
import type { Store } from '../../../src/core/store/store';
import { appendEvents, header } from '../../unit/support/helpers';
import { prng } from '../../unit/support/prng';
export { prng };

/** Writes a few realistic runs (params, tags, notes, statuses, several metrics) under `root/labbook/`. */
export function writeRealRuns(root: string, runs = 4, steps = 150): void {
  for (let r = 0; r < runs; r++) {
    const id = `run-${r}`;
    const lines: object[] = [
      header(id, { project: r % 2 ? 'mnist' : 'cifar', name: `trial ${r}`, description: `try number ${r}`, tags: ['base'] }),
      { t: 'params', values: { lr: 0.1 / (r + 1), layers: r + 2, opt: r % 2 ? 'adam' : 'sgd', nested: { a: r, b: [1, 2, r] } } },
      { t: 'env', values: { python: '3.12', host: `gpu-${r}` } },
    ];
    for (let s = 0; s < steps; s++) {
      lines.push({ t: 'metrics', step: s, time: 1_700_000_000 + s, values: { 'train/loss': 1 / (s + 1 + r), acc: (s * (r + 1)) % 97 / 97, lr: 0.1 * 0.99 ** s } });
    }
    lines.push({ t: 'tags', tags: [`t${r}`] }, { t: 'note', text: `note for ${r}` }, { t: 'status', status: r === 0 ? 'failed' : 'finished', time: 1_700_009_999, message: r === 0 ? 'boom' : undefined });
    appendEvents(path.join(root, 'labbook', id, 'events.jsonl'), lines);
  }
}

/** Everything a user can see of the index, without row ids, in a stable order. */
export function snapshotStore(store: Store): unknown {
  return store.listRuns().map((run) => {
    const { id, ...fields } = run;
    return {
      ...fields,
      params: store.getParams(id),
      tags: store.getTags(id),
      env: store.getEnv(id),
      alerts: store.getAlertStates(id),
      artifacts: store.getArtifacts(id),
      series: store.listSeries(id).map((s) => ({ key: s.key, count: s.count, lastStep: s.lastStep, points: store.getPoints(s.id) })),
    };
  });
}

/** Flips bit `bit` (0..7) of byte `offset` in a copy of `bytes`. */
export function flipBit(bytes: Uint8Array, offset: number, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[offset] ^= 1 << bit;
  return copy;
}

/** A sparse file of `bytes` bytes (no disk blocks used). */
export function sparseFile(file: string, bytes: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, bytes);
  } finally {
    fs.closeSync(fd);
  }
}
