import * as path from 'path';
import { FORMAT_VERSION, parseLine, type RunRecord } from '../format/records';
import { MetricsLineScanner, type MetricsLine } from '../format/metricsLine';
import { quote } from '../format/bounds';
import type { Problems } from '../problems';
import type { Store } from '../store/store';
import type { IngestChanges } from './changes';
import { PointBuffer } from '../series/packedPoints';
import { rawLineText, type RawLines } from './tailer';

/** Most messages reported for one file in one sync; the rest are counted. */
const MAX_MESSAGES_PER_FILE = 20;
/** Most distinct unknown record types reported (each once); later ones are skipped silently. */
const MAX_UNKNOWN_TYPES = 100;
/** Longest message about one line (the reason may quote the line). */
const MAX_MESSAGE_CHARS = 500;

/** Points of one series gathered from a chunk, packed as its points file holds them (a time is NaN where the record had none). */
interface PendingPoints { readonly key: string; readonly points: PointBuffer }

/** Bytes of point buffers kept between chunks for the next ones (beyond that they are left to the garbage collector). */
const SPARE_BUFFER_BYTES = 32 << 20;

/** Points gathered from the lines of one chunk, inserted series by series (appends of one series at a time). */
interface Batch {
  readonly pending: Map<number, PendingPoints>;
  maxTime: number;
  firstLine: number;
  /** Bumped whenever `pending` is emptied. */
  epoch: number;
  /** Where the points of the last keys read by the fast path go (valid for that run, keys array and epoch). */
  slots?: { readonly keys: readonly string[]; readonly runId: number; readonly epoch: number; readonly pending: readonly PendingPoints[] };
}

export interface FileContext {
  readonly rel: string;
  readonly folder: string;
  runId: number | undefined;
  uid: string | undefined;
  readonly series: Map<string, number>;
  messages: number;
}

/**
 * Puts the records of a run log's lines into the index, line by line: a line that cannot be used
 * is reported with its file and line and skipped alone, without undoing the lines around it.
 * Called inside the transaction of one chunk.
 */
export class RecordApplier {
  private readonly unknownTypes = new Set<string>();
  private readonly newerVersionWarned = new Set<string>();
  private readonly scanner = new MetricsLineScanner();
  /** Point buffers of chunks already stored, reused by the next ones (a chunk's points are not garbage to collect). */
  private readonly spare: PointBuffer[] = [];
  private spareBytes = 0;

  constructor(private readonly store: Store, private readonly problems: Problems) {}

  /** Reports how many problems of a file were not shown, once its sync is over. */
  reportHidden(ctx: FileContext): void {
    if (ctx.messages > MAX_MESSAGES_PER_FILE) this.problems.report(`${ctx.rel}: ${ctx.messages - MAX_MESSAGES_PER_FILE} more problems not shown`);
  }

  /** Reports a problem with one line: one line of text, bounded in length, at most MAX_MESSAGES_PER_FILE per file and sync. */
  report(ctx: FileContext, line: number, message: string): void {
    ctx.messages++;
    if (ctx.messages > MAX_MESSAGES_PER_FILE) return;
    let text = message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (text.length > MAX_MESSAGE_CHARS) text = `${text.slice(0, MAX_MESSAGE_CHARS)}…`;
    this.problems.report(`${ctx.rel}:${line}: ${text}`);
  }

  applyLines(ctx: FileContext, lines: readonly string[], firstLine: number, changes: IngestChanges): void {
    this.applyChunk(ctx, lines, undefined, firstLine, changes);
  }

  /**
   * Applies `decoded`, with the lines of `raw.lines` in place at index `raw.at`: those are read as
   * bytes by the metrics fast path, and decoded only when it cannot read them.
   */
  applyChunk(ctx: FileContext, decoded: readonly string[], raw: { readonly at: number; readonly lines: RawLines } | undefined, firstLine: number, changes: IngestChanges): void {
    const batch: Batch = { pending: new Map(), maxTime: 0, firstLine, epoch: 0 };
    const rawAt = raw?.at ?? decoded.length;
    const rawCount = raw ? raw.lines.bounds.length - 1 : 0;
    const total = decoded.length + rawCount;
    for (let i = 0; i < total; i++) {
      const lineNo = firstLine + i;
      // A line that fails is reported and skipped alone; the rest of the chunk goes on.
      try {
        if (i < rawAt) {
          this.applyLine(ctx, decoded[i], lineNo, batch, changes);
        } else if (i >= rawAt + rawCount) {
          this.applyLine(ctx, decoded[i - rawCount], lineNo, batch, changes);
        } else {
          // Most lines are metrics as the SDKs write them: read from the bytes, the same record parseLine would give.
          const { buf, bounds } = raw!.lines;
          const k = i - rawAt;
          const metrics = this.scanner.scan(buf, bounds[k], bounds[k + 1] - 1);
          if (metrics !== undefined) this.applyMetricsLine(ctx, metrics, lineNo, batch, changes);
          else this.applyLine(ctx, rawLineText(raw!.lines, k), lineNo, batch, changes);
        }
      } catch (e) {
        this.report(ctx, lineNo, `skipped: ${(e as Error)?.message ?? String(e)}`);
      }
    }
    this.flushPoints(ctx, batch, firstLine + total - 1, changes);
    if (ctx.runId !== undefined && batch.maxTime > 0) this.store.touchRun(ctx.runId, batch.maxTime);
  }

  private applyLine(ctx: FileContext, line: string, lineNo: number, batch: Batch, changes: IngestChanges): void {
    const parsed = parseLine(line);
    if (parsed.kind === 'blank') return;
    if (parsed.kind === 'invalid') {
      this.report(ctx, lineNo, `skipped: ${parsed.reason}`);
      return;
    }
    if (parsed.kind === 'unknown') {
      // Reported once per type, for the first MAX_UNKNOWN_TYPES types; skipped silently after that.
      if (this.unknownTypes.has(parsed.type) || this.unknownTypes.size >= MAX_UNKNOWN_TYPES) return;
      this.unknownTypes.add(parsed.type);
      this.report(ctx, lineNo, `record type ${quote(parsed.type)} is not known to this Labbook and is skipped (reported once)`);
      return;
    }
    if (parsed.warning) this.report(ctx, lineNo, parsed.warning);
    const record = parsed.record;
    if (record.time !== undefined && record.time > batch.maxTime) batch.maxTime = record.time;
    if (record.t === 'metrics') {
      if (ctx.runId === undefined) this.undoably(ctx, () => this.runBeforeHeader(ctx, lineNo));
      changes.runs.add(ctx.uid!);
      // Every series first, then the points: a failure leaves no part of the record pending.
      const sids: number[] = [];
      for (const key in record.values) {
        if (key === '') continue;
        let sid = ctx.series.get(key);
        if (sid === undefined) {
          sid = this.store.seriesId(ctx.runId!, key);
          ctx.series.set(key, sid);
        }
        sids.push(sid);
      }
      const time = record.time ?? NaN;
      let k = 0;
      for (const key in record.values) {
        if (key === '') continue;
        const sid = sids[k++];
        let p = batch.pending.get(sid);
        if (!p) batch.pending.set(sid, (p = this.pendingPoints(key)));
        p.points.push(record.step, record.values[key], time);
      }
      return;
    }
    if (record.t === 'header') this.flushPoints(ctx, batch, lineNo - 1, changes);
    this.undoably(ctx, () => {
      if (record.t === 'header') {
        this.applyHeader(ctx, record, lineNo);
      } else {
        if (ctx.runId === undefined) this.runBeforeHeader(ctx, lineNo);
        this.applyMeta(ctx.runId!, record);
      }
    });
    changes.runs.add(ctx.uid!);
  }

  /** A metrics line read by the fast path: what the metrics branch of `applyLine` does with the same record. */
  private applyMetricsLine(ctx: FileContext, m: MetricsLine, lineNo: number, batch: Batch, changes: IngestChanges): void {
    if (m.time !== undefined && m.time > batch.maxTime) batch.maxTime = m.time;
    if (ctx.runId === undefined) this.undoably(ctx, () => this.runBeforeHeader(ctx, lineNo));
    changes.runs.add(ctx.uid!);
    let slots = batch.slots;
    if (slots === undefined || slots.keys !== m.keys || slots.runId !== ctx.runId || slots.epoch !== batch.epoch) {
      slots = batch.slots = { keys: m.keys, runId: ctx.runId!, epoch: batch.epoch, pending: this.pendingFor(ctx, batch, m.keys) };
    }
    const { pending } = slots;
    const { step, values } = m;
    const time = m.time ?? NaN;
    for (let k = 0; k < pending.length; k++) pending[k].points.push(step, values[k], time);
  }

  /** The pending points of each key, in order: every series first, then the pending entries (as `applyLine` makes them). */
  private pendingFor(ctx: FileContext, batch: Batch, keys: readonly string[]): PendingPoints[] {
    const sids = keys.map((key) => {
      let sid = ctx.series.get(key);
      if (sid === undefined) {
        sid = this.store.seriesId(ctx.runId!, key);
        ctx.series.set(key, sid);
      }
      return sid;
    });
    return sids.map((sid, k) => {
      let p = batch.pending.get(sid);
      if (!p) batch.pending.set(sid, (p = this.pendingPoints(keys[k])));
      return p;
    });
  }

  /** Pending points for `key`, in a spare buffer when there is one. */
  private pendingPoints(key: string): PendingPoints {
    const points = this.spare.pop();
    if (points) this.spareBytes -= points.byteLength;
    return { key, points: points ?? new PointBuffer() };
  }

  /** Runs `fn` in a savepoint; if it throws, its writes and the run it may have created are forgotten. */
  private undoably(ctx: FileContext, fn: () => void): void {
    const { runId, uid } = ctx;
    try {
      this.store.undoable(fn);
    } catch (e) {
      if (ctx.runId !== runId) ctx.series.clear();
      ctx.runId = runId;
      ctx.uid = uid;
      throw e;
    }
  }

  private runBeforeHeader(ctx: FileContext, lineNo: number): void {
    this.report(ctx, lineNo, 'record before the run header: the run is named after its folder');
    this.ensureRun(ctx, path.posix.basename(ctx.folder));
  }

  /** Inserts the points gathered so far (lines up to `lastLine`); if that fails, they are reported and dropped. */
  private flushPoints(ctx: FileContext, batch: Batch, lastLine: number, changes: IngestChanges): void {
    const { pending } = batch;
    if (pending.size === 0) return;
    try {
      this.store.undoable(() => this.insertPending(ctx, pending, changes));
    } catch (e) {
      this.report(ctx, lastLine, `the points of lines ${batch.firstLine}–${lastLine} could not be stored: ${(e as Error)?.message ?? String(e)}`);
    }
    for (const p of pending.values()) {
      if (this.spareBytes + p.points.byteLength > SPARE_BUFFER_BYTES) continue;
      p.points.clear();
      this.spare.push(p.points);
      this.spareBytes += p.points.byteLength;
    }
    pending.clear();
    batch.epoch++;
    batch.firstLine = lastLine + 1;
  }

  private insertPending(ctx: FileContext, pending: Map<number, PendingPoints>, changes: IngestChanges): void {
    let runPoints = changes.points.get(ctx.uid!);
    if (!runPoints) changes.points.set(ctx.uid!, (runPoints = new Map()));
    for (const [sid, p] of pending) {
      const added = this.store.insertPackedPoints(sid, p.points);
      if (added === 0) continue;
      const minStep = p.points.lowestStep;
      const from = runPoints.get(p.key);
      if (from === undefined || minStep < from) runPoints.set(p.key, minStep);
    }
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
      host: h.host ?? null,
      pid: h.pid ?? null,
    });
    if (h.tags) this.store.setTags(ctx.runId!, h.tags, false);
  }

  private applyMeta(runId: number, r: Exclude<RunRecord, { t: 'header' | 'metrics' }>): void {
    switch (r.t) {
      case 'params':
        this.store.setParams(runId, r.values, r.reset);
        break;
      case 'status':
        this.store.updateRun(runId, { status: r.status, statusMessage: r.message ?? null, endTime: r.status === 'running' ? null : r.time ?? null, ...(r.host ? { host: r.host, pid: r.pid } : {}) });
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
