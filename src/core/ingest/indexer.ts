import * as fs from 'fs';
import * as path from 'path';
import { isCompleteJson } from '../format/records';
import type { Problems } from '../problems';
import type { Store } from '../store/store';
import { findEventFiles } from './discover';
import { TRASH_DIR } from '../organise/trash';
import { EDITS_FILE, IMPORTED_EDITS_DIR, parseEdits } from '../edits';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_QUIET_MS, EMPTY_TAIL, readNewLines, sameFile, type TailState } from './tailer';
import { RecordApplier, type FileContext } from './applyRecords';
import type { IngestChanges } from './changes';
import { ChangeSlices, type SlicePublish } from './changeSlices';
import { containedRealPath, isOutsideError, openForReadInside } from '../safePath';

export { emptyChanges, hasChanges, mergeChanges, type IngestChanges } from './changes';

/** Files stat'ed at once by a poll. */
const STAT_BATCH = 64;

interface KnownFile { readonly size: number; readonly mtime: number; readonly head: string }

export interface IngestOptions {
  /** Longest line read (setting `labbook.maxLineBytes`); longer lines are skipped with a message. */
  readonly maxLineBytes?: number;
  /** A last line without its newline is read once its file has been unchanged this long. */
  readonly quietMs?: number;
  /** The clock, in milliseconds since the epoch (tests move it by hand). */
  readonly now?: () => number;
  /** Bytes read at once (tests make it small to cross chunk boundaries). */
  readonly chunkBytes?: number;
  /** Hears the changes of a long sync slice by slice, while it goes on (the sync's result holds the rest). */
  readonly publish?: SlicePublish;
}

/**
 * Keeps the index in step with the run logs under a log root: reads only what was appended
 * since the last time (offsets are stored in the index itself, in the same transaction as the data
 * they describe, so a crash can never make a line count twice or be lost).
 */
export class Indexer {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly applier: RecordApplier;
  /** Files (and the log root) refused because they lead outside the workspace: reported once until that changes. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly store: Store,
    /** Absolute workspace folder; file paths in the index are relative to it. */
    private readonly root: string,
    /** Log root relative to `root`. */
    private readonly logRoot: string,
    private readonly problems: Problems,
    private readonly options: IngestOptions = {},
  ) {
    this.applier = new RecordApplier(store, problems);
  }

  /** Reads what changed: every event file under the log root (or just `files`, absolute paths). Calls never overlap. */
  sync(files?: readonly string[]): Promise<IngestChanges> {
    const next = this.queue.then(() => this.syncNow(files));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Forgets the whole index and reads every log again. */
  rebuild(): Promise<IngestChanges> {
    const next = this.queue.then(async () => {
      this.store.clear();
      return this.syncNow(undefined);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async syncNow(files: readonly string[] | undefined): Promise<IngestChanges> {
    const out = new ChangeSlices(this.options.publish);
    const changes = out.changes;
    // Runs whose series files were found damaged since the last sync are read again from their start.
    const repaired = this.store.repairDamagedSeries(this.problems);
    for (const uid of repaired.uids) changes.reset.add(uid);
    // Runs whose series files went missing since the index was saved are read again (checked once, here rather than at open).
    if (this.store.checkSeriesFiles() && files) files = undefined;
    let targets: string[];
    if (files) {
      // A file in the trash is not a run's (core/organise/trash.ts), even when a watcher reports it.
      const trash = `${this.logRoot}/${TRASH_DIR}/`;
      targets = files.map((f) => this.relative(f)).filter((f): f is string => f !== undefined && !f.startsWith(trash));
      targets.push(...repaired.files.filter((f) => !targets.includes(f)));
    } else {
      const known = this.knownFiles();
      const found = (await this.logRootInside()) ? (await findEventFiles(path.join(this.root, this.logRoot))).map((f) => this.relative(f)!) : [];
      targets = await this.changedOnly([...new Set([...found, ...known.keys()])], known);
    }
    for (const rel of targets) {
      try {
        await this.syncFile(rel, out);
      } catch (e) {
        this.problems.report(`${rel}: could not be read: ${(e as Error).message}`);
      }
      out.committed(false);
    }
    return out.rest();
  }

  /** What the index knows of every file, in one query (a poll of thousands of runs must not ask once per file). */
  private knownFiles(): Map<string, KnownFile> {
    const known = new Map<string, KnownFile>();
    for (const [p, size, mtime, head] of this.store.selectRows('SELECT path, size, mtime, head FROM files', [])) {
      known.set(p as string, { size: size as number, mtime: mtime as number, head: head as string });
    }
    return known;
  }

  /**
   * Drops the files that look as they did when last read (same size, time and identity: the test
   * syncFile makes), stat'ing them a batch at a time instead of one after another. Files that cannot
   * be stat'ed stay, for syncFile to handle.
   */
  private async changedOnly(targets: readonly string[], known: ReadonlyMap<string, KnownFile>): Promise<string[]> {
    const keep = new Array<boolean>(targets.length).fill(true);
    for (let i = 0; i < targets.length; i += STAT_BATCH) {
      await Promise.all(targets.slice(i, i + STAT_BATCH).map(async (rel, j) => {
        const row = known.get(rel);
        if (!row) return;
        const stat = await fs.promises.stat(path.join(this.root, rel)).catch(() => undefined);
        if (stat && row.size === stat.size && row.mtime === stat.mtimeMs && (this.isEditsFile(rel) || sameFile(row.head, stat))) keep[i + j] = false;
      }));
    }
    return targets.filter((_, i) => keep[i]);
  }

  /** Whether the log root is really inside the workspace (a log root linked elsewhere is not read). */
  private async logRootInside(): Promise<boolean> {
    try {
      await containedRealPath(this.root, path.join(this.root, this.logRoot));
      this.refused.delete(this.logRoot);
      return true;
    } catch (e) {
      if (isOutsideError(e)) this.refuse(this.logRoot, e);
      return false; // missing: nothing to read yet
    }
  }

  /** Reports once that `rel` leads outside the workspace. */
  private refuse(rel: string, e: Error): void {
    if (this.refused.has(rel)) return;
    this.refused.add(rel);
    this.problems.report(e.message);
  }

  private relative(abs: string): string | undefined {
    const rel = path.relative(this.root, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  private isEditsFile(rel: string): boolean {
    return path.posix.basename(rel) === EDITS_FILE || path.posix.basename(path.posix.dirname(rel)) === IMPORTED_EDITS_DIR;
  }

  /** An edits file is small: read whole whenever it changes. */
  private async syncEditsFile(rel: string, changes: IngestChanges): Promise<void> {
    const abs = path.join(this.root, rel);
    const row = this.store.getFile(rel);
    let stat: fs.Stats;
    let text: string;
    try {
      stat = await fs.promises.stat(abs);
      if (row && row.size === stat.size && row.mtime === stat.mtimeMs) return;
      // Read only if it really is inside the workspace (an edits file may be a link to anywhere).
      const handle = await openForReadInside(this.root, abs);
      try {
        stat = await handle.stat();
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
      this.refused.delete(rel);
    } catch (e) {
      if (isOutsideError(e)) this.refuse(rel, e);
      else if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (row) {
        this.store.transaction(() => {
          for (const uid of this.store.deleteEditsFromFile(rel)) changes.runs.add(uid);
          this.store.deleteFile(rel);
        });
      }
      return;
    }
    const { uid: named, edits, bad } = parseEdits(text);
    for (const line of bad) this.problems.report(`${rel}:${line}: skipped: not an edit record`);
    // A native run's edits file sits beside its log: without a uid in it, it is that run's.
    const beside = path.posix.basename(rel) === EDITS_FILE ? this.store.getFile(`${path.posix.dirname(rel)}/events.jsonl`)?.runId : null;
    const uid = named ?? (beside != null ? this.store.runUid(beside) : undefined);
    this.store.transaction(() => {
      for (const old of this.store.deleteEditsFromFile(rel)) changes.runs.add(old);
      if (uid) {
        this.store.setEdits(uid, rel, edits);
        changes.runs.add(uid);
      }
      this.store.putFile({ path: rel, runId: null, offset: stat.size, line: 0, head: '', size: stat.size, mtime: stat.mtimeMs });
    });
  }

  /** Reads what was appended to one log, a chunk (one transaction) at a time; `out` may hand each chunk's changes over. */
  private async syncFile(rel: string, out: ChangeSlices): Promise<void> {
    if (this.isEditsFile(rel)) return this.syncEditsFile(rel, out.changes);
    const abs = path.join(this.root, rel);
    const row = this.store.getFile(rel);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (row) this.forgetFile(rel, row.runId, out.changes.removed);
      return;
    }
    if (row && row.size === stat.size && row.mtime === stat.mtimeMs && sameFile(row.head, stat)) return;

    const ctx: FileContext = {
      rel,
      folder: path.posix.dirname(rel),
      runId: row?.runId ?? undefined,
      uid: undefined,
      series: new Map(),
      messages: 0,
    };
    if (ctx.runId !== undefined) ctx.uid = this.uidOf(ctx.runId);
    let state: TailState = row ? { offset: row.offset, line: row.line, mark: row.head } : EMPTY_TAIL;
    const options = {
      root: this.root,
      maxLineBytes: this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      quietMs: this.options.quietMs ?? DEFAULT_QUIET_MS,
      chunkBytes: this.options.chunkBytes,
    };
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof readNewLines>>;
        try {
          chunk = await readNewLines(abs, state, { ...options, now: (this.options.now ?? Date.now)() }, isCompleteJson);
        } catch (e) {
          if (!isOutsideError(e)) throw e;
          // A log linked to a file outside the workspace: nothing of it is read; what was read before is forgotten.
          this.refuse(rel, e);
          if (row) this.forgetFile(rel, ctx.runId ?? null, out.changes.removed);
          return;
        }
        this.refused.delete(rel);
        if (!chunk) {
          if (row) this.forgetFile(rel, ctx.runId ?? null, out.changes.removed);
          return;
        }
        const changes = out.changes;
        this.store.transaction(() => {
          if (chunk.restarted && ctx.runId !== undefined) {
            if (ctx.uid) changes.reset.add(ctx.uid);
            this.store.deleteRun(ctx.runId);
            ctx.runId = undefined;
            ctx.uid = undefined;
            ctx.series.clear();
          }
          for (const issue of chunk.issues) this.applier.report(ctx, issue.line, issue.message);
          this.applier.applyChunk(ctx, chunk.decoded, chunk.raw, chunk.firstLine, changes);
          if (ctx.runId !== undefined) this.store.touchRun(ctx.runId, chunk.mtimeMs / 1000);
          // Size -1: read again at the next sync even if the file looks unchanged.
          const size = chunk.more || chunk.waiting ? -1 : chunk.size;
          this.store.putFile({ path: rel, runId: ctx.runId ?? null, offset: chunk.next.offset, line: chunk.next.line, head: chunk.next.mark, size, mtime: chunk.mtimeMs });
        });
        state = chunk.next;
        if (!chunk.more) return;
        // Committed and more to come: the run and the points so far may be shown now.
        out.committed(true);
      }
    } finally {
      this.applier.reportHidden(ctx);
    }
  }

  private uidOf(runId: number): string | undefined {
    return this.store.runUid(runId);
  }

  private forgetFile(rel: string, runId: number | null, removed: Set<string>): void {
    this.store.transaction(() => {
      if (runId !== null) {
        const uid = this.uidOf(runId);
        if (uid) removed.add(uid);
        this.store.deleteRun(runId);
      }
      this.store.deleteFile(rel);
    });
  }
}
