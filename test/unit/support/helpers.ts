import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { Indexer } from '../../../src/core/ingest/indexer';
import { ProblemList } from '../../../src/core/problems';
import { Store } from '../../../src/core/store/store';

let sql: Promise<SqlJsStatic> | undefined;
/** Real sql.js, loaded once per test process. */
export function loadSql(): Promise<SqlJsStatic> {
  sql ??= initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
  return sql;
}

export function tempDir(prefix = 'labbook-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes JSONL lines (objects or raw strings) to a run's events file, creating folders. */
export function appendEvents(file: string, records: Array<object | string>, opts: { newline?: boolean } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + (opts.newline === false ? '' : '\n');
  fs.appendFileSync(file, text);
}

export function header(runId: string, extra: Record<string, unknown> = {}): object {
  return { t: 'header', format: 'labbook-run', version: 1, run_id: runId, project: 'proj', name: runId, time: 1_700_000_000, ...extra };
}

export interface Workspace {
  readonly root: string;
  readonly logRoot: string;
  readonly store: Store;
  readonly indexer: Indexer;
  readonly problems: ProblemList;
  eventsFile(folder: string): string;
}

/** A workspace in a temp folder with an in-memory (or file-backed) index over `labbook/`. */
export async function workspace(opts: { root?: string; indexFile?: string } = {}): Promise<Workspace> {
  const root = opts.root ?? tempDir();
  const problems = new ProblemList();
  const { store } = await Store.open(await loadSql(), opts.indexFile);
  const indexer = new Indexer(store, root, 'labbook', problems);
  return { root, logRoot: path.join(root, 'labbook'), store, indexer, problems, eventsFile: (folder) => path.join(root, 'labbook', folder, 'events.jsonl') };
}

/** Real output of other trackers (see test/fixtures/trackers/SOURCES.md). Tests run from the repo root. */
export function trackerFixtures(...parts: string[]): string {
  return path.resolve(process.cwd(), 'test', 'fixtures', 'trackers', ...parts);
}
