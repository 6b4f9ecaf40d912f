import * as fs from 'fs';
import * as path from 'path';
import { Indexer, type IngestOptions } from '../../../src/core/ingest/indexer';
import { ProblemList } from '../../../src/core/problems';
import { Store } from '../../../src/core/store/store';
import { loadSql, tempDir, type Workspace } from '../../unit/support/helpers';

/** A workspace over `labbook/` whose indexer gets `options` (line limit, clock, chunk size). */
export async function ingestWorkspace(options: IngestOptions = {}): Promise<Workspace> {
  const root = tempDir('labbook-hostile-');
  const problems = new ProblemList();
  const { store } = await Store.open(await loadSql());
  const indexer = new Indexer(store, root, 'labbook', problems, options);
  return { root, logRoot: path.join(root, 'labbook'), store, indexer, problems, eventsFile: (folder) => path.join(root, 'labbook', folder, 'events.jsonl') };
}

/** Writes raw bytes or text to a file (creating its folder), replacing what was there. */
export function writeRaw(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

/** Appends raw bytes or text. */
export function appendRaw(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, data);
}

/** JSON lines, each ended by `\n`. */
export function jsonl(...records: Array<object | string>): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}

/** `{"a":{"a":…1…}}` nested `depth` levels deep, as text (JSON.stringify cannot write it). */
export function deepObjectText(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** `[[[…]]]` nested `depth` levels deep, as text. */
export function deepArrayText(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A metrics line whose one value is a string `bytes` long: a line longer than any sane limit. */
export function longLine(bytes: number): string {
  return `{"t":"note","text":"${'x'.repeat(bytes)}"}`;
}

/** Replaces `file` atomically (temp file + rename), as editors and sync tools do. */
export function replaceAtomically(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Milliseconds since the epoch of the file's last change. */
export function mtimeOf(file: string): number {
  return fs.statSync(file).mtimeMs;
}

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
}

/** Points of one metric of a run. */
export function pointsOf(ws: Workspace, uid: string, key: string): { steps: number[]; values: number[] } {
  const run = ws.store.getRun(uid);
  if (!run) throw new Error(`no run ${uid}`);
  const s = ws.store.listSeries(run.id).find((x) => x.key === key);
  if (!s) return { steps: [], values: [] };
  const p = ws.store.getPoints(s.id);
  return { steps: p.steps, values: p.values };
}

export const HEADER = { t: 'header', format: 'labbook-run', version: 1, run_id: 'r1', project: 'proj', name: 'first', time: 1_700_000_000 };
