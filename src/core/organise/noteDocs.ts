/**
 * Notes of runs and experiments opened as Markdown documents (`labbook-note:` URIs): which note a
 * document path stands for, and back. Saving the document writes the note where it lives (a run's
 * edits file, an experiment's file); the document holds no copy of its own.
 */

export const NOTE_SCHEME = 'labbook-note';
/** Longest note saved (a note is prose, not a data file). */
export const MAX_NOTE_BYTES = 1024 * 1024;

export interface NoteTarget {
  /** Which workspace folder (its index in the workspace). */
  readonly folder: number;
  readonly kind: 'run' | 'experiment';
  /** The run's uid, or the experiment's name. */
  readonly id: string;
}

/** A file name for the editor tab: the name's safe characters, `.md`. */
function tabName(label: string): string {
  const safe = label.replace(/[^\p{L}\p{N} ._()-]+/gu, '_').replace(/^[ .]+/, '').slice(0, 60).trim() || 'note';
  return `${safe} (note).md`;
}

/** The document path of a note: `/<folder>/<kind>/<id, URI-encoded>/<name> (note).md`. */
export function notePath(target: NoteTarget, label: string): string {
  return `/${target.folder}/${target.kind}/${encodeURIComponent(target.id)}/${tabName(label)}`;
}

/** The note a document path stands for, or undefined when it is not one. */
export function parseNotePath(p: string): NoteTarget | undefined {
  const m = /^\/(\d{1,4})\/(run|experiment)\/([^/]+)\/[^/]+\.md$/.exec(p);
  if (!m) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[3]);
  } catch {
    return undefined;
  }
  if (!id || id.includes('\0')) return undefined;
  return { folder: Number(m[1]), kind: m[2] as NoteTarget['kind'], id };
}

/** Whether a path is one of the folders above note documents (`/`, `/0`, `/0/run`, `/0/run/<id>`): the editor looks at them before it saves. */
export function isNoteFolder(p: string): boolean {
  return /^\/(\d{1,4}(\/(run|experiment)(\/[^/]+)?)?)?\/?$/.test(p);
}

/** The note text of a saved document: UTF-8, at most MAX_NOTE_BYTES, with Windows line ends made plain. */
export function noteFromBytes(content: Uint8Array): { text: string } | { problem: string } {
  if (content.byteLength > MAX_NOTE_BYTES) return { problem: `the note is ${(content.byteLength / 1024 / 1024).toFixed(1)} MB; a note can hold at most ${MAX_NOTE_BYTES / 1024 / 1024} MB` };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(content).replace(/\r\n?/g, '\n');
  return { text: text.endsWith('\n') && !text.endsWith('\n\n') ? text.slice(0, -1) : text };
}
