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
