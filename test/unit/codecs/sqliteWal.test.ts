import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import { applyWal, walChecksum } from '../../../src/core/codecs/sqliteWal';
import { loadSql } from '../support/helpers';

/**
 * `two-commits.db` + `-wal` were written by SQLite 3.40 (Python's sqlite3) with a 1 KiB page size,
 * copied while the connection was still open: the main file holds table `base` (checkpointed);
 * the WAL holds two transactions: frames 0–1 create `runs` and insert 'first' (commit, 3 pages),
 * frames 2–5 insert 'second' and a 3000-character name (commit, 5 pages).
 */
const dir = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'codecs', 'sqlite-wal');
const db = fs.readFileSync(path.join(dir, 'two-commits.db'));
const wal = fs.readFileSync(path.join(dir, 'two-commits.db-wal'));
const PAGE = 1024;
const FRAME = 24 + PAGE;

function names(SQL: SqlJsStatic, bytes: Uint8Array): string[] {
  const d = new SQL.Database(bytes);
  try {
    const tables = d.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")[0]?.values.map((r) => String(r[0])) ?? [];
    if (!tables.includes('runs')) return [];
    return d.exec('SELECT name FROM runs ORDER BY id')[0].values.map((r) => String(r[0]).slice(0, 10));
  } finally {
    d.close();
  }
}

/** Re-signs the frames of `w` from frame `from` on (after an edit), so that their checksum chain is valid again. */
function resign(w: Buffer, from: number): void {
  let [s0, s1] = walChecksum(w.subarray(0, 24), false);
  for (let i = 0; WAL_FRAME(i) + FRAME <= w.length; i++) {
    const off = WAL_FRAME(i);
    [s0, s1] = walChecksum(w.subarray(off, off + 8), false, s0, s1);
    [s0, s1] = walChecksum(w.subarray(off + 24, off + FRAME), false, s0, s1);
    if (i >= from) {
      w.writeUInt32BE(s0, off + 16);
      w.writeUInt32BE(s1, off + 20);
    }
  }
}
const WAL_FRAME = (i: number) => 32 + i * FRAME;

describe('sqlite WAL codec', () => {
  let SQL: SqlJsStatic;
  before(async () => {
    SQL = await loadSql();
  });

  it('without the WAL the newest tables and rows are missing; with it they are present', () => {
    assert.deepStrictEqual(names(SQL, db), []);
    const r = applyWal(db, wal);
    assert.strictEqual(r.framesApplied, 6);
    assert.strictEqual(r.commits, 2);
    assert.strictEqual(r.uncommittedFrames, 0);
    assert.strictEqual(r.bytes.length, 5 * PAGE);
    assert.deepStrictEqual(names(SQL, r.bytes), ['first', 'second', 'xxxxxxxxxx']);
    assert.deepStrictEqual([...db.subarray(0, 100)], [...fs.readFileSync(path.join(dir, 'two-commits.db')).subarray(0, 100)], 'the input is not changed');
  });

  it('leaves out a transaction whose commit frame is missing (cut short)', () => {
    const r = applyWal(db, wal.subarray(0, WAL_FRAME(5)));
    assert.strictEqual(r.framesApplied, 2);
    assert.strictEqual(r.uncommittedFrames, 3);
    assert.deepStrictEqual(names(SQL, r.bytes), ['first']);
  });

  it('stops at a frame whose checksum does not match (a torn page)', () => {
    const torn = Buffer.from(wal);
    torn[WAL_FRAME(3) + 24 + 100] ^= 0xff;
    const r = applyWal(db, torn);
    assert.strictEqual(r.framesApplied, 2);
    assert.deepStrictEqual(names(SQL, r.bytes), ['first']);
  });

  it('stops at a frame with other salts (left over from before a checkpoint restarted the log)', () => {
    const stale = Buffer.from(wal);
    stale.writeUInt32BE((stale.readUInt32BE(WAL_FRAME(2) + 8) ^ 1) >>> 0, WAL_FRAME(2) + 8);
    resign(stale, 2);
    const r = applyWal(db, stale);
    assert.strictEqual(r.framesApplied, 2);
    assert.deepStrictEqual(names(SQL, r.bytes), ['first']);
  });

  it('accepts frames re-signed with the right checksums (the checksum is computed as SQLite does)', () => {
    const resigned = Buffer.from(wal);
    resign(resigned, 0);
    assert.deepStrictEqual(resigned, wal);
  });

  it('ignores a WAL with a bad header, saying why, and opens the main file alone', () => {
    const bad = Buffer.from(wal);
    bad[0] = 0;
    assert.match(applyWal(db, bad).ignoredBecause!, /magic/);
    const badSum = Buffer.from(wal);
    badSum[27] ^= 1;
    assert.match(applyWal(db, badSum).ignoredBecause!, /checksum/);
    assert.match(applyWal(db, wal.subarray(0, 10)).ignoredBecause!, /header/);
    const r = applyWal(db, Buffer.alloc(0));
    assert.strictEqual(r.ignoredBecause, undefined);
    assert.strictEqual(r.framesApplied, 0);
    assert.deepStrictEqual(names(SQL, r.bytes), []);
  });

  it('builds the whole database from the WAL when the main file is empty', () => {
    const onlyWal = applyWal(new Uint8Array(0), wal);
    assert.strictEqual(onlyWal.bytes.length, 5 * PAGE);
  });
});
