/**
 * Experiments with a file of their own: `<log root>/_experiments/<id>.json`, written by the Python
 * SDK (`labbook.Client().create_experiment(name, description, tags)`) and by Labbook's sidebar
 * (create, rename, describe, archive, note). An experiment's runs are the runs whose header
 * `project` (or a `move` edit) names it; the file adds what runs cannot say. Format:
 * docs/run-log-format.md, "Experiments".
 */
import * as crypto from 'crypto';

export const EXPERIMENTS_DIR = '_experiments';
export const EXPERIMENT_FORMAT = 'labbook-experiment';
/** Largest experiment file read (a description and a note are text, not data). */
export const MAX_EXPERIMENT_FILE_BYTES = 1024 * 1024;

export interface ExperimentMeta {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly note: string;
  readonly archived: boolean;
  /** The name it was renamed to: the old name is no longer shown once its runs have moved. */
  readonly renamedTo?: string;
  readonly created: number | null;
}

/** `exp-` and the first 12 hex digits of the SHA-256 of the UTF-8 name (the same id the SDK gives). */
export function experimentId(name: string): string {
  return `exp-${crypto.createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 12)}`;
}

/** The file name of an experiment (in EXPERIMENTS_DIR). */
export function experimentFileName(name: string): string {
  return `${experimentId(name)}.json`;
}

/**
 * Reads an experiment file's text. Returns the experiment, or a reason it is not one (not JSON,
 * another format, no name). Unknown fields are kept by `updateExperimentText`.
 */
export function parseExperimentFile(text: string): { meta: ExperimentMeta } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problem: `not JSON (${(e as Error).message})` };
  }
  if (!isObject(data) || data.format !== EXPERIMENT_FORMAT) return { problem: `not an experiment file (no "format": "${EXPERIMENT_FORMAT}")` };
  if (typeof data.name !== 'string' || !data.name.trim()) return { problem: 'the experiment has no name' };
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    meta: {
      id: typeof data.id === 'string' ? data.id : experimentId(data.name),
      name: data.name,
      description: str(data.description),
      tags: Array.isArray(data.tags) ? data.tags.filter((t): t is string => typeof t === 'string') : [],
      note: str(data.note),
      archived: data.archived === true,
      renamedTo: typeof data.renamed_to === 'string' && data.renamed_to.trim() ? data.renamed_to : undefined,
      created: typeof data.created === 'number' && Number.isFinite(data.created) ? data.created : null,
    },
  };
}

export interface ExperimentChange {
  readonly description?: string;
  readonly note?: string;
  readonly archived?: boolean;
  readonly renamedTo?: string | null;
  readonly tags?: readonly string[];
}

/**
 * The text of an experiment file after a change: the existing file's fields (those Labbook does not
 * know included) with the change applied, or a new file for `name`. Written with the same layout
 * as the SDK (sorted keys, one-space indent).
 */
export function updateExperimentText(existing: string | undefined, name: string, change: ExperimentChange, now: number): string {
  let data: Record<string, unknown> | undefined;
  if (existing !== undefined) {
    try {
      const parsed: unknown = JSON.parse(existing);
      if (isObject(parsed) && parsed.format === EXPERIMENT_FORMAT && parsed.name === name) data = { ...parsed };
    } catch {
      data = undefined;
    }
  }
  data ??= { format: EXPERIMENT_FORMAT, version: 1, id: experimentId(name), name, description: null, tags: [], created: now };
  if (change.description !== undefined) data.description = change.description;
  if (change.note !== undefined) data.note = change.note;
  if (change.archived !== undefined) data.archived = change.archived;
  if (change.renamedTo !== undefined) {
    if (change.renamedTo === null) delete data.renamed_to;
    else data.renamed_to = change.renamedTo;
  }
  if (change.tags !== undefined) data.tags = [...change.tags];
  data.updated = now;
  const sorted = Object.fromEntries(Object.keys(data).sort().map((k) => [k, data![k]]));
  return JSON.stringify(sorted, null, 1) + '\n';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
