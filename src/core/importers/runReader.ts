import { type Problems, silentProblems } from '../problems';
import type { ImportedRun, ReadSlice } from './contract';

/**
 * Base of the incremental readers of one run folder: call `read()` whenever the folder may have
 * changed; calls are serialized, and each decodes only what is new since the last one.
 */
export abstract class IncrementalRunReader {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly workspaceRoot: string,
    readonly runFolder: string,
    protected readonly problems: Problems = silentProblems,
  ) {}

  /**
   * Reads what is new and returns the whole run (undefined when there is none), after any read under
   * way. With `slice`, a reader that can may stop early (see ReadSlice).
   */
  read(now = Date.now() / 1000, slice?: ReadSlice): Promise<ImportedRun | undefined> {
    const next = this.queue.then(() => this.readNow(now, slice));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** One read; never called while another is under way. */
  protected abstract readNow(now: number, slice?: ReadSlice): Promise<ImportedRun | undefined>;
}
