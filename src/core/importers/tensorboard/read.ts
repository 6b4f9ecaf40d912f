/**
 * Reads a TensorBoard run folder into an ImportedRun, incrementally: per event file the reader keeps
 * the offset after the last complete record, so a live file is only decoded from there on.
 */
import * as fs from 'fs';
import * as path from 'path';
import { type Problems, silentProblems } from '../../problems';
import { IMPORTED_SILENCE_SECONDS, type ImportedRun, type ReadSlice } from '../contract';
import { IncrementalRunReader } from '../runReader';
import { workspacePath } from '../shared';
import { type EventFileRef, listRunFiles } from './discover';
import { EventDecoder, type EventFile } from './event';
import { readHparamsYaml } from './hparams';
import { scanTfRecords } from './tfrecord';

/** A run whose last event is younger than this (seconds) counts as running. */
export const RUNNING_WINDOW_SECONDS = IMPORTED_SILENCE_SECONDS;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp', '.bmp']);
/** Largest event file span read at once; bigger records are read whole anyway. */
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Incremental reader of one TensorBoard run folder. Call `read()` whenever the folder may have
 * changed; only bytes appended since the last call are decoded. Calls are serialized. `read()` gives
 * undefined once the folder holds no event files.
 */
export class TensorBoardRunReader extends IncrementalRunReader {
  private files: EventFile[] = [];
  private decoder = new EventDecoder(this.problems);

  /** Number of events decoded so far (all kinds). */
  get eventCount(): number {
    return this.decoder.events;
  }

  private reset(): void {
    this.files = [];
    this.decoder = new EventDecoder(this.problems);
  }

  protected async readNow(now: number, slice?: ReadSlice): Promise<ImportedRun | undefined> {
    const refs = await listRunFiles(this.runFolder);
    if (refs.length === 0) {
      this.reset();
      return undefined;
    }
    const sizes = new Map<string, number>();
    let newestMtime = 0;
    await Promise.all(
      refs.map(async (ref) => {
        try {
          const st = await fs.promises.stat(ref.file);
          sizes.set(ref.file, st.size);
          newestMtime = Math.max(newestMtime, st.mtimeMs / 1000);
        } catch {
          // Gone between listing and stat: handled as missing below.
        }
      }),
    );
    if (!this.stillAppendOnly(refs, sizes)) this.reset();
    const known = new Set(this.files.map((f) => f.file));
    for (const ref of refs) {
      if (known.has(ref.file) || !sizes.has(ref.file)) continue;
      // A new file starts a new session: points for a tag may go back (see addPoint).
      this.files.push({ file: ref.file, rel: this.rel(ref.file), prefix: ref.prefix, offset: 0, gen: this.decoder.nextGeneration(), broken: false });
    }
    // With a slice, stop after about its bytes: the run so far is stored and shown, the next read goes on.
    const budget = { left: slice ? Math.max(1, slice.bytes) : Infinity };
    for (const f of this.files) {
      const size = sizes.get(f.file);
      if (size === undefined || f.broken || size <= f.offset) continue;
      if (budget.left <= 0) {
        slice!.more = true;
        break;
      }
      if (await this.readFile(f, size, budget)) slice!.more = true;
    }
    return this.build(now, newestMtime, slice !== undefined);
  }

  /**
   * True when what was read still stands: every known file is still there and not shorter, and
   * within each prefix group the known files come first in merge order (new files sort after them).
   */
  private stillAppendOnly(refs: EventFileRef[], sizes: Map<string, number>): boolean {
    if (this.files.length === 0) return true;
    const groups = new Map<string, string[]>();
    for (const ref of refs) {
      if (!sizes.has(ref.file)) continue;
      const g = groups.get(ref.prefix) ?? [];
      g.push(ref.file);
      groups.set(ref.prefix, g);
    }
    const seen = new Map<string, number>();
    for (const f of this.files) {
      const size = sizes.get(f.file);
      if (size === undefined || size < f.offset) return false;
      const g = groups.get(f.prefix);
      const i = seen.get(f.prefix) ?? 0;
      if (!g || g[i] !== f.file) return false;
      seen.set(f.prefix, i + 1);
    }
    return true;
  }

  /**
   * Decodes `f` from its offset up to `size`, or until `budget.left` bytes were read (spent from it).
   * Returns true when it stopped for the budget with whole records still to read.
   */
  private async readFile(f: EventFile, size: number, budget: { left: number }): Promise<boolean> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(f.file, 'r');
    } catch {
      return false;
    }
    try {
      let need = 0;
      while (f.offset < size && !f.broken) {
        const remaining = size - f.offset;
        if (need > remaining) break; // The torn record at the end is still incomplete: later.
        if (budget.left <= 0) return true;
        const want = Math.min(remaining, Math.max(Math.min(CHUNK_BYTES, budget.left), need));
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(buf, 0, want, f.offset);
        if (bytesRead <= 0) break;
        const data = bytesRead < want ? buf.subarray(0, bytesRead) : buf;
        const base = f.offset;
        const scan = scanTfRecords(
          data,
          0,
          (s, e) => this.decoder.decodeEvent(data, s, e, f, base),
          (o, message) => this.problems.report(`TensorBoard: ${f.rel}: byte ${base + o}: ${message}`),
        );
        f.offset = base + scan.nextOffset;
        budget.left -= scan.nextOffset;
        if (scan.stopped) f.broken = true;
        need = scan.need;
      }
      return false;
    } finally {
      await handle.close();
    }
  }

  private rel(abs: string): string {
    return workspacePath(this.workspaceRoot, abs) || '.';
  }

  /** The run as decoded so far; `shared`: its series are the decoder's arrays (read in slices, stored before the next read). */
  private async build(now: number, newestMtime: number, shared: boolean): Promise<ImportedRun> {
    const rel = this.rel(this.runFolder);
    const d = this.decoder;
    const last = d.lastWall ?? (newestMtime || undefined);
    const running = last !== undefined && now - last <= RUNNING_WINDOW_SECONDS;
    const params: Record<string, unknown> = { ...d.sessionHparams, ...(await readHparamsYaml(this.runFolder, this.problems, this.workspaceRoot)) };
    // The parent folder names the experiment (`lightning_logs`, `runs`…); a run at the workspace root
    // has no parent inside the workspace.
    const atRoot = rel === '.';
    return {
      source: 'tensorboard',
      uid: `tensorboard:${rel}`,
      experiment: atRoot ? 'tensorboard' : path.basename(path.dirname(this.runFolder)),
      name: path.basename(this.runFolder),
      status: running ? 'running' : 'finished',
      startTime: d.firstWall,
      endTime: running ? undefined : d.lastWall,
      params,
      tags: [],
      folder: rel,
      metrics: d.metrics(shared),
      artifacts: await this.artifacts(),
      images: d.embeddedImages(),
    };
  }

  private async artifacts(): Promise<string[]> {
    try {
      const entries = await fs.promises.readdir(this.runFolder, { withFileTypes: true });
      return entries
        .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
        .map((e) => this.rel(path.join(this.runFolder, e.name)))
        .sort();
    } catch {
      return [];
    }
  }
}

/** Reads one run folder once (see TensorBoardRunReader for repeated reads). */
export function readTensorBoardRun(workspaceRoot: string, runFolder: string, problems: Problems = silentProblems, now?: number): Promise<ImportedRun | undefined> {
  return new TensorBoardRunReader(workspaceRoot, runFolder, problems).read(now);
}
