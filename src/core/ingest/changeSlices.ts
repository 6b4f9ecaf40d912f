import { emptyChanges, hasChanges, type IngestChanges } from './changes';

/**
 * Where the changes of a long read are handed over while it goes on: the run and its first points
 * show after the first slice of a big file instead of once the whole file is read.
 */
export interface SlicePublish {
  /** Hears the changes committed since the last call (each change is heard once: here or in the sync's result). */
  readonly send: (changes: IngestChanges) => void;
  /** Least time between two calls of `send` (milliseconds). */
  readonly everyMs: number;
  /** The clock (tests move it by hand). */
  readonly now?: () => number;
}

/** Time between two hand-overs of a long read by default: a few a second. */
export const DEFAULT_SLICE_PUBLISH_MS = 250;

/**
 * The changes of one sync, gathered slice by slice. After each committed slice `committed` may
 * hand what was gathered to `publish.send` and start afresh; `rest` is what was not handed over.
 */
export class ChangeSlices {
  private current = emptyChanges();
  private lastSent: number;
  private sentAny = false;

  constructor(private readonly publish?: SlicePublish) {
    this.lastSent = this.now();
  }

  /** Where the changes of the slice being read go. */
  get changes(): IngestChanges {
    return this.current;
  }

  /**
   * A slice was committed. `more`: the file it came from holds more to read. The first slice of a
   * read that goes on is handed over at once (a big log's run shows right away); later ones at most
   * every `everyMs`.
   */
  committed(more: boolean): void {
    const p = this.publish;
    if (!p || !hasChanges(this.current)) return;
    const now = this.now();
    if (!(more && !this.sentAny) && now - this.lastSent < p.everyMs) return;
    const out = this.current;
    this.current = emptyChanges();
    this.lastSent = now;
    this.sentAny = true;
    p.send(out);
  }

  /** What was gathered and not handed over (the sync's result). */
  rest(): IngestChanges {
    const out = this.current;
    this.current = emptyChanges();
    return out;
  }

  private now(): number {
    return (this.publish?.now ?? Date.now)();
  }
}
