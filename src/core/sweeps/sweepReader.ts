import * as fs from 'fs';
import * as path from 'path';
import type { Problems } from '../problems';
import { EMPTY_TAIL, readNewLines, type TailState } from '../ingest/tailer';
import { isOutsideError, openInsideIfExists } from '../safePath';
import { parseDefinition, summarize, TrialLog, type SweepDefinition, type SweepSummary } from './sweepState';

/**
 * Reads the sweeps under `<log root>/_sweeps/` (docs/sweep-format.md): each folder's `sweep.json`
 * once (again when it changes), and its `trials.jsonl` incrementally from where the last read
 * stopped, like the run-log tailer (a torn last line waits for its writer; a line too long is
 * skipped). Only files really inside the workspace are read. Bad input is reported as `file:line`
 * and the rest still loads.
 */

/** Folder of sweeps under the log root. */
export const SWEEPS_FOLDER = '_sweeps';
/** Most sweeps read per workspace folder (the first, by name). */
export const MAX_SWEEPS = 500;
/** Largest `sweep.json` read. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;
/** Longest trial-log line read (a suggest record holds the params). */
export const MAX_TRIAL_LINE_BYTES = 1024 * 1024;

interface SweepFolderState {
  defKey: string;
  def: SweepDefinition | undefined;
  tail: TailState;
  log: TrialLog;
  /** The last error reported for the folder: said once, not on every read. */
  error: string;
}

export interface SweepReadOptions {
  /** Milliseconds since the epoch, now (tests). */
  readonly now?: number;
  /** How long a last line without newline waits for its writer (ms). */
  readonly quietMs?: number;
}

export class SweepReader {
  private readonly folders = new Map<string, SweepFolderState>();
  private warnedTooMany = false;

  /** `root`: the workspace folder; `logRoot`: the log root relative to it (posix). */
  constructor(private readonly root: string, private readonly logRoot: string, private readonly problems: Problems) {}

  /** The relative path of a sweep's folder (posix). */
  folderOf(id: string): string {
    return [...this.logRoot.split('/'), SWEEPS_FOLDER, id].join('/');
  }

  /** Reads what changed and returns every readable sweep's summary, sorted by creation then id. */
  async read(options: SweepReadOptions = {}): Promise<SweepSummary[]> {
    const nowMs = options.now ?? Date.now();
    const base = path.join(this.root, ...this.logRoot.split('/'), SWEEPS_FOLDER);
    let names: string[];
    try {
      // Links are not followed: a sweep folder is a real folder (Dirent of a link is not a directory).
      names = (await fs.promises.readdir(base, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    } catch {
      names = [];
    }
    if (names.length > MAX_SWEEPS) {
      if (!this.warnedTooMany) this.problems.report(`${this.folderOf('')}: ${names.length} sweeps; the first ${MAX_SWEEPS} are shown`);
      this.warnedTooMany = true;
      names = names.slice(0, MAX_SWEEPS);
    }
    for (const gone of [...this.folders.keys()]) if (!names.includes(gone)) this.folders.delete(gone);
    const out: SweepSummary[] = [];
    for (const name of names) {
      const state = this.folders.get(name) ?? { defKey: '', def: undefined, tail: EMPTY_TAIL, log: new TrialLog(), error: '' };
      this.folders.set(name, state);
      try {
        await this.readDefinition(name, state);
        if (!state.def) continue;
        await this.readTrials(name, state, nowMs, options.quietMs);
      } catch (e) {
        const message = `${this.folderOf(name)}: ${isOutsideError(e) ? e.message : `not read: ${(e as Error).message}`}`;
        if (message !== state.error) this.problems.report(message);
        state.error = message;
        continue;
      }
      state.error = '';
      out.push(summarize(state.def, state.log, this.folderOf(name), nowMs / 1000));
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  private async readDefinition(name: string, state: SweepFolderState): Promise<void> {
    const rel = `${this.folderOf(name)}/sweep.json`;
    const handle = await openInsideIfExists(this.root, rel);
    if (!handle) {
      state.def = undefined;
      state.defKey = '';
      return;
    }
    try {
      const stat = await handle.stat();
      const key = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      if (key === state.defKey) return;
      state.defKey = key;
      state.def = undefined;
      if (!stat.isFile()) return this.problems.report(`${rel}: not a file; the sweep is not shown`);
      if (stat.size > MAX_DEFINITION_BYTES) return this.problems.report(`${rel}: larger than ${MAX_DEFINITION_BYTES} bytes; the sweep is not shown`);
      const text = (await handle.readFile()).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        return this.problems.report(`${rel}:1: not valid JSON (${(e as Error).message}); the sweep is not shown`);
      }
      try {
        state.def = parseDefinition(value, name);
      } catch (e) {
        return this.problems.report(`${rel}: ${(e as Error).message}; the sweep is not shown`);
      }
    } finally {
      await handle.close();
    }
  }

  private async readTrials(name: string, state: SweepFolderState, nowMs: number, quietMs: number | undefined): Promise<void> {
    const rel = `${this.folderOf(name)}/trials.jsonl`;
    const file = path.join(this.root, ...rel.split('/'));
    for (let rounds = 0; rounds < 1000; rounds++) {
      const chunk = await readNewLines(file, state.tail, { root: this.root, maxLineBytes: MAX_TRIAL_LINE_BYTES, now: nowMs, quietMs }, isJson);
      if (!chunk) return;
      if (chunk.restarted) state.log = new TrialLog();
      for (const issue of chunk.issues) this.problems.report(`${rel}:${issue.line}: ${issue.message}`);
      chunk.lines.forEach((line, i) => {
        if (line.trim() === '') return;
        const where = `${rel}:${chunk.firstLine + i}`;
        let rec: unknown;
        try {
          rec = JSON.parse(line);
        } catch {
          this.problems.report(`${where}: not valid JSON; skipped`);
          return;
        }
        if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
          this.problems.report(`${where}: not a JSON object; skipped`);
          return;
        }
        const why = state.log.apply(rec as Record<string, unknown>);
        if (why) this.problems.report(`${where}: ${why}; skipped`);
      });
      state.tail = chunk.next;
      if (!chunk.more) return;
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
