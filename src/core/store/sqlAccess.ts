/**
 * The index's sql.js database and how the store talks to it: cached statements, row helpers,
 * transactions (all synchronous, so a save never meets an open one) and the dirty flag.
 */
import type { Database, SqlValue, Statement } from 'sql.js';

export class SqlAccess {
  protected readonly statements = new Map<string, Statement>();
  protected inTransaction = false;
  protected dirty = false;

  protected constructor(protected readonly db: Database) {}

  get isDirty(): boolean {
    return this.dirty;
  }

  /** Runs `fn` in one transaction. `fn` must be synchronous: no transaction ever spans an `await`. */
  transaction<T>(fn: () => T): T {
    if (this.inTransaction) return fn();
    this.db.exec('BEGIN');
    this.inTransaction = true;
    try {
      const result = fn();
      this.db.exec('COMMIT');
      this.dirty = true;
      return result;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    } finally {
      this.inTransaction = false;
    }
  }

  /**
   * Runs `fn` inside the open transaction so that, if it throws, only its own writes are undone
   * (and the error is rethrown): one bad record never takes the rest of a chunk with it.
   */
  undoable<T>(fn: () => T): T {
    this.db.exec('SAVEPOINT record');
    try {
      const result = fn();
      this.db.exec('RELEASE record');
      return result;
    } catch (e) {
      this.db.exec('ROLLBACK TO record');
      this.db.exec('RELEASE record');
      throw e;
    }
  }

  protected stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  protected run(sql: string, params: SqlValue[]): void {
    const s = this.stmt(sql);
    s.bind(params);
    s.step();
    s.reset();
  }

  /** Rows as objects keyed by column name (what `getAsObject` gives, with the names read once, not once per row). */
  protected all(sql: string, params: SqlValue[] = []): Array<Record<string, SqlValue>> {
    const s = this.stmt(sql);
    s.bind(params);
    const rows: Array<Record<string, SqlValue>> = [];
    let names: string[] | undefined;
    while (s.step()) {
      const values = s.get();
      names ??= s.getColumnNames();
      const row: Record<string, SqlValue> = {};
      for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
      rows.push(row);
    }
    s.reset();
    return rows;
  }

  protected one(sql: string, params: SqlValue[] = []): Record<string, SqlValue> | undefined {
    return this.all(sql, params)[0];
  }
}
