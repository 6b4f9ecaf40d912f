/**
 * Which run a panel shows, in a form that survives a window reload: the webview keeps it as its
 * state, and the host finds the index again by the workspace folder. Run, compare and other run
 * panels all name runs this way.
 */
export interface RunRef {
  /** The workspace folder's URI (`folder.uri.toString()`) whose index holds the run. */
  readonly folder: string;
  /** The run's id (the `run_id` of its log header, or an imported run's id). */
  readonly uid: string;
}

/** A stable key of a run across workspace folders. */
export function runKey(ref: RunRef): string {
  return `${ref.folder}|${ref.uid}`;
}

/** Whether a value (from a webview's saved state) is a run reference. */
export function isRunRef(value: unknown): value is RunRef {
  const v = value as { folder?: unknown; uid?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.folder === 'string' && typeof v.uid === 'string' && v.folder.length > 0 && v.uid.length > 0 && v.folder.length < 4096 && v.uid.length < 4096;
}
