/** Names a query may use: field prefixes, attributes and their aliases, status names (MLflow's and Labbook's). */
import type { RunStatusValue } from '../format/records';
import type { AttributeName, Field, FieldKind } from './ast';
import { QueryError } from './tokens';

/** Prefixes as MLflow writes them, and their singular forms. */
export const PREFIXES: Readonly<Record<string, FieldKind>> = {
  metrics: 'metric', metric: 'metric',
  params: 'param', param: 'param', parameters: 'param', parameter: 'param',
  tags: 'tag', tag: 'tag',
  attributes: 'attribute', attribute: 'attribute', attr: 'attribute', attrs: 'attribute', run: 'attribute',
};

/** Every attribute name accepted (lower case), to the attribute it means. */
export const ATTRIBUTES: Readonly<Record<string, AttributeName>> = {
  run_id: 'run_id', id: 'run_id', uid: 'run_id', run_uuid: 'run_id',
  run_name: 'name', name: 'name',
  status: 'status',
  start_time: 'start_time', created: 'start_time', start: 'start_time',
  end_time: 'end_time', end: 'end_time',
  experiment: 'experiment', experiment_name: 'experiment',
  source: 'source', tracker: 'source',
  archived: 'archived',
  deleted: 'deleted',
  duration: 'duration',
  note: 'note', notes: 'note',
  description: 'description',
  folder: 'folder',
};

/** MLflow attributes Labbook has no equivalent for, with what to use instead. */
const NOT_AVAILABLE: Readonly<Record<string, string>> = {
  artifact_uri: "Labbook keeps no artifact URI; attributes.folder is the run's folder in the workspace",
  user_id: 'Labbook records no user',
  lifecycle_stage: 'use attributes.deleted = true for runs deleted in their tracker, attributes.archived for archived ones',
  experiment_id: 'use attributes.experiment = "<name>"',
};

/** Status names to Labbook's, lower case: Labbook's own, MLflow's, and common synonyms. */
export const STATUS_NAMES: Readonly<Record<string, RunStatusValue>> = {
  running: 'running', scheduled: 'running', active: 'running',
  finished: 'finished', completed: 'finished', complete: 'finished', succeeded: 'finished', success: 'finished', done: 'finished',
  failed: 'failed', failure: 'failed', crashed: 'failed', error: 'failed',
  killed: 'killed', stopped: 'killed', cancelled: 'killed', canceled: 'killed', aborted: 'killed',
};

export function statusValue(text: string): RunStatusValue | undefined {
  return STATUS_NAMES[text.trim().toLowerCase()];
}

/** Resolves `prefix` + `key` (the prefix as written) to a field, or throws with a suggestion. */
export function resolveField(prefix: string | undefined, key: string, start: number, end: number, keyStart: number): Field {
  if (prefix === undefined) {
    const attr = ATTRIBUTES[key.toLowerCase()];
    if (attr) return { kind: 'attribute', key: attr, start, end };
    throw new QueryError(unknownBare(key), start, end);
  }
  const kind = PREFIXES[prefix.toLowerCase()];
  if (!kind) {
    const guess = suggest(prefix.toLowerCase(), ['metrics', 'params', 'tags', 'attributes']);
    const hint = guess ? ` — did you mean '${guess}'?` : ': write metrics., params., tags. or attributes.';
    throw new QueryError(`unknown field type '${prefix}'${hint}`, start, keyStart - 1);
  }
  if (key === '') throw new QueryError(`expected a key after '${prefix}.'`, start, end);
  if (kind !== 'attribute') return { kind, key, start, end };
  const attr = ATTRIBUTES[key.toLowerCase()];
  if (attr) return { kind, key: attr, start, end };
  const unavailable = NOT_AVAILABLE[key.toLowerCase()];
  if (unavailable) throw new QueryError(`attribute '${key}' is not available: ${unavailable}`, keyStart, end);
  const guess = suggest(key.toLowerCase(), Object.keys(ATTRIBUTES));
  const hint = guess ? ` — did you mean '${guess}'?` : `; attributes are ${CANONICAL.join(', ')}`;
  throw new QueryError(`unknown attribute '${key}'${hint}`, keyStart, end);
}

const CANONICAL = ['run_id', 'run_name', 'status', 'start_time', 'end_time', 'experiment', 'source', 'archived', 'deleted', 'duration', 'note', 'description', 'folder'];

function unknownBare(key: string): string {
  const guess = suggest(key.toLowerCase(), Object.keys(ATTRIBUTES));
  if (guess) return `unknown attribute '${key}' — did you mean '${guess}'?`;
  return `unknown name '${key}': write metrics.${key}, params.${key}, tags.${key} or attributes.<name>`;
}

/** The closest candidate within a small edit distance, if any. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Damerau–Levenshtein distance (adjacent swaps count one), enough for typos in short names. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
