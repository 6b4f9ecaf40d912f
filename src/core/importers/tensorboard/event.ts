/**
 * Decodes `tensorflow.Event` records into series, images and hparams. Scalars come either as
 * `Summary.Value.simple_value` (TF1, PyTorch, Lightning) or as a one-element numeric `TensorProto`
 * (TF2 `tf.summary.scalar`, Keras). One decoder holds what a run's files gave so far.
 */
import { fieldKey, ProtoError, ProtoReader, WireType } from '../../codecs/protobuf';
import type { Problems } from '../../problems';
import type { ImportedSeries } from '../contract';
import { type EmbeddedImage, imageExtension } from '../embedded';
import { readSessionStartInfo } from './hparams';
import { NONE, scalarTensor } from './tensor';


/** Plugins whose tensors are never scalar metrics. */
const NON_SCALAR_PLUGINS = new Set(['hparams', 'histograms', 'images', 'audio', 'text', 'pr_curves', 'graph_keras_model', 'graph_run_metadata', 'graph_run_metadata_graph', 'mesh', 'projector', 'custom_scalars', 'distributions', 'profile']);

// Field keys (field number and wire type) of the messages read, from tensorflow/core/util/event.proto
// and tensorflow/core/framework/{summary,tensor}.proto.
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
const TENSOR_STRING_VAL = fieldKey(8, WireType.LengthDelimited);
const IMAGE_ENCODED = fieldKey(4, WireType.LengthDelimited);

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

/** An event file being read, and where. */
export interface EventFile {
  readonly file: string;
  readonly rel: string;
  readonly prefix: string;
  offset: number;
  /** Restart generation: bumped by each `file_version` event or SessionLog START in this file. */
  gen: number;
  /** A corrupt record length: nothing more can be read from this file. */
  broken: boolean;
}

export class EventDecoder {
  readonly series = new Map<string, SeriesBuilder>();
  private readonly plugins = new Map<string, string>();
  private readonly dataClasses = new Map<string, number>();
  readonly sessionHparams: Record<string, unknown> = {};
  private readonly images = new Map<string, ImageSeries>();
  /** Restart generation, bumped by each new file and each restart marker in one (see `addPoint`). */
  private gen = 0;
  firstWall: number | undefined;
  lastWall: number | undefined;
  /** Number of events decoded so far (all kinds). */
  events = 0;
  private readonly r = new ProtoReader(Buffer.alloc(0));
  /** Tag bytes → key, so that the same tag is not decoded into a new string for every event. */
  private readonly tagCache = new Map<number, { bytes: Buffer; prefix: string; key: string }[]>();

  constructor(private readonly problems: Problems) {}

  /** The generation of a file newly found: a new file starts a new session (points for a tag may go back). */
  nextGeneration(): number {
    return ++this.gen;
  }

  /**
   * The series decoded so far, copied; or, `shared`, the decoder's own arrays, valid until the next
   * decode (a huge file read in slices is handed over whole after each one: copying it each time
   * would cost the square of its length).
   */
  metrics(shared = false): Map<string, ImportedSeries> {
    const metrics = new Map<string, ImportedSeries>();
    for (const [key, s] of this.series) {
      if (s.steps.length === 0) continue;
      metrics.set(key, shared ? { steps: s.steps, values: s.values, times: s.times } : { steps: s.steps.slice(), values: s.values.slice(), times: s.times.slice() });
    }
    return metrics;
  }

  decodeEvent(buf: Buffer, start: number, end: number, f: EventFile, base: number): void {
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
  private decodeValue(buf: Buffer, f: EventFile, step: number, wall: number | null, base: number): void {
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
      if (contentStart >= 0 && key.endsWith('_hparams_/session_start_info')) readSessionStartInfo(this.r, contentStart, contentEnd, this.sessionHparams);
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
      const v = scalarTensor(this.r, tensorStart, tensorEnd);
      if (v !== NONE) this.addPoint(key, step, v, wall, f.gen);
    } else if (kind === 3 && imageStart >= 0) {
      this.addImage(key, step, buf, imageStart, imageLen, 0, 1, f, base);
    }
  }

  /**
   * TF2 `tf.summary.image`: a string tensor `[width, height, image 1, image 2…]` of the `images` plugin.
   */
  private imageTensor(buf: Buffer, start: number, end: number, key: string, step: number, f: EventFile, base: number): void {
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
  private addImage(key: string, step: number, buf: Buffer, start: number, len: number, i: number, count: number, f: EventFile, base: number): void {
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

  embeddedImages(): EmbeddedImage[] {
    const out: EmbeddedImage[] = [];
    for (const s of this.images.values()) for (const e of s.entries) out.push(e.image);
    return out;
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
