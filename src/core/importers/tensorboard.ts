/**
 * Reads TensorBoard event files (`events.out.tfevents.*`) into ImportedRuns.
 *
 * Format: a TFRecord stream (uint64 length, masked CRC-32C of the length, data, masked CRC-32C of the
 * data), each record a serialized `tensorflow.Event`. Scalars come either as `Summary.Value.simple_value`
 * (TF1, PyTorch, Lightning) or as a one-element numeric `TensorProto` (TF2 `tf.summary.scalar`, Keras).
 *
 * A run is a folder that directly holds event files; several files in it are merged in name order
 * (their names start with the creation time). Keras (TF2) writes `<log_dir>/train/` and
 * `<log_dir>/validation/` for one fit: we make ONE run of `<log_dir>` and prefix the keys with
 * `train/` and `validation/`, so both curves of a metric sit in the same run as in Keras' own history
 * (TensorBoard shows them as two runs; Labbook compares metrics within a run more easily).
 * This applies when the parent folder holds no event files itself.
 *
 * Reading is incremental: per event file the reader keeps the offset after the last complete record,
 * so a live file is only decoded from there on. A torn last record is left for the next read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NODE_MODULES, walkFolders } from '../fsWalk';
import { type Problems, silentProblems } from '../problems';
import { workspacePath } from './shared';
import { maskedCrc32c } from '../codecs/crc';
import { type EmbeddedImage, imageExtension } from './embedded';
import type { ImportedRun, ImportedSeries } from './contract';
import { fieldKey, ProtoError, ProtoReader, WireType } from '../codecs/protobuf';
import { IMPORTED_SILENCE_SECONDS } from './contract';
import { IncrementalRunReader } from './runReader';
import { parseYaml, YamlError } from '../codecs/yaml';
import { readFileInside } from '../safePath';

export const TFEVENTS_MARKER = 'events.out.tfevents.';
/** A run whose last event is younger than this (seconds) counts as running. */
export const RUNNING_WINDOW_SECONDS = IMPORTED_SILENCE_SECONDS;
/** Sub-folders Keras' TensorBoard callback writes for one fit, merged into the parent's run. */
export const KERAS_SUBFOLDERS: readonly string[] = ['train', 'validation'];
const MAX_DEPTH = 8;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp', '.bmp']);
/** Largest event file span read at once; bigger records are read whole anyway. */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** Records longer than this are taken as a corrupt length even when its checksum matches. */
const MAX_RECORD_BYTES = 0x7fffffff;

// ---------------------------------------------------------------------------------------------
// Discovery

function isEventFile(name: string): boolean {
  return name.startsWith(TFEVENTS_MARKER);
}

/**
 * Run folders (absolute, sorted) below `workspaceRoot`: folders that directly contain event files,
 * at most 8 levels deep, skipping dot-folders and node_modules. Keras `train/` + `validation/`
 * sub-folders give their parent folder instead (see the file comment).
 */
export async function findTensorBoardRuns(workspaceRoot: string): Promise<string[]> {
  const withEvents = new Set<string>();
  await walkFolders(workspaceRoot, {
    maxDepth: MAX_DEPTH,
    skip: NODE_MODULES,
    folder: (dir, entries) => {
      if (entries.some((e) => e.isFile() && isEventFile(e.name))) withEvents.add(dir);
    },
  });
  const runs = new Set<string>();
  for (const dir of withEvents) {
    const parent = path.dirname(dir);
    if (KERAS_SUBFOLDERS.includes(path.basename(dir)) && parent !== dir && !withEvents.has(parent)) runs.add(parent);
    else runs.add(dir);
  }
  return [...runs].sort();
}

interface EventFileRef {
  readonly file: string;
  /** Key prefix: '' or `train/` / `validation/` in the Keras layout. */
  readonly prefix: string;
}

async function eventFilesIn(dir: string): Promise<string[]> {
  try {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && isEventFile(e.name)).map((e) => e.name);
  } catch {
    return [];
  }
}

/** `events.out.tfevents.<seconds>.<host>.<pid>.<n>`: order by the creation time, then by name. */
function compareEventFileNames(a: string, b: string): number {
  const ta = Number(a.slice(TFEVENTS_MARKER.length).split('.')[0]);
  const tb = Number(b.slice(TFEVENTS_MARKER.length).split('.')[0]);
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The event files of a run folder, grouped by prefix, each group in merge order. */
async function listRunFiles(runFolder: string): Promise<EventFileRef[]> {
  const direct = await eventFilesIn(runFolder);
  if (direct.length > 0) return direct.sort(compareEventFileNames).map((n) => ({ file: path.join(runFolder, n), prefix: '' }));
  const out: EventFileRef[] = [];
  for (const sub of KERAS_SUBFOLDERS) {
    const names = await eventFilesIn(path.join(runFolder, sub));
    for (const n of names.sort(compareEventFileNames)) out.push({ file: path.join(runFolder, sub, n), prefix: `${sub}/` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// TFRecord framing

export interface TfRecordProblem {
  /** Offset of the record in the buffer given. */
  readonly offset: number;
  readonly message: string;
}

export interface TfRecordScan {
  /** Where the next read should start: after the last complete record, or at a torn / unreadable one. */
  readonly nextOffset: number;
  /** True when a corrupt length made the rest of the buffer unreadable. */
  readonly stopped: boolean;
  /** Bytes from `nextOffset` needed to complete the torn record there (0 if none is pending). */
  readonly need: number;
}

/**
 * Walks the TFRecords in `buf` from `offset`, calling `onRecord(start, end)` with the data span of
 * each intact record. A record whose data checksum fails is reported and skipped; a length whose
 * checksum fails stops the walk (nothing after it can be framed). A torn last record ends the walk
 * without a report.
 */
export function scanTfRecords(buf: Buffer, offset: number, onRecord: (start: number, end: number) => void, onProblem: (offset: number, message: string) => void): TfRecordScan {
  const n = buf.length;
  let p = offset;
  for (;;) {
    const left = n - p;
    if (left < 12) return { nextOffset: p, stopped: false, need: left > 0 ? 12 : 0 };
    if (maskedCrc32c(buf, p, p + 8) !== buf.readUInt32LE(p + 8)) {
      onProblem(p, 'record length checksum mismatch; the rest of the file cannot be read');
      return { nextOffset: p, stopped: true, need: 0 };
    }
    const len = buf.readUInt32LE(p);
    if (buf.readUInt32LE(p + 4) !== 0 || len > MAX_RECORD_BYTES) {
      onProblem(p, 'record length too large; the rest of the file cannot be read');
      return { nextOffset: p, stopped: true, need: 0 };
    }
    const total = len + 16;
    if (left < total) return { nextOffset: p, stopped: false, need: total };
    const start = p + 12;
    const end = start + len;
    if (maskedCrc32c(buf, start, end) !== buf.readUInt32LE(end)) onProblem(p, 'record data checksum mismatch; record skipped');
    else onRecord(start, end);
    p += total;
  }
}

export interface TfRecordsResult {
  /** Data of the intact records (views on `buf`). */
  readonly records: Buffer[];
  readonly nextOffset: number;
  readonly problems: TfRecordProblem[];
  readonly stopped: boolean;
}

/** `scanTfRecords` collecting into arrays. */
export function readTfRecords(buf: Buffer, offset = 0): TfRecordsResult {
  const records: Buffer[] = [];
  const problems: TfRecordProblem[] = [];
  const scan = scanTfRecords(
    buf,
    offset,
    (s, e) => records.push(buf.subarray(s, e)),
    (o, message) => problems.push({ offset: o, message }),
  );
  return { records, nextOffset: scan.nextOffset, problems, stopped: scan.stopped };
}

// ---------------------------------------------------------------------------------------------
// Event decoding

/** Plugins whose tensors are never scalar metrics. */
const NON_SCALAR_PLUGINS = new Set(['hparams', 'histograms', 'images', 'audio', 'text', 'pr_curves', 'graph_keras_model', 'graph_run_metadata', 'graph_run_metadata_graph', 'mesh', 'projector', 'custom_scalars', 'distributions', 'profile']);


// Field keys (field number and wire type) of the messages read, from tensorflow/core/util/event.proto,
// tensorflow/core/framework/{summary,tensor,tensor_shape}.proto and tensorboard/plugins/hparams/plugin_data.proto.
const EVENT_WALL_TIME = fieldKey(1, WireType.Fixed64);
const EVENT_STEP = fieldKey(2, WireType.Varint);
const EVENT_FILE_VERSION = fieldKey(3, WireType.LengthDelimited);
const EVENT_SUMMARY = fieldKey(5, WireType.LengthDelimited);
const EVENT_SESSION_LOG = fieldKey(7, WireType.LengthDelimited);
const SESSION_LOG_STATUS = fieldKey(1, WireType.Varint);
const SESSION_LOG_START = 1;
const SUMMARY_VALUE = fieldKey(1, WireType.LengthDelimited);
const VALUE_TAG = fieldKey(1, WireType.LengthDelimited);
const VALUE_SIMPLE = fieldKey(2, WireType.Fixed32);
const VALUE_IMAGE = fieldKey(4, WireType.LengthDelimited);
const VALUE_TENSOR = fieldKey(8, WireType.LengthDelimited);
const VALUE_METADATA = fieldKey(9, WireType.LengthDelimited);
const METADATA_PLUGIN_DATA = fieldKey(1, WireType.LengthDelimited);
const METADATA_DATA_CLASS = fieldKey(4, WireType.Varint);
const PLUGIN_NAME = fieldKey(1, WireType.LengthDelimited);
const PLUGIN_CONTENT = fieldKey(2, WireType.LengthDelimited);
const TENSOR_DTYPE = fieldKey(1, WireType.Varint);
const TENSOR_SHAPE = fieldKey(2, WireType.LengthDelimited);
const TENSOR_CONTENT = fieldKey(4, WireType.LengthDelimited);
const TENSOR_STRING_VAL = fieldKey(8, WireType.LengthDelimited);
const IMAGE_ENCODED = fieldKey(4, WireType.LengthDelimited);
const SHAPE_DIM = fieldKey(2, WireType.LengthDelimited);
const SHAPE_UNKNOWN_RANK = fieldKey(3, WireType.Varint);
const DIM_SIZE = fieldKey(1, WireType.Varint);
const HPARAMS_SESSION_START_INFO = fieldKey(3, WireType.LengthDelimited);
const SESSION_START_HPARAMS = fieldKey(1, WireType.LengthDelimited);
const MAP_KEY = fieldKey(1, WireType.LengthDelimited);
const MAP_VALUE = fieldKey(2, WireType.LengthDelimited);
const PB_VALUE_NUMBER = fieldKey(2, WireType.Fixed64);
const PB_VALUE_STRING = fieldKey(3, WireType.LengthDelimited);
const PB_VALUE_BOOL = fieldKey(4, WireType.Varint);

// tensorflow/core/framework/types.proto
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_BFLOAT16 = 14;
const DT_UINT16 = 17;
const DT_HALF = 19;
const DT_UINT32 = 22;
const DT_UINT64 = 23;

/** TensorProto repeated value fields: float_val 5, double_val 6, int_val 7, int64_val 10, bool_val 11, half_val 13, uint32_val 16, uint64_val 17. */
const VALUE_FIELDS = new Set([5, 6, 7, 10, 11, 13, 16, 17]);
const VALUE_FIELD_OF_DTYPE = new Map<number, number>([
  [DT_FLOAT, 5],
  [DT_DOUBLE, 6],
  [DT_INT32, 7],
  [DT_INT16, 7],
  [DT_INT8, 7],
  [DT_UINT8, 7],
  [DT_UINT16, 7],
  [DT_INT64, 10],
  [DT_BOOL, 11],
  [DT_HALF, 13],
  [DT_BFLOAT16, 13],
  [DT_UINT32, 16],
  [DT_UINT64, 17],
]);

/** IEEE half precision bits to a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bfloat16ToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

interface SeriesBuilder {
  steps: number[];
  values: number[];
  times: (number | null)[];
  /** Restart generation of the last point (see `addPoint`). */
  gen: number;
}

/** Images kept per tag: up to twice this many, thinned to every other one (the newest always kept). */
export const IMAGES_PER_TAG = 20;

interface ImageEntry {
  readonly step: number;
  readonly image: EmbeddedImage;
}

interface ImageSeries {
  entries: ImageEntry[];
  /** Restart generation of the last image (see `addPoint`). */
  gen: number;
}

interface FileState {
  readonly file: string;
  readonly rel: string;
  readonly prefix: string;
  offset: number;
  /** Restart generation: bumped by each `file_version` event or SessionLog START in this file. */
  gen: number;
  /** A corrupt record length: nothing more can be read from this file. */
  broken: boolean;
}

/** No value decoded (NaN is a legitimate value, so it cannot be the marker). */
const NONE = Symbol('none');

/**
 * Incremental reader of one TensorBoard run folder. Call `read()` whenever the folder may have
 * changed; only bytes appended since the last call are decoded. Calls are serialized. `read()` gives
 * undefined once the folder holds no event files.
 */
export class TensorBoardRunReader extends IncrementalRunReader {
  private files: FileState[] = [];
  private series = new Map<string, SeriesBuilder>();
  private plugins = new Map<string, string>();
  private dataClasses = new Map<string, number>();
  private sessionHparams: Record<string, unknown> = {};
  private images = new Map<string, ImageSeries>();
  private gen = 0;
  private firstWall: number | undefined;
  private lastWall: number | undefined;
  private events = 0;
  private readonly r = new ProtoReader(Buffer.alloc(0));
  /** Tag bytes → key, so that the same tag is not decoded into a new string for every event. */
  private tagCache = new Map<number, { bytes: Buffer; prefix: string; key: string }[]>();

  /** Number of events decoded so far (all kinds). */
  get eventCount(): number {
    return this.events;
  }

  private reset(): void {
    this.files = [];
    this.series.clear();
    this.plugins.clear();
    this.dataClasses.clear();
    this.sessionHparams = {};
    this.images.clear();
    this.tagCache.clear();
    this.gen = 0;
    this.firstWall = undefined;
    this.lastWall = undefined;
    this.events = 0;
  }

  protected async readNow(now: number): Promise<ImportedRun | undefined> {
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
      this.files.push({ file: ref.file, rel: this.rel(ref.file), prefix: ref.prefix, offset: 0, gen: ++this.gen, broken: false });
    }
    for (const f of this.files) {
      const size = sizes.get(f.file);
      if (size !== undefined && !f.broken && size > f.offset) await this.readFile(f, size);
    }
    return this.build(now, newestMtime);
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

  private async readFile(f: FileState, size: number): Promise<void> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(f.file, 'r');
    } catch {
      return;
    }
    try {
      let need = 0;
      while (f.offset < size && !f.broken) {
        const remaining = size - f.offset;
        if (need > remaining) break; // The torn record at the end is still incomplete: later.
        const want = Math.min(remaining, Math.max(CHUNK_BYTES, need));
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(buf, 0, want, f.offset);
        if (bytesRead <= 0) break;
        const data = bytesRead < want ? buf.subarray(0, bytesRead) : buf;
        const base = f.offset;
        const scan = scanTfRecords(
          data,
          0,
          (s, e) => this.decodeEvent(data, s, e, f, base),
          (o, message) => this.problems.report(`TensorBoard: ${f.rel}: byte ${base + o}: ${message}`),
        );
        f.offset = base + scan.nextOffset;
        if (scan.stopped) f.broken = true;
        need = scan.need;
      }
    } finally {
      await handle.close();
    }
  }

  private rel(abs: string): string {
    return workspacePath(this.workspaceRoot, abs) || '.';
  }

  private decodeEvent(buf: Buffer, start: number, end: number, f: FileState, base: number): void {
    const r = this.r;
    r.reset(buf, start, end);
    let wall = NaN;
    let step = 0;
    let restart = false;
    let summaryStart = -1;
    let summaryEnd = -1;
    try {
      for (let k = r.next(); k !== 0; k = r.next()) {
        switch (k) {
          case EVENT_WALL_TIME:
            wall = r.double();
            break;
          case EVENT_STEP:
            step = r.varint();
            break;
          case EVENT_FILE_VERSION: // The first event a writer puts in a file.
            r.skip();
            restart = true;
            break;
          case EVENT_SUMMARY:
            summaryStart = r.bytesStart();
            summaryEnd = summaryStart + r.lastLength;
            break;
          case EVENT_SESSION_LOG: {
            const outer = r.enter();
            for (let k2 = r.next(); k2 !== 0; k2 = r.next()) {
              if (k2 === SESSION_LOG_STATUS) {
                if (r.varint() === SESSION_LOG_START) restart = true;
              } else r.skip();
            }
            r.leave(outer);
            break;
          }
          default:
            r.skip();
        }
      }
      this.events++;
      if (wall === wall) {
        if (this.firstWall === undefined || wall < this.firstWall) this.firstWall = wall;
        if (this.lastWall === undefined || wall > this.lastWall) this.lastWall = wall;
      }
      if (restart) f.gen = ++this.gen;
      if (summaryStart >= 0) {
        r.pos = summaryStart;
        r.end = summaryEnd;
        for (let k = r.next(); k !== 0; k = r.next()) {
          if (k === SUMMARY_VALUE) {
            const outer = r.enter();
            this.decodeValue(buf, f, step, wall === wall ? wall : null, base);
            r.leave(outer);
          } else r.skip();
        }
      }
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
      this.problems.report(`TensorBoard: ${f.rel}: byte ${base + start - 12}: cannot decode event (${e.message}); skipped`);
    }
  }

  /** One `Summary.Value`, the reader positioned inside it. */
  private decodeValue(buf: Buffer, f: FileState, step: number, wall: number | null, base: number): void {
    const r = this.r;
    let tagStart = -1;
    let tagLen = 0;
    let kind = 0; // 1 simple_value, 2 tensor, 3 image, 4 other payload
    let simple = 0;
    let tensorStart = -1;
    let tensorEnd = -1;
    let pluginStart = -1;
    let pluginLen = 0;
    let contentStart = -1;
    let contentEnd = -1;
    let dataClass = 0;
    let imageStart = -1;
    let imageLen = 0;
    for (let k = r.next(); k !== 0; k = r.next()) {
      switch (k) {
        case VALUE_TAG:
          tagStart = r.bytesStart();
          tagLen = r.lastLength;
          break;
        case VALUE_SIMPLE:
          simple = r.float();
          kind = 1;
          break;
        case VALUE_TENSOR:
          tensorStart = r.bytesStart();
          tensorEnd = tensorStart + r.lastLength;
          kind = 2;
          break;
        case VALUE_IMAGE: {
          const o = r.enter();
          for (let k2 = r.next(); k2 !== 0; k2 = r.next()) {
            if (k2 === IMAGE_ENCODED) {
              imageStart = r.bytesStart();
              imageLen = r.lastLength;
            } else r.skip();
          }
          r.leave(o);
          kind = 3;
          break;
        }
        case VALUE_METADATA: {
          const outer = r.enter();
          for (let k2 = r.next(); k2 !== 0; k2 = r.next()) {
            if (k2 === METADATA_PLUGIN_DATA) {
              const o2 = r.enter();
              for (let k3 = r.next(); k3 !== 0; k3 = r.next()) {
                if (k3 === PLUGIN_NAME) {
                  pluginStart = r.bytesStart();
                  pluginLen = r.lastLength;
                } else if (k3 === PLUGIN_CONTENT) {
                  contentStart = r.bytesStart();
                  contentEnd = contentStart + r.lastLength;
                } else r.skip();
              }
              r.leave(o2);
            } else if (k2 === METADATA_DATA_CLASS) dataClass = r.varint();
            else r.skip();
          }
          r.leave(outer);
          break;
        }
        default:
          if (r.field === 3 || r.field === 5 || r.field === 6) kind = 4; // histograms, audio
          r.skip();
      }
    }
    if (tagStart < 0) return;
    const key = this.key(buf, tagStart, tagLen, f.prefix);
    let plugin = pluginStart >= 0 ? buf.toString('utf8', pluginStart, pluginStart + pluginLen) : undefined;
    if (plugin !== undefined) this.plugins.set(key, plugin);
    else plugin = this.plugins.get(key);
    if (dataClass) this.dataClasses.set(key, dataClass);
    else dataClass = this.dataClasses.get(key) ?? 0;
    if (plugin === 'hparams') {
      if (contentStart >= 0 && key.endsWith('_hparams_/session_start_info')) this.readSessionStartInfo(contentStart, contentEnd);
      return;
    }
    if (kind === 1) {
      this.addPoint(key, step, simple, wall, f.gen);
    } else if (kind === 2 && plugin === 'images') {
      this.imageTensor(buf, tensorStart, tensorEnd, key, step, f, base);
    } else if (kind === 2) {
      // DATA_CLASS_SCALAR = 1 overrides the plugin name; otherwise known non-scalar plugins are skipped.
      if (dataClass !== 1 && plugin !== undefined && NON_SCALAR_PLUGINS.has(plugin)) return;
      if (key.includes('_hparams_/')) return;
      const v = this.scalarTensor(tensorStart, tensorEnd);
      if (v !== NONE) this.addPoint(key, step, v, wall, f.gen);
    } else if (kind === 3 && imageStart >= 0) {
      this.addImage(key, step, buf, imageStart, imageLen, 0, 1, f, base);
    }
  }

  /**
   * TF2 `tf.summary.image`: a string tensor `[width, height, image 1, image 2…]` of the `images` plugin.
   */
  private imageTensor(buf: Buffer, start: number, end: number, key: string, step: number, f: FileState, base: number): void {
    const r = this.r;
    const outerPos = r.pos;
    const outerEnd = r.end;
    r.pos = start;
    r.end = end;
    const spans: Array<[number, number]> = [];
    try {
      for (let k = r.next(); k !== 0; k = r.next()) {
        if (k === TENSOR_STRING_VAL) {
          const s = r.bytesStart();
          spans.push([s, r.lastLength]);
        } else r.skip();
      }
    } finally {
      r.pos = outerPos;
      r.end = outerEnd;
    }
    const images = spans.slice(2);
    images.forEach(([s, len], i) => this.addImage(key, step, buf, s, len, i, images.length, f, base));
  }

  /** Records one encoded image (purged after a restart like points, thinned past IMAGES_PER_TAG). */
  private addImage(key: string, step: number, buf: Buffer, start: number, len: number, i: number, count: number, f: FileState, base: number): void {
    const ext = imageExtension(buf, start, start + len);
    if (!ext) return;
    let s = this.images.get(key);
    if (!s) {
      s = { entries: [], gen: f.gen };
      this.images.set(key, s);
    } else if (f.gen > s.gen) {
      const n = s.entries.length;
      if (n > 0 && step <= s.entries[n - 1].step && i === 0) s.entries = s.entries.filter((e) => e.step < step);
      s.gen = f.gen;
    }
    const name = `images/${key}/step_${step}${count > 1 ? `_${i}` : ''}.${ext}`;
    s.entries.push({ step, image: { name, ref: { file: f.rel, offset: base + start, length: len, ext } } });
    if (s.entries.length >= 2 * IMAGES_PER_TAG) {
      const last = s.entries[s.entries.length - 1];
      s.entries = s.entries.filter((_, j) => j % 2 === 0 && j !== s!.entries.length - 1);
      s.entries.push(last);
    }
  }

  /** The metric key for a tag, reusing the string when the same bytes were seen before. */
  private key(buf: Buffer, start: number, len: number, prefix: string): string {
    const h = len > 0 ? len * 65599 + buf[start] * 257 + buf[start + len - 1] + buf[start + (len >>> 1)] * 31 : 0;
    let bucket = this.tagCache.get(h);
    if (bucket) {
      for (const c of bucket) {
        if (c.prefix === prefix && sameBytes(c.bytes, buf, start, len)) return c.key;
      }
    } else {
      bucket = [];
      this.tagCache.set(h, bucket);
    }
    const key = prefix + buf.toString('utf8', start, start + len);
    if (bucket.length < 8) bucket.push({ bytes: Buffer.from(buf.subarray(start, start + len)), prefix, key });
    return key;
  }

  /**
   * The value of a one-element numeric TensorProto at `[start, end)` of the reader's buffer, or NONE
   * (strings, several elements, unknown types). Restores the reader's position.
   */
  private scalarTensor(start: number, end: number): number | typeof NONE {
    const r = this.r;
    const outerPos = r.pos;
    const outerEnd = r.end;
    r.pos = start;
    r.end = end;
    let dtype = 0;
    let count = 1;
    let contentStart = -1;
    let contentLen = 0;
    let value: number | typeof NONE = NONE;
    let valueField = 0;
    try {
      for (let k = r.next(); k !== 0; k = r.next()) {
        if (k === TENSOR_DTYPE) dtype = r.varint();
        else if (k === TENSOR_SHAPE) {
          const o = r.enter();
          for (let k2 = r.next(); k2 !== 0; k2 = r.next()) {
            if (k2 === SHAPE_DIM) {
              const o2 = r.enter();
              let size = 1;
              for (let k3 = r.next(); k3 !== 0; k3 = r.next()) {
                if (k3 === DIM_SIZE) size = r.varint();
                else r.skip();
              }
              r.leave(o2);
              count *= size;
            } else if (k2 === SHAPE_UNKNOWN_RANK) {
              if (r.bool()) count = -1;
            } else r.skip();
          }
          r.leave(o);
        } else if (k === TENSOR_CONTENT) {
          contentStart = r.bytesStart();
          contentLen = r.lastLength;
        } else if (VALUE_FIELDS.has(r.field) && value === NONE) {
          valueField = r.field;
          value = this.firstRepeated(valueField);
        } else r.skip();
      }
    } finally {
      r.pos = outerPos;
      r.end = outerEnd;
    }
    if (count !== 1) return NONE;
    if (contentStart >= 0 && contentLen > 0) return fromContent(r.buf, contentStart, contentLen, dtype);
    if (value === NONE || VALUE_FIELD_OF_DTYPE.get(dtype) !== valueField) return NONE;
    if (dtype === DT_HALF) return halfToNumber(value);
    if (dtype === DT_BFLOAT16) return bfloat16ToNumber(value);
    return value;
  }

  /** The first element of a repeated numeric field (the one whose key was just read), packed or not. */
  private firstRepeated(field: number): number | typeof NONE {
    const r = this.r;
    const fixed = field === 5 ? 4 : field === 6 ? 8 : 0;
    const wire: number = r.wire;
    if (wire === WireType.LengthDelimited) {
      const start = r.bytesStart();
      const len = r.lastLength;
      if (len === 0) return NONE;
      if (fixed === 4) return len >= 4 ? r.buf.readFloatLE(start) : NONE;
      if (fixed === 8) return len >= 8 ? r.buf.readDoubleLE(start) : NONE;
      const pos = r.pos;
      const end = r.end;
      r.pos = start;
      r.end = start + len;
      const v = r.varint();
      r.pos = pos;
      r.end = end;
      return v;
    }
    if (fixed === 4 && wire === WireType.Fixed32) return r.float();
    if (fixed === 8 && wire === WireType.Fixed64) return r.double();
    if (fixed === 0 && wire === WireType.Varint) return r.varint();
    r.skip();
    return NONE;
  }

  /** hparams plugin `HParamsPluginData.session_start_info.hparams` (map<string, google.protobuf.Value>). */
  private readSessionStartInfo(start: number, end: number): void {
    const r = this.r;
    const pos = r.pos;
    const outerEnd = r.end;
    r.pos = start;
    r.end = end;
    try {
      for (let k = r.next(); k !== 0; k = r.next()) {
        if (k !== HPARAMS_SESSION_START_INFO) {
          r.skip();
          continue;
        }
        const o = r.enter();
        for (let k2 = r.next(); k2 !== 0; k2 = r.next()) {
          if (k2 !== SESSION_START_HPARAMS) {
            r.skip();
            continue;
          }
          const o2 = r.enter();
          let name = '';
          let value: unknown = null;
          for (let k3 = r.next(); k3 !== 0; k3 = r.next()) {
            if (k3 === MAP_KEY) name = r.string();
            else if (k3 === MAP_VALUE) {
              const o3 = r.enter();
              for (let k4 = r.next(); k4 !== 0; k4 = r.next()) {
                if (k4 === PB_VALUE_NUMBER) value = r.double();
                else if (k4 === PB_VALUE_STRING) value = r.string();
                else if (k4 === PB_VALUE_BOOL) value = r.bool();
                else r.skip();
              }
              r.leave(o3);
            } else r.skip();
          }
          r.leave(o2);
          if (name) this.sessionHparams[name] = value;
        }
        r.leave(o);
      }
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
    } finally {
      r.pos = pos;
      r.end = outerEnd;
    }
  }

  /**
   * Appends a point. TensorBoard's purge: when a tag's first point after a restart (a new file,
   * `file_version` or SessionLog START) has a step at or before the tag's last step, the run was
   * restarted from an earlier checkpoint; the points with step >= the new step are orphans and go.
   */
  private addPoint(key: string, step: number, value: number, wall: number | null, gen: number): void {
    let s = this.series.get(key);
    if (!s) {
      s = { steps: [], values: [], times: [], gen };
      this.series.set(key, s);
    } else if (gen > s.gen) {
      const n = s.steps.length;
      if (n > 0 && step <= s.steps[n - 1]) purge(s, step);
      s.gen = gen;
    }
    s.steps.push(step);
    s.values.push(value);
    s.times.push(wall);
  }

  private async build(now: number, newestMtime: number): Promise<ImportedRun> {
    const rel = this.rel(this.runFolder);
    const metrics = new Map<string, ImportedSeries>();
    for (const [key, s] of this.series) {
      if (s.steps.length > 0) metrics.set(key, { steps: s.steps.slice(), values: s.values.slice(), times: s.times.slice() });
    }
    const last = this.lastWall ?? (newestMtime || undefined);
    const running = last !== undefined && now - last <= RUNNING_WINDOW_SECONDS;
    const params: Record<string, unknown> = { ...this.sessionHparams, ...(await readHparamsYaml(this.runFolder, this.problems, this.workspaceRoot)) };
    // The parent folder names the experiment (`lightning_logs`, `runs`…); a run at the workspace root
    // has no parent inside the workspace.
    const atRoot = rel === '.';
    return {
      source: 'tensorboard',
      uid: `tensorboard:${rel}`,
      experiment: atRoot ? 'tensorboard' : path.basename(path.dirname(this.runFolder)),
      name: path.basename(this.runFolder),
      status: running ? 'running' : 'finished',
      startTime: this.firstWall,
      endTime: running ? undefined : this.lastWall,
      params,
      tags: [],
      folder: rel,
      metrics,
      artifacts: await this.artifacts(),
      images: this.embeddedImages(),
    };
  }

  private embeddedImages(): EmbeddedImage[] {
    const out: EmbeddedImage[] = [];
    for (const s of this.images.values()) for (const e of s.entries) out.push(e.image);
    return out;
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

function sameBytes(a: Buffer, b: Buffer, start: number, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

function purge(s: SeriesBuilder, step: number): void {
  let w = 0;
  for (let i = 0; i < s.steps.length; i++) {
    if (s.steps[i] < step) {
      s.steps[w] = s.steps[i];
      s.values[w] = s.values[i];
      s.times[w] = s.times[i];
      w++;
    }
  }
  s.steps.length = w;
  s.values.length = w;
  s.times.length = w;
}

function fromContent(buf: Buffer, start: number, len: number, dtype: number): number | typeof NONE {
  const need = (n: number): boolean => len >= n;
  switch (dtype) {
    case DT_FLOAT:
      return need(4) ? buf.readFloatLE(start) : NONE;
    case DT_DOUBLE:
      return need(8) ? buf.readDoubleLE(start) : NONE;
    case DT_INT32:
      return need(4) ? buf.readInt32LE(start) : NONE;
    case DT_UINT32:
      return need(4) ? buf.readUInt32LE(start) : NONE;
    case DT_INT64:
      return need(8) ? buf.readInt32LE(start + 4) * 4294967296 + buf.readUInt32LE(start) : NONE;
    case DT_UINT64:
      return need(8) ? buf.readUInt32LE(start + 4) * 4294967296 + buf.readUInt32LE(start) : NONE;
    case DT_INT16:
      return need(2) ? buf.readInt16LE(start) : NONE;
    case DT_UINT16:
      return need(2) ? buf.readUInt16LE(start) : NONE;
    case DT_INT8:
      return need(1) ? buf.readInt8(start) : NONE;
    case DT_UINT8:
      return need(1) ? buf.readUInt8(start) : NONE;
    case DT_BOOL:
      return need(1) ? (buf[start] ? 1 : 0) : NONE;
    case DT_HALF:
      return need(2) ? halfToNumber(buf.readUInt16LE(start)) : NONE;
    case DT_BFLOAT16:
      return need(2) ? bfloat16ToNumber(buf.readUInt16LE(start)) : NONE;
    default:
      return NONE;
  }
}

/** Lightning's `hparams.yaml` beside the event files, as params ({} when absent or unreadable). */
async function readHparamsYaml(runFolder: string, problems: Problems, workspaceRoot: string): Promise<Record<string, unknown>> {
  const file = path.join(runFolder, 'hparams.yaml');
  let text: string;
  try {
    text = (await readFileInside(workspaceRoot, file)).toString('utf8'); // not through a link out of the workspace
  } catch {
    return {};
  }
  const rel = workspacePath(workspaceRoot, file);
  let v: unknown;
  try {
    v = parseYaml(text);
  } catch (e) {
    if (!(e instanceof YamlError)) throw e;
    problems.report(`TensorBoard: ${rel}: line ${e.line}: ${e.message.replace(/^line \d+: /, '')}; ignored`);
    return {};
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    problems.report(`TensorBoard: ${rel}: line 1: not a YAML mapping; ignored`);
    return {};
  }
  return v as Record<string, unknown>;
}

/** Reads one run folder once (see TensorBoardRunReader for repeated reads). */
export function readTensorBoardRun(workspaceRoot: string, runFolder: string, problems: Problems = silentProblems, now?: number): Promise<ImportedRun | undefined> {
  return new TensorBoardRunReader(workspaceRoot, runFolder, problems).read(now);
}
