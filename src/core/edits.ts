/**
 * What a user changes in the UI (name, note, tags, archived) is written to an edits file, never
 * only to the index: next to a native run (`<run folder>/labbook.edits.jsonl`), and for runs read
 * from other trackers in Labbook's own folder (`<log root>/_imported/<source>-<hash>.jsonl`), never
 * into the other tool's files. Edits override what the run's own log says.
 * Each line is a record like the run log's: `set` (name), `note`, `tags` (reset: the full list), `archive`,
 * `move` (to another experiment), `star`, and `end` (the run was stopped from the UI: the status it
 * ends with when its own log still says `running`, because its process could not write it).
 */
import * as crypto from 'crypto';
import * as path from 'path';
import { appendInside } from './safePath';

export const EDITS_FILE = 'labbook.edits.jsonl';
export const IMPORTED_EDITS_DIR = '_imported';

export interface RunEdits {
  readonly name?: string;
  readonly note?: string;
  readonly tags?: readonly string[];
  readonly archived?: boolean;
  /** The experiment the run was moved to. */
  readonly experiment?: string;
  readonly starred?: boolean;
  /** The status the run ended with when stopped from the UI (applies only while its log says running). */
  readonly end?: { readonly status: 'killed'; readonly message: string };
}

export type EditRecord =
  | { readonly t: 'set'; readonly name: string }
  | { readonly t: 'note'; readonly text: string }
  | { readonly t: 'tags'; readonly tags: readonly string[]; readonly reset: true }
  | { readonly t: 'archive'; readonly archived: boolean }
  | { readonly t: 'move'; readonly experiment: string }
  | { readonly t: 'star'; readonly starred: boolean }
  | { readonly t: 'end'; readonly status: 'killed'; readonly message: string };

/** Longest experiment name accepted in an edit (a name is a label, not a document). */
export const MAX_EXPERIMENT_NAME = 200;

/** Why an experiment name cannot be used, or undefined when it can. */
export function experimentNameProblem(name: string): string | undefined {
  if (!name.trim()) return 'A name is needed';
  if (name.length > MAX_EXPERIMENT_NAME) return `At most ${MAX_EXPERIMENT_NAME} characters`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'No control characters (line breaks, tabs)';
  return undefined;
}

/** Workspace-relative (posix) path of the edits file of a run. */
export function editsPath(run: { readonly uid: string; readonly source: string; readonly folder: string }, logRoot: string): string {
  if (run.source === 'labbook') return `${run.folder}/${EDITS_FILE}`;
  const hash = crypto.createHash('sha1').update(run.uid).digest('hex').slice(0, 16);
  return `${logRoot}/${IMPORTED_EDITS_DIR}/${run.source}-${hash}.jsonl`;
}

/**
 * Appends one edit (with the run's uid and the time) to the run's edits file. Never through a link:
 * an edits file (or a folder on its way) that is a link, for instance one a cloned repository points
 * at `~/.bashrc`, is refused with an error naming it (OutsideError).
 */
export async function appendEdit(root: string, relPath: string, uid: string, record: EditRecord): Promise<void> {
  const file = path.join(root, ...relPath.split('/'));
  await appendInside(root, file, JSON.stringify({ ...record, uid, time: Date.now() / 1000 }) + '\n');
}

/** Folds an edits file's text into the latest value of each field; also returns the uid it names. */
export function parseEdits(text: string): { uid?: string; edits: RunEdits; bad: number[] } {
  let uid: string | undefined;
  const edits: { -readonly [K in keyof RunEdits]: RunEdits[K] } = {};
  const bad: number[] = [];
  const lines = text.split('\n');
  // The last line may be torn (being written): it is left for later.
  if (!text.endsWith('\n')) lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      bad.push(i + 1);
      return;
    }
    if (typeof r.uid === 'string') uid = r.uid;
    if (r.t === 'set' && typeof r.name === 'string' && r.name.trim()) edits.name = r.name;
    else if (r.t === 'note' && typeof r.text === 'string') edits.note = r.text;
    else if (r.t === 'tags' && Array.isArray(r.tags)) edits.tags = r.tags.filter((x): x is string => typeof x === 'string');
    else if (r.t === 'archive' && typeof r.archived === 'boolean') edits.archived = r.archived;
    else if (r.t === 'move' && typeof r.experiment === 'string' && !experimentNameProblem(r.experiment)) edits.experiment = r.experiment.trim();
    else if (r.t === 'star' && typeof r.starred === 'boolean') edits.starred = r.starred;
    else if (r.t === 'end' && r.status === 'killed') edits.end = { status: 'killed', message: typeof r.message === 'string' ? r.message.slice(0, 1000) : 'Killed' };
    else bad.push(i + 1);
  });
  return { uid, edits, bad };
}
