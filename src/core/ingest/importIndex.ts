import * as fs from 'fs';
import * as path from 'path';
import type { ImportedRun, ImportFinder, ImportUnit, ReadSlice } from '../importers/contract';
import { embeddedPath } from '../importers/embedded';
import type { Problems } from '../problems';
import type { Store } from '../store/store';
import type { IngestChanges } from './changes';
import { ChangeSlices, type SlicePublish } from './changeSlices';

/**
 * While slices are handed over, a unit's big file is read this much at a time at first; later slices
 * grow with what was read (a reader hands the whole run each time, so slices of one size would make
 * a huge file cost the square of its length).
 */
const FIRST_SLICE_BYTES = 8 * 1024 * 1024;
/** Stored in place of the fingerprint of a unit read only in part (a crash then makes it read again). */
export const READ_IN_PART = 'read in part';

interface WrittenSeries { readonly length: number; readonly lastStep: number; readonly lastValue: number }

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Whether every series written before is still there with the same points, only longer. */
function grewOnly(run: ImportedRun, before: ReadonlyMap<string, WrittenSeries>): boolean {
  for (const [key, w] of before) {
    const s = run.metrics.get(key);
    if (!s || s.steps.length < w.length) return false;
    if (s.steps[w.length - 1] !== w.lastStep || !sameNumber(s.values[w.length - 1], w.lastValue)) return false;
  }
  return true;
}

async function fingerprint(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    [...files].sort().map(async (f) => {
      try {
        const s = await fs.promises.stat(f);
        return `${f}\t${s.size}\t${s.mtimeMs}`;
      } catch {
        return `${f}\t-`;
      }
    }),
  );
  return parts.join('\n');
}

/**
 * Keeps the index in step with other trackers' output: a unit whose files changed is read again
 * and its runs replaced in one transaction; runs of units that disappeared are removed.
 */
export class ImportIndex {
  private queue: Promise<unknown> = Promise.resolve();
  private units: ImportUnit[] = [];
  /** What was written of each imported run's series, to insert only what is new the next time. */
  private readonly written = new Map<string, Map<string, WrittenSeries>>();
  private discoveredAt = -Infinity;

  constructor(
    private readonly store: Store,
    private readonly root: string,
    private readonly finders: readonly ImportFinder[],
    private readonly problems: Problems,
    /** Looking for new units walks the workspace: do it at most this often (ms) unless forced. */
    private readonly rediscoverMs = 0,
    /** Hears the changes of a long sync slice by slice; with it, a big file is read and stored in parts. */
    private readonly publish?: SlicePublish,
  ) {}

  /** Reads what changed. `rediscover` looks for new units even if the last look was recent. */
  sync(rediscover = false): Promise<IngestChanges> {
    const next = this.queue.then(() => this.syncNow(rediscover));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async discover(): Promise<ImportUnit[]> {
    const units: ImportUnit[] = [];
    for (const find of this.finders) {
      try {
        units.push(...(await find(this.root)));
      } catch (e) {
        this.problems.report(`looking for other trackers' runs failed: ${(e as Error).message}`);
      }
    }
    return units;
  }

  private async syncNow(rediscover: boolean): Promise<IngestChanges> {
    const out = new ChangeSlices(this.publish);
    // Runs whose series files went missing since the index was saved are read again (checked once, before the first read).
    this.store.checkSeriesFiles();
    if (rediscover || Date.now() - this.discoveredAt >= this.rediscoverMs) {
      this.units = await this.discover();
      this.discoveredAt = Date.now();
    }
    const units = this.units;
    const seen = new Set<string>();
    for (const unit of units) {
      seen.add(unit.key);
      try {
        await this.syncUnit(unit, out);
      } catch (e) {
        this.problems.report(`${unit.key}: could not be read: ${(e as Error).message}`);
      }
      out.committed(false);
    }
    const changes = out.changes;
    for (const key of this.store.listImportUnits()) {
      if (seen.has(key)) continue;
      const old = this.store.getImportUnit(key)!;
      this.store.transaction(() => {
        for (const uid of old.uids) this.removeRun(uid, changes);
        this.store.deleteImportUnit(key);
      });
    }
    return out.rest();
  }

  private removeRun(uid: string, changes: IngestChanges): void {
    const id = this.store.runIdByUid(uid);
    this.written.delete(uid);
    if (id === undefined) return;
    this.store.deleteRun(id);
    changes.removed.add(uid);
  }

  /**
   * Reads a unit whose files changed and stores its runs. With `publish`, a big file is read a slice at
   * a time, each slice stored in its own transaction and handed over, so its run shows while it is read.
   */
  private async syncUnit(unit: ImportUnit, out: ChangeSlices): Promise<void> {
    const print = await fingerprint(await unit.files());
    const before = this.store.getImportUnit(unit.key);
    if (before && before.fingerprint === print) return;
    let bytes = FIRST_SLICE_BYTES;
    let read = 0;
    for (;;) {
      const slice: ReadSlice | undefined = this.publish ? { bytes, more: false } : undefined;
      const runs = await unit.read(this.problems, slice);
      const more = slice?.more === true;
      const sizes = await artifactSizes(this.root, runs);
      const changes = out.changes;
      this.store.transaction(() => {
        const mine = new Set(this.store.getImportUnit(unit.key)?.uids ?? []);
        // A uid another unit already gave (a resumed W&B run in two folders) is made unique with the folder.
        const placed = runs.map((r) => (this.ownedElsewhere(r.uid, mine) ? { ...r, uid: `${r.uid}@${r.folder}` } : r));
        const uids = new Set(placed.map((r) => r.uid));
        for (const uid of mine) if (!uids.has(uid)) this.removeRun(uid, changes);
        for (const run of placed) this.writeRun(run, changes, sizes);
        this.store.putImportUnit(unit.key, more ? READ_IN_PART : print, [...uids]);
      });
      if (!more) return;
      out.committed(true);
      read += bytes;
      bytes = Math.max(FIRST_SLICE_BYTES, Math.round(read / 2));
    }
  }

  private ownedElsewhere(uid: string, mine: ReadonlySet<string>): boolean {
    const id = this.store.runIdByUid(uid);
    return id !== undefined && !mine.has(uid) && this.store.runSource(id) !== 'labbook';
  }

  private writeRun(run: ImportedRun, changes: IngestChanges, sizes: ReadonlyMap<string, number>): void {
    const existing = this.store.runIdByUid(run.uid);
    if (existing !== undefined && this.store.runSource(existing) === 'labbook') {
      this.problems.report(`${run.folder}: run id ${run.uid} is already a Labbook run; the ${run.source} copy is skipped`);
      return;
    }
    const before = this.written.get(run.uid);
    let id: number;
    const inPlace = existing !== undefined && before !== undefined && grewOnly(run, before);
    if (inPlace) {
      // The common live case: the run only got new points. Update it in place and insert the tails.
      id = existing!;
      this.store.updateRun(id, { experiment: run.experiment || 'default', name: run.name || run.uid });
    } else {
      if (existing !== undefined) {
        this.store.deleteRun(existing);
        changes.reset.add(run.uid);
      }
      id = this.store.createRun(run.uid, run.experiment || 'default', run.name || run.uid, run.folder, run.source);
    }
    const from = inPlace ? before! : new Map<string, WrittenSeries>();
    this.store.updateRun(id, {
      description: run.description ?? '',
      status: run.status,
      startTime: run.startTime,
      endTime: run.endTime ?? null,
      note: run.note ?? '',
    });
    this.store.setDeleted(id, run.deleted === true);
    this.store.setParams(id, run.params, true);
    this.store.setTags(id, run.tags, true);
    this.store.clearArtifacts(id);
    for (const file of run.artifacts) this.store.addArtifact(id, { path: file, name: importedArtifactName(run.folder, file), size: sizes.get(file) });
    for (const image of run.images ?? []) this.store.addArtifact(id, { path: embeddedPath(image.ref), name: image.name, size: image.ref.length });
    const points = new Map<string, number>();
    const written = new Map<string, WrittenSeries>();
    let last = run.endTime ?? run.startTime ?? 0;
    for (const [key, s] of run.metrics) {
      const n = s.steps.length;
      if (n === 0) continue;
      const start = from.get(key)?.length ?? 0;
      written.set(key, { length: n, lastStep: s.steps[n - 1], lastValue: s.values[n - 1] });
      if (start >= n) continue;
      const steps = start ? s.steps.slice(start) : s.steps;
      const values = start ? s.values.slice(start) : s.values;
      const times = start ? s.times.slice(start) : s.times;
      const sid = this.store.seriesId(id, key);
      // MLflow keeps every value, several at one step too, and reports the last one logged.
      if (run.sameStep === 'last') this.store.insertAllPoints(sid, steps, values, times);
      else this.store.insertPoints(sid, steps, values, times);
      let min = steps[0];
      for (const st of steps) if (st < min) min = st;
      for (const t of times) if (t !== null && t > last) last = t;
      points.set(key, min);
    }
    this.written.set(run.uid, written);
    if (last > 0) this.store.touchRun(id, last);
    changes.runs.add(run.uid);
    if (points.size) changes.points.set(run.uid, points);
  }
}

/**
 * How an imported run's artifact is shown: relative to the run folder when inside it (the index keeps
 * the workspace-relative path, since an MLflow `artifact_uri` may point elsewhere in the workspace).
 */
export function importedArtifactName(runFolder: string, workspacePath: string): string {
  if (runFolder === '.' || runFolder === '') return workspacePath;
  const prefix = runFolder.endsWith('/') ? runFolder : `${runFolder}/`;
  return workspacePath.startsWith(prefix) ? workspacePath.slice(prefix.length) : workspacePath;
}

/** Sizes of the imported runs' artifact files (workspace-relative path → bytes); a file gone is left out. */
async function artifactSizes(root: string, runs: readonly ImportedRun[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const paths = [...new Set(runs.flatMap((r) => r.artifacts))];
  for (let i = 0; i < paths.length; i += 64) {
    await Promise.all(
      paths.slice(i, i + 64).map(async (p) => {
        try {
          sizes.set(p, (await fs.promises.stat(path.join(root, ...p.split('/')))).size);
        } catch {
          // Gone since it was listed: shown without a size.
        }
      }),
    );
  }
  return sizes;
}
