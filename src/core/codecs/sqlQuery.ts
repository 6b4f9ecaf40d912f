import type { Database, SqlValue } from 'sql.js';

/** Every row `sql` gives, each as its column values. */
export function query(db: Database, sql: string): SqlValue[][] {
  const stmt = db.prepare(sql);
  const rows: SqlValue[][] = [];
  try {
    while (stmt.step()) rows.push(stmt.get());
  } finally {
    stmt.free();
  }
  return rows;
}
