import * as fs from 'fs';
import * as path from 'path';
import { EVENTS_FILE } from './core/format/records';
import type { RunRow } from './core/store/store';

/** Most run logs watched this way at once, the runs that wrote last first (the others wait for the workspace watcher and the poll). */
export const MAX_LIVE_LOGS = 64;

/**
 * Watches the logs of running runs directly (inotify through `fs.watch`), so that a line a run
 * writes is read at once: the workspace's file watcher delivers its events in batches, a few
 * hundred milliseconds late, and the poll stays for what both miss. Nothing is polled here: a
 * watch costs nothing while its file is quiet.
 */
export class LiveLogWatch {
  private readonly watched = new Map<string, fs.FSWatcher>();

  /** `root`: the workspace folder the runs' folders are relative to; `onChange` hears a watched log's absolute path. */
  constructor(private readonly root: string, private readonly onChange: (file: string) => void) {}

  /** Watches the logs of these runs that are running (and only those). */
  update(runs: readonly RunRow[]): void {
    const live = runs.filter((r) => r.status === 'running' && r.source === 'labbook')
      .sort((a, b) => (b.lastActivity ?? 0) - (a.lastActivity ?? 0))
      .slice(0, MAX_LIVE_LOGS);
    const want = new Set(live.map((r) => path.join(this.root, r.folder, EVENTS_FILE)));
    for (const file of this.watched.keys()) if (!want.has(file)) this.stop(file);
    for (const file of want) if (!this.watched.has(file)) this.start(file);
  }

  /** The logs watched now. */
  get files(): string[] {
    return [...this.watched.keys()];
  }

  dispose(): void {
    for (const file of [...this.watched.keys()]) this.stop(file);
  }

  private start(file: string): void {
    try {
      const watcher = fs.watch(file, { persistent: false }, (event) => {
        // Replaced or removed: this watch is over; the next update watches the new file.
        if (event === 'rename') this.stop(file);
        this.onChange(file);
      });
      watcher.on('error', () => this.stop(file));
      this.watched.set(file, watcher);
    } catch {
      // Gone already, or not watchable here: the workspace watcher and the poll still read it.
    }
  }

  private stop(file: string): void {
    this.watched.get(file)?.close();
    this.watched.delete(file);
  }
}
