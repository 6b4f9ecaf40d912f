/**
 * "Rerun with this config": the command a run recorded (its `env` record: `command`, `argv`,
 * `cwd`), prepared to be typed into a terminal for the user to read and run with Enter. Nothing
 * here runs anything; a recorded command is text from a file, so one that holds a line break or
 * another control character (which a terminal would take as Enter, or as an escape sequence) is
 * refused rather than typed.
 */
import * as path from 'path';
import { isInside } from '../safePath';

/** Longest command typed (a recorded command line is short; a huge one is not a command to retype). */
export const MAX_RERUN_COMMAND = 8192;

export type RerunPlan =
  | { readonly ok: true; readonly command: string; readonly cwd: string; readonly cwdNote?: string }
  | { readonly ok: false; readonly reason: string };

/** Quotes one argument for a POSIX shell (as Python's `shlex.quote`). */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The command and working directory to offer for a run, from its env record. `workspaceRoot` is
 * the folder the run belongs to: a recorded working directory outside it (another machine, or a
 * path a file made up) is not used; the terminal opens in the workspace folder instead, saying so.
 */
export function rerunPlan(env: Record<string, unknown>, workspaceRoot: string): RerunPlan {
  let command = typeof env.command === 'string' ? env.command.trim() : '';
  if (!command && Array.isArray(env.argv) && env.argv.length && env.argv.every((a) => typeof a === 'string')) {
    const python = (env.python as { executable?: unknown } | undefined)?.executable;
    const interpreter = typeof python === 'string' && python ? path.basename(python) : 'python';
    command = [interpreter, ...(env.argv as string[])].map(shellQuote).join(' ');
  }
  if (!command) return { ok: false, reason: 'its log does not record the command that started it (no "command" in its env record)' };
  if (CONTROL.test(command)) return { ok: false, reason: 'its recorded command holds a line break or another control character; it is not typed into a terminal' };
  if (command.length > MAX_RERUN_COMMAND) return { ok: false, reason: `its recorded command is longer than ${MAX_RERUN_COMMAND} characters` };
  const cwd = typeof env.cwd === 'string' ? env.cwd : '';
  if (cwd && !CONTROL.test(cwd) && path.isAbsolute(cwd) && isInside(path.resolve(workspaceRoot), path.resolve(cwd))) return { ok: true, command, cwd: path.resolve(cwd) };
  const cwdNote = cwd ? `The run worked in ${cwd.replace(CONTROL, '?')}, outside this workspace; the terminal opens in the workspace folder.` : 'The run did not record its working directory; the terminal opens in the workspace folder.';
  return { ok: true, command, cwd: workspaceRoot, cwdNote };
}
