// The status a run ends with when the program exits, the same table as the Python SDK
// (docs/python-sdk.md, "Status: how a run ends"): 0 → finished; 128 + SIGHUP, SIGINT or SIGTERM
// (what shells report for a death by that signal) → killed; any other code → failed.

export type ExitStatus = 'finished' | 'failed' | 'killed';

/** 129, 130 and 143: the codes of a death by SIGHUP, SIGINT and SIGTERM. */
export const KILLED_EXIT_CODES: readonly number[] = [128 + 1, 128 + 2, 128 + 15];

/** The final status and message for a process exiting with `code`. */
export function statusForExitCode(code: number | string | null | undefined): [ExitStatus, string | undefined] {
  const n = code === null || code === undefined || code === '' ? 0 : Number(code);
  if (n === 0) return ['finished', undefined];
  return [KILLED_EXIT_CODES.includes(n) ? 'killed' : 'failed', `exit code ${Number.isFinite(n) ? n : String(code)}`];
}
