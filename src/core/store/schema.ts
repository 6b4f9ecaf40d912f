import type { Database } from 'sql.js';

/**
 * Schema migrations, applied in order. Each entry moves the schema from version i to i + 1.
 * Never edit a released migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE experiments (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'running',
    status_message TEXT,
    start_time REAL,
    end_time REAL,
    last_activity REAL,
    note TEXT NOT NULL DEFAULT '',
    folder TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'labbook',
    format_version INTEGER
  );
  CREATE INDEX runs_experiment ON runs(experiment_id);
  CREATE TABLE params (run_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key)) WITHOUT ROWID;
  CREATE TABLE tags (run_id INTEGER NOT NULL, tag TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (run_id, tag)) WITHOUT ROWID;
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    last_step INTEGER,
    UNIQUE (run_id, key)
  );
  -- value NULL means NaN (SQLite stores NaN as NULL); +-Infinity are stored as REAL.
  CREATE TABLE points (series_id INTEGER NOT NULL, step INTEGER NOT NULL, value REAL, time REAL, PRIMARY KEY (series_id, step)) WITHOUT ROWID;
  CREATE TABLE files (
    path TEXT PRIMARY KEY,
    run_id INTEGER,
    offset INTEGER NOT NULL DEFAULT 0,
    line INTEGER NOT NULL DEFAULT 0,
    head TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    mtime REAL NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  `,
  // 2: what the SDKs record besides metrics, and runs deleted in another tracker.
  `
  CREATE TABLE artifacts (run_id INTEGER NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL, size INTEGER, sha256 TEXT, time REAL, PRIMARY KEY (run_id, path)) WITHOUT ROWID;
  CREATE TABLE datasets (
    run_id INTEGER NOT NULL, name TEXT NOT NULL, context TEXT NOT NULL DEFAULT '', path TEXT, uri TEXT, size INTEGER, sha256 TEXT,
    description TEXT, time REAL, PRIMARY KEY (run_id, name, context)
  ) WITHOUT ROWID;
  CREATE TABLE run_env (run_id INTEGER PRIMARY KEY, json TEXT NOT NULL);
  CREATE TABLE alerts (
    run_id INTEGER NOT NULL, condition TEXT NOT NULL, message TEXT NOT NULL, level TEXT NOT NULL,
    triggered_step INTEGER, triggered_value REAL, triggered_time REAL, PRIMARY KEY (run_id, condition)
  ) WITHOUT ROWID;
  ALTER TABLE runs ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
  -- One row per unit read from another tracker (a TensorBoard run folder, an MLflow store…):
  -- the fingerprint of its files when it was read and the run uids it gave.
  CREATE TABLE import_units (unit TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, uids TEXT NOT NULL) WITHOUT ROWID;
  -- What users changed in the UI, read from the edits files (see core/edits.ts); keyed by run uid so
  -- that it survives a run being read again.
  CREATE TABLE run_edits (uid TEXT PRIMARY KEY, file TEXT NOT NULL, name TEXT, note TEXT, tags TEXT, archived INTEGER) WITHOUT ROWID;
  `,
  // 3: images logged per step carry their step and a caption (rows read before stay without; a rebuild fills them).
  `
  ALTER TABLE artifacts ADD COLUMN step INTEGER;
  ALTER TABLE artifacts ADD COLUMN caption TEXT;
  `,
  // 4: each metric's last value (at its last step), kept by the store as points arrive, so that a query
  // compares it in one lookup (see src/core/query). Value NULL means NaN, as in points.
  `
  CREATE TABLE metric_last (run_id INTEGER NOT NULL, key TEXT NOT NULL, value REAL, PRIMARY KEY (run_id, key)) WITHOUT ROWID;
  INSERT INTO metric_last(run_id, key, value)
    SELECT s.run_id, s.key, p.value FROM series s LEFT JOIN points p ON p.series_id = s.id AND p.step = s.last_step WHERE s.last_step IS NOT NULL;
  `,
  // 5: where a run's process is (header `host` and `pid`): a running run whose process on this
  // machine is gone is shown as killed at once (core/status.ts).
  `
  ALTER TABLE runs ADD COLUMN host TEXT;
  ALTER TABLE runs ADD COLUMN pid INTEGER;
  `,
  // 6: edits that move a run to another experiment, star it, or end it as killed (stopped from the UI).
  `
  ALTER TABLE run_edits ADD COLUMN experiment TEXT;
  ALTER TABLE run_edits ADD COLUMN starred INTEGER;
  ALTER TABLE run_edits ADD COLUMN end_status TEXT;
  ALTER TABLE run_edits ADD COLUMN end_message TEXT;
  `,
  // 7: points move out of the database into series files beside it (core/series); the store moves the
  // rows of an older index there when it opens it, then drops legacy_points. Each series keeps its
  // summary (first step, last value, lowest and highest value; NULL means none or NaN) and the
  // generation of its files.
  `
  ALTER TABLE series ADD COLUMN first_step INTEGER;
  ALTER TABLE series ADD COLUMN last_value REAL;
  ALTER TABLE series ADD COLUMN min_value REAL;
  ALTER TABLE series ADD COLUMN max_value REAL;
  ALTER TABLE series ADD COLUMN min_step INTEGER;
  ALTER TABLE series ADD COLUMN max_step INTEGER;
  ALTER TABLE series ADD COLUMN file_gen INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE points RENAME TO legacy_points;
  `,
  // 8: the points of a run are summed from this index alone (one lookup per run, not one per series
  // row): listing 10,000 runs for the tree at start-up.
  `
  CREATE INDEX series_run_count ON series(run_id, count);
  `,
  // 9: indexes for the run query language (core/query/compile.ts): a condition on a metric's last value,
  // a param or a tag reads the index range of that key instead of looking the key up in every run.
  // Each index holds the primary key too, so the lookups never touch the table.
  `
  CREATE INDEX metric_last_key_value ON metric_last(key, value);
  CREATE INDEX params_key_value ON params(key, value);
  CREATE INDEX tags_tag ON tags(tag);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaTooNewError extends Error {
  constructor(readonly found: number) {
    super(`index schema version ${found} is newer than this Labbook understands (${SCHEMA_VERSION})`);
  }
}

/** Brings `db` to the current schema. Returns the version it found. */
export function migrate(db: Database): number {
  const version = (db.exec('PRAGMA user_version')[0]?.values[0]?.[0] as number | undefined) ?? 0;
  if (version > SCHEMA_VERSION) throw new SchemaTooNewError(version);
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[v]);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
  return version;
}
