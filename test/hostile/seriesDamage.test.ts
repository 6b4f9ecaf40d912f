// Hostile disks: series files (points and min/max pyramid beside the index) damaged while Labbook was
// closed. A read must notice, say which file, show nothing rather than wrong points, and the run must
// come back from its logs exactly as a fresh rebuild gives it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import { Indexer } from '../../src/core/ingest/indexer';
import { ProblemList } from '../../src/core/problems';
import { levelFile, pointsFile } from '../../src/core/series/seriesFiles';
import { openWorkspaceIndex } from '../../src/core/store/openIndex';
import { Store } from '../../src/core/store/store';
import { appendEvents, header, loadSql, tempDir } from '../unit/support/helpers';

const STEPS = 5000;
const loss = (run: number, step: number) => 1 / (step + 1 + run);

/** Three runs of three metrics, 5,000 steps each: enough points for three pyramid levels. */
function writeRuns(root: string): void {
  for (let r = 0; r < 3; r++) {
    const lines: object[] = [header(`run-${r}`, { project: 'p' })];
    for (let s = 0; s < STEPS; s++) lines.push({ t: 'metrics', step: s, time: 1_700_000_000 + s, values: { 'train/loss': loss(r, s), acc: ((s * (r + 1)) % 97) / 97, lr: s % 1000 === 999 ? 'NaN' : 0.1 * 0.999 ** s } });
    appendEvents(path.join(root, 'labbook', `run-${r}`, 'events.jsonl'), lines);
  }
}

const arr = (xs: Float64Array) => [...xs];

/** What charts draw of every series: whole-series views at three widths (raw, level 1, level 2), a zoom, and all points. */
function views(store: Store): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const run of store.listRuns()) {
    for (const s of store.listSeries(run.id)) {
      const view = (x0: number, x1: number, w: number) => {
        const r = store.getRange(s.id, x0, x1, w);
        return { steps: arr(r.steps), values: arr(r.values), times: arr(r.times) };
      };
      const pts = store.getPoints(s.id);
      out.set(`${run.uid} ${s.key}`, {
        raw: view(-Infinity, Infinity, 3000), level1: view(-Infinity, Infinity, 200), level2: view(-Infinity, Infinity, 10), zoom: view(1000, 3000, 150),
        points: { steps: pts.steps, values: pts.values, times: pts.times },
      });
    }
  }
  return out;
}

const isEmpty = (v: unknown): boolean => JSON.stringify(v, (_k, x: unknown) => (Array.isArray(x) ? (x.length ? 'non-empty' : []) : x)).includes('non-empty') === false;

/** The Float64 (little-endian) bytes of `x`. */
const f64 = (x: number) => Buffer.from(new Float64Array([x]).buffer);

/** Flips a high exponent bit of the one stored copy of `value` in `file` (so the value changes by a factor of 2^256). */
function flipValue(file: string, value: number): void {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(f64(value));
  assert.ok(at >= 0, `${path.basename(file)} holds ${value}`);
  bytes[at + 7] ^= 1 << 4;
  fs.writeFileSync(file, bytes);
}

interface Damage {
  readonly label: string;
  /** Damages the files of series `id` (run-1's train/loss) in `dir`; `other` is run-2's train/loss. Returns the damaged file's name. */
  apply(dir: string, id: number, other: number): string;
}

const DAMAGES: Damage[] = [
  {
    label: 'a flipped bit in a stored point',
    apply(dir, id) {
      flipValue(path.join(dir, pointsFile(id, 0)), loss(1, 2500));
      return pointsFile(id, 0);
    },
  },
  {
    label: 'a flipped bit in the first pyramid level (a bucket\'s maximum)',
    apply(dir, id) {
      // Level-1 blocks hold 16 points; loss falls, so a block's maximum is its first point.
      flipValue(path.join(dir, levelFile(id, 0, 1)), loss(1, 2496));
      return levelFile(id, 0, 1);
    },
  },
  {
    label: 'a flipped bit in the second pyramid level',
    apply(dir, id) {
      flipValue(path.join(dir, levelFile(id, 0, 2)), loss(1, 2304));
      return levelFile(id, 0, 2);
    },
  },
  {
    label: 'a torn write: the last points\' sectors hold older bytes from elsewhere in the file',
    apply(dir, id) {
      const file = path.join(dir, pointsFile(id, 0));
      const bytes = fs.readFileSync(file);
      bytes.copy(bytes, bytes.length - 1536, bytes.length - 4096, bytes.length - 2560);
      fs.writeFileSync(file, bytes);
      return pointsFile(id, 0);
    },
  },
  {
    label: 'a truncated tail',
    apply(dir, id) {
      const file = path.join(dir, pointsFile(id, 0));
      fs.truncateSync(file, Math.floor(fs.statSync(file).size * 0.6));
      return pointsFile(id, 0);
    },
  },
  {
    label: 'a zero-filled tail (same size)',
    apply(dir, id) {
      const file = path.join(dir, levelFile(id, 0, 1));
      const bytes = fs.readFileSync(file);
      bytes.fill(0, Math.floor(bytes.length * 0.7));
      fs.writeFileSync(file, bytes);
      return levelFile(id, 0, 1);
    },
  },
  {
    label: 'a file of another series copied over it',
    apply(dir, id, other) {
      fs.copyFileSync(path.join(dir, pointsFile(other, 0)), path.join(dir, pointsFile(id, 0)));
      return pointsFile(id, 0);
    },
  },
];

async function freshViews(SQL: SqlJsStatic, root: string): Promise<Map<string, unknown>> {
  const { store } = await Store.open(SQL);
  await new Indexer(store, root, 'labbook', new ProblemList()).sync();
  const v = views(store);
  store.close();
  return v;
}

describe('hostile: damaged series files', function () {
  this.timeout(120_000);
  let SQL: SqlJsStatic;
  before(async () => {
    SQL = await loadSql();
  });

  it('never reads series files of the first format (no checksums): their runs are read again from the logs, without a word', async () => {
    const root = tempDir('labbook-hostile-format-');
    writeRuns(root);
    const truth = await freshViews(SQL, root);
    let { store } = await openWorkspaceIndex(SQL, root, new ProblemList());
    await new Indexer(store, root, 'labbook', new ProblemList()).sync();
    await store.save();
    // What the first format kept: the raw Float64 points as `<id>-<gen>.pts`, each level as `.l<k>`, no header, no checksums.
    const dir = path.join(root, '.labbook', 'index.sqlite.series');
    for (const run of store.listRuns()) {
      for (const s of store.listSeries(run.id)) {
        const p = store.getPoints(s.id);
        const raw = new Float64Array(p.steps.flatMap((x, i) => [x, p.values[i], p.times[i]]));
        fs.writeFileSync(path.join(dir, `${s.id}-0.pts`), raw);
        fs.writeFileSync(path.join(dir, `${s.id}-0.l1`), raw.subarray(0, 5 * Math.floor(raw.length / 48)));
      }
    }
    store.close();
    for (const name of fs.readdirSync(dir)) if (!/\.(pts|l\d)$/.test(name)) fs.rmSync(path.join(dir, name));
    const problems = new ProblemList();
    ({ store } = await openWorkspaceIndex(SQL, root, problems));
    try {
      await new Indexer(store, root, 'labbook', problems).sync();
      assert.ok(fs.readdirSync(dir).every((n) => !/\.(pts|l\d)$/.test(n)), 'the first format\'s files are gone');
      assert.deepStrictEqual(views(store), truth);
      assert.deepStrictEqual(problems.messages, []);
    } finally {
      store.close();
    }
  });

  for (const damage of DAMAGES) {
    it(`${damage.label}: the read names the file and draws nothing wrong; the run comes back equal to a fresh rebuild`, async () => {
      const root = tempDir('labbook-hostile-damage-');
      writeRuns(root);
      const truth = await freshViews(SQL, root);
      let problems = new ProblemList();
      let { store } = await openWorkspaceIndex(SQL, root, problems);
      await new Indexer(store, root, 'labbook', problems).sync();
      await store.save();
      const seriesOf = (run: string) => store.listSeries(store.getRun(run)!.id).find((s) => s.key === 'train/loss')!.id;
      const [id, other] = [seriesOf('run-1'), seriesOf('run-2')];
      store.close();

      const name = damage.apply(path.join(root, '.labbook', 'index.sqlite.series'), id, other);
      problems = new ProblemList();
      ({ store } = await openWorkspaceIndex(SQL, root, problems));
      try {
        const seen = views(store);
        for (const [key, want] of truth) {
          for (const [view, got] of Object.entries(seen.get(key) as Record<string, unknown>)) {
            const label = `${key} ${view}: the first reads after the damage show its true points or none, never others`;
            if (!isEmpty(got)) assert.deepStrictEqual(got, (want as Record<string, unknown>)[view], label);
          }
        }
        assert.ok(isEmpty((seen.get('run-1 train/loss') as Record<string, unknown>).zoom), 'once found, the damaged series shows nothing until it is read again');
        const said = problems.messages.filter((m) => m.includes(name));
        assert.strictEqual(said.length, 1, `one message naming ${name}: ${JSON.stringify(problems.messages)}`);
        assert.match(said[0], /damaged/);
        assert.match(said[0], /run-1/);

        const changes = await new Indexer(store, root, 'labbook', problems).sync();
        assert.ok(changes.reset.has('run-1'), 'open panels of the run read it again');
        assert.deepStrictEqual(views(store), truth, 'every read equals a fresh rebuild');
        await store.save();
      } finally {
        store.close();
      }
      // And the repaired files are whole for the next session.
      ({ store } = await openWorkspaceIndex(SQL, root, problems));
      assert.deepStrictEqual(views(store), truth, 'after reopening');
      store.close();
      assert.strictEqual(problems.messages.filter((m) => m.includes('damaged')).length, 1, 'reported once');
    });
  }
});
