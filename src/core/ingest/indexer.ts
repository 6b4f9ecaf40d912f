import * as fs from 'fs';
import * as path from 'path';
import { FORMAT_VERSION, parseLine, type RunRecord } from '../format/records';
import type { Problems } from '../problems';
import type { Store } from '../store/store';
import { findEventFiles } from './discover';
import { EDITS_FILE, IMPORTED_EDITS_DIR, parseEdits } from '../edits';
import { EMPTY_TAIL, readNewLines, type TailState } from './tailer';
import { containedRealPath, isOutsideError, openForReadInside } from '../safePath';

/** What one `sync()` changed, so the host can refresh only what it must. */
export interface IngestChanges {
  /** Runs (by uid) whose metadata or points changed. */
  readonly runs: Set<string>;
  /** For each run uid and metric key: the smallest step inserted. */
  readonly points: Map<string, Map<string, number>>;
  /** Runs whose log was truncated or replaced and read again from the start. */
  readonly reset: Set<string>;
  /** Runs whose log file disappeared. */
  readonly removed: Set<string>;
}

export function emptyChanges(): IngestChanges {
  return { runs: new Set(), points: new Map(), reset: new Set(), removed: new Set() };
}

/** Adds `b` into `a` (and returns `a`). */
export function mergeChanges(a: IngestChanges, b: IngestChanges): IngestChanges {
  for (const uid of b.runs) a.runs.add(uid);
  for (const uid of b.reset) a.reset.add(uid);
  for (const uid of b.removed) a.removed.add(uid);
  for (const [uid, keys] of b.points) {
    const into = a.points.get(uid);
    if (!into) {
      a.points.set(uid, new Map(keys));
      continue;
    }
    for (const [key, step] of keys) {
      const old = into.get(key);
      if (old === undefined || step < old) into.set(key, step);
    }
  }
  return a;
}

export function hasChanges(c: IngestChanges): boolean {
  return c.runs.size > 0 || c.reset.size > 0 || c.removed.size > 0;
}

/** Most messages reported for one file in one read; the rest are counted. */
const MAX_MESSAGES_PER_FILE = 20;

interface PendingPoints { readonly key: string; readonly steps: number[]; readonly values: number[]; readonly times: (number | null)[] }

interface FileContext {
  readonly rel: string;
  readonly folder: string;
  runId: number | undefined;
  uid: string | undefined;
  readonly series: Map<string, number>;
  messages: number;
}

/**
 * Keeps the index in step with the run logs under a log root: reads only what was appended
 * since the last time (offsets are stored in the index itself, in the same transaction as the data
 * they describe, so a crash can never make a line count twice or be lost).
 */
export class Indexer {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unknownTypes = new Set<string>();
  private readonly newerVersionWarned = new Set<string>();
  /** Files (and the log root) refused because they lead outside the workspace: reported once until that changes. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly store: Store,
    /** Absolute workspace folder; file paths in the index are relative to it. */
    private readonly root: string,
    /** Log root relative to `root`. */
    private readonly logRoot: string,
    private readonly problems: Problems,
  ) {}

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
    const changes = emptyChanges();
    const known = new Set(this.store.listFiles().map((f) => f.path));
    let targets: string[];
    if (files) {
      targets = files.map((f) => this.relative(f)).filter((f): f is string => f !== undefined);
    } else {
      const found = (await this.logRootInside()) ? (await findEventFiles(path.join(this.root, this.logRoot))).map((f) => this.relative(f)!) : [];
      targets = [...new Set([...found, ...known])];
    }
    for (const rel of targets) {
      try {
        await this.syncFile(rel, changes);
      } catch (e) {
        this.problems.report(`${rel}: could not be read: ${(e as Error).message}`);
      }
    }
    return changes;
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

  private async syncFile(rel: string, changes: IngestChanges): Promise<void> {
    if (this.isEditsFile(rel)) return this.syncEditsFile(rel, changes);
    const abs = path.join(this.root, rel);
    const row = this.store.getFile(rel);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (row) this.forgetFile(rel, row.runId, changes.removed);
      return;
    }
    if (row && row.size === stat.size && row.mtime === stat.mtimeMs) return;

    const ctx: FileContext = {
      rel,
      folder: path.posix.dirname(rel),
      runId: row?.runId ?? undefined,
      uid: undefined,
      series: new Map(),
      messages: 0,
    };
    if (ctx.runId !== undefined) ctx.uid = this.uidOf(ctx.runId);
    let state: TailState = row ? { offset: row.offset, line: row.line, head: row.head } : EMPTY_TAIL;
    for (;;) {
      let chunk: Awaited<ReturnType<typeof readNewLines>>;
      try {
        chunk = await readNewLines(abs, state, undefined, this.root);
      } catch (e) {
        if (!isOutsideError(e)) throw e;
        // A log linked to a file outside the workspace: nothing of it is read; what was read before is forgotten.
        this.refuse(rel, e);
        if (row) this.forgetFile(rel, ctx.runId ?? null, changes.removed);
        return;
      }
      this.refused.delete(rel);
      if (!chunk) {
        if (row) this.forgetFile(rel, ctx.runId ?? null, changes.removed);
        return;
      }
      this.store.transaction(() => {
        if (chunk.restarted && ctx.runId !== undefined) {
          if (ctx.uid) changes.reset.add(ctx.uid);
          this.store.deleteRun(ctx.runId);
          ctx.runId = undefined;
          ctx.uid = undefined;
          ctx.series.clear();
        }
        this.applyLines(ctx, chunk.lines, chunk.firstLine, changes);
        if (ctx.runId !== undefined) this.store.touchRun(ctx.runId, chunk.mtimeMs / 1000);
        this.store.putFile({ path: rel, runId: ctx.runId ?? null, ...chunk.next, size: chunk.more ? -1 : chunk.size, mtime: chunk.mtimeMs });
      });
      if (ctx.messages > MAX_MESSAGES_PER_FILE) {
        this.problems.report(`${rel}: ${ctx.messages - MAX_MESSAGES_PER_FILE} more problems not shown`);
        ctx.messages = MAX_MESSAGES_PER_FILE;
      }
      state = chunk.next;
      if (!chunk.more) return;
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

  private report(ctx: FileContext, line: number, message: string): void {
    ctx.messages++;
    if (ctx.messages <= MAX_MESSAGES_PER_FILE) this.problems.report(`${ctx.rel}:${line}: ${message}`);
  }

  private applyLines(ctx: FileContext, lines: readonly string[], firstLine: number, changes: IngestChanges): void {
    let maxTime = 0;
    // Points are gathered per series and inserted series by series: sequential writes into each
    // part of the points B-tree are much faster than interleaved ones.
    const pending = new Map<number, PendingPoints>();
    for (let i = 0; i < lines.length; i++) {
      const parsed = parseLine(lines[i]);
      const lineNo = firstLine + i;
      if (parsed.kind === 'blank') continue;
      if (parsed.kind === 'invalid') {
        this.report(ctx, lineNo, `skipped: ${parsed.reason}`);
        continue;
      }
      if (parsed.kind === 'unknown') {
        if (!this.unknownTypes.has(parsed.type)) {
          this.unknownTypes.add(parsed.type);
          this.problems.report(`${ctx.rel}:${lineNo}: record type "${parsed.type}" is not known to this Labbook and is skipped (reported once)`);
        }
        continue;
      }
      if (parsed.warning) this.report(ctx, lineNo, parsed.warning);
      const record = parsed.record;
      if (record.time !== undefined && record.time > maxTime) maxTime = record.time;
      if (record.t === 'header') {
        this.flushPoints(ctx, pending, changes);
        this.applyHeader(ctx, record, lineNo);
        changes.runs.add(ctx.uid!);
        continue;
      }
      if (ctx.runId === undefined) {
        this.report(ctx, lineNo, 'record before the run header: the run is named after its folder');
        this.ensureRun(ctx, path.posix.basename(ctx.folder));
      }
      changes.runs.add(ctx.uid!);
      if (record.t === 'metrics') {
        const time = record.time ?? null;
        for (const key in record.values) {
          if (key === '') continue;
          let sid = ctx.series.get(key);
          if (sid === undefined) {
            sid = this.store.seriesId(ctx.runId!, key);
            ctx.series.set(key, sid);
          }
          let p = pending.get(sid);
          if (!p) pending.set(sid, (p = { key, steps: [], values: [], times: [] }));
          p.steps.push(record.step);
          p.values.push(record.values[key]);
          p.times.push(time);
        }
      } else {
        this.applyMeta(ctx.runId!, record);
      }
    }
    this.flushPoints(ctx, pending, changes);
    if (ctx.runId !== undefined && maxTime > 0) this.store.touchRun(ctx.runId, maxTime);
  }

  private flushPoints(ctx: FileContext, pending: Map<number, PendingPoints>, changes: IngestChanges): void {
    if (pending.size === 0) return;
    let runPoints = changes.points.get(ctx.uid!);
    if (!runPoints) changes.points.set(ctx.uid!, (runPoints = new Map()));
    for (const [sid, p] of pending) {
      const added = this.store.insertPoints(sid, p.steps, p.values, p.times);
      if (added === 0) continue;
      let minStep = p.steps[0];
      let maxStep = p.steps[0];
      for (const s of p.steps) {
        if (s < minStep) minStep = s;
        if (s > maxStep) maxStep = s;
      }
      this.store.bumpSeries(sid, added, maxStep);
      const from = runPoints.get(p.key);
      if (from === undefined || minStep < from) runPoints.set(p.key, minStep);
    }
    pending.clear();
  }

  private ensureRun(ctx: FileContext, uid: string): void {
    let runId = this.store.runIdByUid(uid);
    let finalUid = uid;
    if (runId !== undefined && this.store.runFolder(runId) !== ctx.folder) {
      finalUid = `${uid}@${ctx.folder}`;
      this.problems.report(`${ctx.rel}: run id "${uid}" is already used by another folder; this run is shown as "${finalUid}"`);
      runId = this.store.runIdByUid(finalUid);
    }
    ctx.runId = runId ?? this.store.createRun(finalUid, 'default', uid, ctx.folder);
    ctx.uid = finalUid;
  }

  private applyHeader(ctx: FileContext, h: Extract<RunRecord, { t: 'header' }>, lineNo: number): void {
    // An invalid run_id was dropped by the parser (and reported): the run is known by its folder.
    if (ctx.runId === undefined) this.ensureRun(ctx, h.runId || path.posix.basename(ctx.folder));
    if (h.version > FORMAT_VERSION && !this.newerVersionWarned.has(ctx.rel)) {
      this.newerVersionWarned.add(ctx.rel);
      this.report(ctx, lineNo, `written in run log format version ${h.version}; this Labbook reads version ${FORMAT_VERSION} and may miss some data. Update the extension.`);
    }
    this.store.updateRun(ctx.runId!, {
      experiment: h.project || 'default',
      name: h.name || h.runId || path.posix.basename(ctx.folder),
      description: h.description,
      startTime: h.time,
      formatVersion: h.version,
    });
    if (h.tags) this.store.setTags(ctx.runId!, h.tags, false);
  }

  private applyMeta(runId: number, r: Exclude<RunRecord, { t: 'header' | 'metrics' }>): void {
    switch (r.t) {
      case 'params':
        this.store.setParams(runId, r.values, r.reset);
        break;
      case 'status':
        this.store.updateRun(runId, { status: r.status, statusMessage: r.message ?? null, endTime: r.status === 'running' ? null : r.time ?? null });
        break;
      case 'tags':
        this.store.setTags(runId, r.tags, r.reset);
        break;
      case 'set':
        this.store.updateRun(runId, { name: r.name || undefined, description: r.description });
        break;
      case 'note':
        this.store.updateRun(runId, { note: r.text });
        break;
      case 'artifact':
        this.store.addArtifact(runId, r);
        break;
      case 'dataset':
        this.store.addDataset(runId, r);
        break;
      case 'env':
        this.store.mergeEnv(runId, r.values);
        break;
      case 'alert':
        this.store.addAlert(runId, { condition: r.condition.text, message: r.message, level: r.level });
        break;
      case 'heartbeat':
        break;
    }
  }
}
