// The index file under attack: bit flips, giant and sparse files, links out of the workspace,
// read-only folders, other processes' temp files. The index is a cache of the run logs: whatever
// is done to it, Labbook opens, shows the logs' data (never wrong data) and rebuilds.
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import { Indexer } from '../../src/core/ingest/indexer';
import { ProblemList } from '../../src/core/problems';
import { readChecksums, removeStaleTempFiles, writeChecksums, writeFileAtomic } from '../../src/core/store/persistence';
import { openWorkspaceIndex } from '../../src/core/store/openIndex';
import { Store } from '../../src/core/store/store';
import { indexSizeStatus } from '../../src/core/store/indexLimits';
import { loadSql, tempDir } from '../unit/support/helpers';
import { flipBit, prng, snapshotStore, sparseFile, writeRealRuns } from './support/indexFiles';
import { buildSync } from 'esbuild';

async function openAndSync(root: string, indexFile: string, SQL?: SqlJsStatic): Promise<{ store: Store; problem?: string }> {
  const { store, problem } = await Store.open(SQL ?? (await loadSql()), indexFile);
  await new Indexer(store, root, 'labbook', new ProblemList()).sync();
  return { store, problem };
}

/** A workspace with real runs and a saved index at `.labbook/index.sqlite`; returns what a fresh rebuild shows. */
async function savedWorkspace(runs = 4, steps = 150): Promise<{ root: string; indexFile: string; expected: unknown }> {
  const root = tempDir('labbook-hostile-store-');
  writeRealRuns(root, runs, steps);
  const indexFile = path.join(root, '.labbook', 'index.sqlite');
  const { store } = await openAndSync(root, indexFile);
  const expected = snapshotStore(store);
  await store.save();
  store.close();
  return { root, indexFile, expected };
}

const corruptCopies = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith('index.sqlite.corrupt-'));

describe('hostile: the index file', () => {
  it('never accepts a saved index with a flipped bit as current: every flip is detected and rebuilt, or harmless', async function () {
    this.timeout(180_000);
    const { root, indexFile, expected } = await savedWorkspace();
    const good = fs.readFileSync(indexFile);
    const sidecars = fs.readdirSync(path.dirname(indexFile)).filter((n) => n.startsWith('index.sqlite.') && !n.endsWith('.tmp') && fs.statSync(path.join(root, '.labbook', n)).isFile());
    const saved = new Map(sidecars.map((n) => [n, fs.readFileSync(path.join(root, '.labbook', n))]));
    // The series files (points) beside the index, as saved.
    const seriesCopy = tempDir('labbook-series-copy-');
    fs.cpSync(`${indexFile}.series`, seriesCopy, { recursive: true });
    const random = prng(9_0007);
    const flips = 60;
    const wrong: string[] = [];
    let detected = 0;
    for (let i = 0; i < flips; i++) {
      const offset = Math.floor(random() * good.length);
      const bit = Math.floor(random() * 8);
      // Each flip starts from the same saved state: the flipped index beside its own sidecar files.
      for (const n of fs.readdirSync(path.dirname(indexFile))) if (n.startsWith('index.sqlite')) fs.rmSync(path.join(root, '.labbook', n), { recursive: true });
      for (const [n, bytes] of saved) fs.writeFileSync(path.join(root, '.labbook', n), bytes);
      fs.cpSync(seriesCopy, `${indexFile}.series`, { recursive: true });
      fs.writeFileSync(indexFile, flipBit(good, offset, bit));
      let store: Store | undefined;
      try {
        const opened = await openAndSync(root, indexFile);
        store = opened.store;
        if (opened.problem) detected++;
        const actual = snapshotStore(store);
        try {
          assert.deepStrictEqual(actual, expected);
        } catch {
          wrong.push(`byte ${offset} bit ${bit}`);
        }
      } catch (e) {
        wrong.push(`byte ${offset} bit ${bit}: open failed: ${(e as Error).message}`);
      } finally {
        store?.close();
      }
    }
    assert.deepStrictEqual(wrong, [], `${wrong.length} of ${flips} flips were accepted with wrong data`);
    assert.ok(detected > flips / 2, `most flips touch live bytes and must be noticed (noticed ${detected} of ${flips})`);
  });

  for (const withChecksum of [true, false]) {
    it(`opens an index file over 2 GiB without failing (${withChecksum ? 'with' : 'without'} a checksum file): it is set aside and rebuilt from the logs`, async function () {
      this.timeout(60_000);
      const { root, indexFile, expected } = await savedWorkspace(2, 20);
      sparseFile(indexFile, 2 ** 31 + 4096);
      if (!withChecksum) fs.rmSync(`${indexFile}.sum`, { force: true });
      const started = Date.now();
      const { store, problem } = await openAndSync(root, indexFile);
      assert.match(problem ?? '', /index\.sqlite/);
      assert.deepStrictEqual(snapshotStore(store), expected);
      assert.ok(Date.now() - started < 20_000, 'the giant file is not read whole');
      await store.save();
      store.close();
      assert.ok(fs.statSync(indexFile).size < 10_000_000, 'the rebuilt index replaced it');
      const { store: again, problem: second } = await Store.open(await loadSql(), indexFile);
      assert.strictEqual(second, undefined, 'the rebuilt index opens cleanly');
      again.close();
    });
  }

  it('refuses an index larger than sql.js can hold even when its checksum file agrees, without reading it', async function () {
    this.timeout(60_000);
    const { root, indexFile, expected } = await savedWorkspace(1, 10);
    const size = 3.5e9;
    sparseFile(indexFile, size);
    for (const n of fs.readdirSync(path.dirname(indexFile))) {
      if (n.endsWith('.sum')) fs.writeFileSync(path.join(root, '.labbook', n), fs.readFileSync(path.join(root, '.labbook', n), 'utf8').replace(/size \d+/g, `size ${size}`));
    }
    const started = Date.now();
    const { store, problem } = await openAndSync(root, indexFile);
    assert.match(problem ?? '', /too large|larger/);
    assert.deepStrictEqual(snapshotStore(store), expected);
    assert.ok(Date.now() - started < 10_000, `not read (took ${Date.now() - started} ms)`);
    store.close();
  });

  it('opens cleanly whichever file a crash between the checksum write and the index write left', async () => {
    const { root, indexFile } = await savedWorkspace(1, 20);
    const sumFile = `${indexFile}.sum`;
    const first = { index: fs.readFileSync(indexFile), sums: (await readChecksums(indexFile))! };
    fs.appendFileSync(path.join(root, 'labbook', 'run-0', 'events.jsonl'), `${JSON.stringify({ t: 'metrics', step: 999, values: { extra: 1 } })}\n`);
    const { store } = await openAndSync(root, indexFile);
    const expected = snapshotStore(store);
    await store.save();
    store.close();
    const second = { index: fs.readFileSync(indexFile), sums: (await readChecksums(indexFile))! };
    for (const index of [first.index, second.index]) {
      // The state between "checksums of both versions written" and "new index renamed into place", on either side of the rename.
      await writeChecksums(indexFile, [...first.sums, ...second.sums]);
      fs.writeFileSync(indexFile, index);
      const { store: reopened, problem } = await openAndSync(root, indexFile);
      assert.strictEqual(problem, undefined);
      assert.deepStrictEqual(snapshotStore(reopened), expected);
      reopened.close();
    }
    assert.ok(fs.existsSync(sumFile));
    assert.deepStrictEqual(corruptCopies(path.dirname(indexFile)), []);
  });

  it('tells an unclean shutdown from a clean close, and its deferred check finds a sound index sound', async () => {
    const { indexFile } = await savedWorkspace(1, 20);
    const SQL = await loadSql();
    const first = await Store.open(SQL, indexFile);
    assert.strictEqual(first.uncleanShutdown, false, 'the last session closed the index');
    // This "session" ends without close(), as when the extension host is killed.
    const second = await Store.open(SQL, indexFile);
    assert.strictEqual(second.uncleanShutdown, true);
    assert.strictEqual(second.store.quickCheck(), undefined);
    second.store.close();
    first.store.close();
    const third = await Store.open(SQL, indexFile);
    assert.strictEqual(third.uncleanShutdown, false);
    third.store.close();
  });

  it('does not take another open window for an unclean shutdown', async () => {
    const { indexFile } = await savedWorkspace(1, 5);
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(`${indexFile}.open`, `${other.pid}\n`);
      const { store, uncleanShutdown } = await Store.open(await loadSql(), indexFile);
      assert.strictEqual(uncleanShutdown, false);
      store.close();
    } finally {
      other.kill();
    }
    await new Promise((r) => other.once('exit', r));
    fs.writeFileSync(`${indexFile}.open`, `${other.pid}\n`);
    const { store, uncleanShutdown } = await Store.open(await loadSql(), indexFile);
    assert.strictEqual(uncleanShutdown, true, 'a mark left by a process that is gone');
    store.close();
  });

  it('keeps at most two damaged copies aside, however often the index is damaged', async () => {
    const { root, indexFile } = await savedWorkspace(1, 5);
    for (let i = 0; i < 4; i++) {
      fs.writeFileSync(indexFile, `this is not a database ${i} `.repeat(40));
      const { store, problem } = await openAndSync(root, indexFile);
      assert.match(problem ?? '', /moved to index\.sqlite\.corrupt-/);
      await store.save();
      store.close();
      await new Promise((r) => setTimeout(r, 5));
    }
    const copies = corruptCopies(path.dirname(indexFile));
    assert.ok(copies.length >= 1 && copies.length <= 2, `damaged copies kept: ${copies.join(', ')}`);
  });

  it('does not run the integrity check when opening an index whose checksum matches', async () => {
    const { root, indexFile, expected } = await savedWorkspace(2, 50);
    const SQL = await loadSql();
    const statements: string[] = [];
    class Spy extends SQL.Database {
      override exec(sql: string, params?: Parameters<SqlJsStatic['Database']['prototype']['exec']>[1]) {
        statements.push(sql);
        return super.exec(sql, params);
      }
    }
    const { store, problem } = await openAndSync(root, indexFile, { ...SQL, Database: Spy } as SqlJsStatic);
    assert.strictEqual(problem, undefined);
    assert.deepStrictEqual(snapshotStore(store), expected);
    assert.ok(!statements.some((s) => /quick_check|integrity_check/i.test(s)), 'no integrity check at open');
    store.close();
  });

  it('does not delete another process\'s in-flight temp file when opening; removes only stale ones', async () => {
    const { root, indexFile } = await savedWorkspace(1, 5);
    const dir = path.dirname(indexFile);
    const inFlight = path.join(dir, `.index.sqlite.${process.pid + 1}.${Date.now()}.tmp`);
    const stale = path.join(dir, `.index.sqlite.${process.pid + 2}.${Date.now() - 3_600_000}.tmp`);
    fs.writeFileSync(inFlight, 'being written by another window');
    fs.writeFileSync(stale, 'left by a crash an hour ago');
    const hourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(stale, hourAgo, hourAgo);
    const { store } = await Store.open(await loadSql(), indexFile);
    store.close();
    await removeStaleTempFiles(indexFile);
    assert.ok(fs.existsSync(inFlight), 'the in-flight temp file is still there');
    assert.ok(!fs.existsSync(stale), 'the stale temp file is gone');
    assert.ok(fs.readdirSync(root).length > 0);
  });

  it('lets two saves of the same file in the same millisecond both succeed (unique temp names)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'index.sqlite');
    const payloads = Array.from({ length: 8 }, (_, i) => Buffer.alloc(200_000 + i, i));
    const results = await Promise.allSettled(payloads.map((p) => writeFileAtomic(file, p)));
    assert.deepStrictEqual(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), []);
    assert.ok(payloads.some((p) => p.equals(fs.readFileSync(file))), 'the file holds one whole payload');
    assert.deepStrictEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
  });

  it('neither reads nor writes through an index file that is a link to a file outside the workspace', async () => {
    const outside = await savedWorkspace(3, 10);
    const outsideBytes = fs.readFileSync(outside.indexFile);
    const root = tempDir('labbook-hostile-store-');
    writeRealRuns(root, 1, 5);
    fs.mkdirSync(path.join(root, '.labbook'));
    const indexFile = path.join(root, '.labbook', 'index.sqlite');
    fs.symlinkSync(outside.indexFile, indexFile);
    const { store } = await Store.open(await loadSql(), indexFile);
    assert.deepStrictEqual(store.listRuns(), [], 'nothing of the linked file was loaded');
    await new Indexer(store, root, 'labbook', new ProblemList()).sync();
    assert.strictEqual(store.listRuns().length, 1);
    await store.save();
    store.close();
    assert.ok(fs.readFileSync(outside.indexFile).equals(outsideBytes), 'the file outside is unchanged');
  });
});

describe('hostile: where the index lives (read-only folders, links)', () => {
  it('opens a folder where .labbook cannot be created: an in-memory index, one message, runs shown', async () => {
    const root = tempDir('labbook-hostile-store-');
    writeRealRuns(root, 2, 5);
    fs.writeFileSync(path.join(root, '.labbook'), 'a file where the index folder would go');
    const problems = new ProblemList();
    const { store, persistent } = await openWorkspaceIndex(await loadSql(), root, problems);
    assert.strictEqual(persistent, false);
    assert.strictEqual(store.file, undefined);
    assert.strictEqual(problems.messages.length, 1, problems.messages.join('\n'));
    assert.match(problems.messages[0], /\.labbook/);
    await new Indexer(store, root, 'labbook', problems).sync();
    assert.strictEqual(store.listRuns().length, 2);
    await store.save();
    assert.strictEqual(fs.readFileSync(path.join(root, '.labbook'), 'utf8'), 'a file where the index folder would go');
  });

  it('opens a read-only workspace folder (as an unprivileged user): in-memory index, runs shown', async function () {
    this.timeout(60_000);
    const root = tempDir('labbook-hostile-store-');
    writeRealRuns(root, 2, 5);
    const worker = path.join(__dirname, 'support', 'openIndexWorker.js');
    let result;
    if (process.getuid?.() === 0) {
      // Root writes anywhere: open the folder as "nobody", for whom it is read-only. "nobody" may not
      // be able to reach the checkout (a private temp folder), so the child runs bundled from a
      // world-readable folder, with sql.js's wasm beside it.
      fs.chmodSync(root, 0o755);
      const runner = tempDir('labbook-hostile-runner-');
      fs.chmodSync(runner, 0o755);
      buildSync({ entryPoints: [worker], bundle: true, platform: 'node', outfile: path.join(runner, 'worker.js'), logLevel: 'silent' });
      fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(runner, 'sql-wasm.wasm'));
      for (const f of fs.readdirSync(runner)) fs.chmodSync(path.join(runner, f), 0o644);
      result = spawnSync(process.execPath, [path.join(runner, 'worker.js'), root, runner], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: runner });
    } else {
      fs.chmodSync(root, 0o555);
      result = spawnSync(process.execPath, [worker, root], { encoding: 'utf8', cwd: process.cwd() });
      fs.chmodSync(root, 0o755);
    }
    assert.strictEqual(result.status, 0, `worker failed: ${result.stderr}`);
    const out = JSON.parse(result.stdout) as { persistent: boolean; runs: number; messages: string[] };
    assert.deepStrictEqual({ persistent: out.persistent, runs: out.runs, messages: out.messages.length }, { persistent: false, runs: 2, messages: 1 }, out.messages.join('\n'));
    assert.match(out.messages[0], /read-only|cannot|could not/i);
    assert.ok(!fs.existsSync(path.join(root, '.labbook')));
  });

  it('never writes into a .labbook folder that is a link to somewhere outside the workspace', async () => {
    const root = tempDir('labbook-hostile-store-');
    const elsewhere = tempDir('labbook-elsewhere-');
    writeRealRuns(root, 1, 5);
    fs.symlinkSync(elsewhere, path.join(root, '.labbook'));
    const problems = new ProblemList();
    const { store, persistent } = await openWorkspaceIndex(await loadSql(), root, problems);
    await new Indexer(store, root, 'labbook', problems).sync();
    assert.strictEqual(store.listRuns().length, 1, 'runs are still shown');
    await store.save();
    store.close();
    assert.strictEqual(persistent, false);
    assert.deepStrictEqual(fs.readdirSync(elsewhere), [], 'nothing was written outside');
    assert.match(problems.messages.join('\n'), /link/);
  });

  it('never writes into a .labbook folder inside the workspace that is a link, even one that stays inside', async () => {
    const root = tempDir('labbook-hostile-store-');
    writeRealRuns(root, 1, 5);
    fs.mkdirSync(path.join(root, 'other'));
    fs.symlinkSync(path.join(root, 'other'), path.join(root, '.labbook'));
    const { store, persistent } = await openWorkspaceIndex(await loadSql(), root, new ProblemList());
    await store.save();
    store.close();
    assert.strictEqual(persistent, false);
    assert.deepStrictEqual(fs.readdirSync(path.join(root, 'other')), []);
  });

  it('does not follow a .gitignore link in .labbook to create or change a file outside', async () => {
    const root = tempDir('labbook-hostile-store-');
    const elsewhere = tempDir('labbook-elsewhere-');
    writeRealRuns(root, 1, 5);
    fs.mkdirSync(path.join(root, '.labbook'));
    const target = path.join(elsewhere, 'bashrc');
    fs.symlinkSync(target, path.join(root, '.labbook', '.gitignore'));
    const problems = new ProblemList();
    const { store } = await openWorkspaceIndex(await loadSql(), root, problems);
    await new Indexer(store, root, 'labbook', problems).sync();
    await store.save();
    store.close();
    assert.ok(!fs.existsSync(target), 'no file was created through the link');
    assert.deepStrictEqual(fs.readdirSync(elsewhere), []);
  });

  it('saves again after .labbook was deleted while the workspace was open', async () => {
    const root = tempDir('labbook-hostile-store-');
    writeRealRuns(root, 1, 5);
    const problems = new ProblemList();
    const { store } = await openWorkspaceIndex(await loadSql(), root, problems);
    await new Indexer(store, root, 'labbook', problems).sync();
    fs.rmSync(path.join(root, '.labbook'), { recursive: true });
    await store.save();
    store.close();
    const { store: again, problem } = await Store.open(await loadSql(), path.join(root, '.labbook', 'index.sqlite'));
    assert.strictEqual(problem, undefined);
    // The series files went with the folder: the run is read again from its log, points and all.
    await new Indexer(again, root, 'labbook', problems).sync();
    assert.strictEqual(again.listRuns().length, 1);
    assert.strictEqual(again.listRuns()[0].pointCount, 5 * again.listSeries(again.listRuns()[0].id).length);
    again.close();
  });

  it('refuses to save when .labbook is replaced by a link after opening', async () => {
    const root = tempDir('labbook-hostile-store-');
    const elsewhere = tempDir('labbook-elsewhere-');
    writeRealRuns(root, 1, 5);
    const problems = new ProblemList();
    const { store } = await openWorkspaceIndex(await loadSql(), root, problems);
    await new Indexer(store, root, 'labbook', problems).sync();
    fs.rmSync(path.join(root, '.labbook'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(root, '.labbook'));
    await assert.rejects(store.save(), /link/);
    store.close();
    assert.deepStrictEqual(fs.readdirSync(elsewhere), []);
  });
});

describe('hostile: index size guard', () => {
  it('warns well before sql.js\'s limit and stops growth before it, naming what to do', () => {
    assert.strictEqual(indexSizeStatus(200e6).level, 'ok');
    const warn = indexSizeStatus(1.6e9);
    assert.strictEqual(warn.level, 'warn');
    assert.match(warn.message ?? '', /1\.6 GB/);
    const stop = indexSizeStatus(2.6e9);
    assert.strictEqual(stop.level, 'stop');
    assert.match(stop.message ?? '', /Rebuild Index|labbook\.logRoot|labbook\.import/);
  });

  it('measures the index size from its pages without exporting it', async () => {
    const { store } = await openAndSync(tempDir(), path.join(tempDir(), 'i.sqlite'));
    const before = store.sizeBytes();
    const root = tempDir();
    writeRealRuns(root, 200, 2);
    await new Indexer(store, root, 'labbook', new ProblemList()).sync();
    assert.ok(store.sizeBytes() > before, `${store.sizeBytes()} > ${before}`);
    store.close();
  });
});
