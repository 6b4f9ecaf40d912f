/**
 * What else than parameters can explain why two runs differ: the code (git commit, branch, local
 * changes), the environment (Python, packages, machine) and the data (each dataset's hash, size and
 * place). Each becomes rows of one value per run, marked where the runs disagree.
 */
import { paramDiff } from './diff';
import type { DatasetRow } from './store/store';

export interface ContextRow { readonly key: string; readonly values: Array<string | null>; readonly differs: boolean }

export interface CompareContext {
  /** `commit`, `branch`, `dirty` of each run's git state. */
  readonly git: ContextRow[];
  /** The rest of each run's environment, flattened (`python.version`, `host.cpu_count`). */
  readonly env: ContextRow[];
  /** One row per dataset (`context/name`): its hash, else its size and place. */
  readonly datasets: ContextRow[];
}

export interface ContextSource {
  readonly env: Readonly<Record<string, unknown>>;
  readonly datasets: readonly DatasetRow[];
}

function shown(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function rows(values: ReadonlyArray<Readonly<Record<string, unknown>>>): ContextRow[] {
  return paramDiff(values).map((r) => ({ key: r.key, values: r.values.map(shown), differs: r.differs }));
}

/** How a dataset is told apart: its content hash when logged, else its size and path or URI. */
function datasetIdentity(d: DatasetRow): string {
  if (d.sha256) return `sha256 ${d.sha256.slice(0, 12)}`;
  const where = d.path ?? d.uri ?? '';
  return [d.size === null ? '' : `${d.size} bytes`, where].filter(Boolean).join(' · ') || 'logged';
}

export function compareContext(sources: readonly ContextSource[]): CompareContext {
  const git = sources.map((s) => {
    const g = s.env.git;
    if (g === null || typeof g !== 'object' || Array.isArray(g)) return {};
    const o = g as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of ['commit', 'branch', 'dirty', 'remote']) if (o[k] !== undefined) out[k] = o[k];
    return out;
  });
  const env = sources.map((s) => {
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.env)) if (k !== 'git') Object.defineProperty(rest, k, { value: v, enumerable: true, writable: true, configurable: true });
    return rest;
  });
  const datasets = sources.map((s) => {
    const out: Record<string, unknown> = {};
    for (const d of s.datasets) Object.defineProperty(out, d.context ? `${d.context}/${d.name}` : d.name, { value: datasetIdentity(d), enumerable: true, writable: true, configurable: true });
    return out;
  });
  // Dataset names may hold dots: one level only, not flattened further.
  const datasetRows = (() => {
    const keys = [...new Set(datasets.flatMap((d) => Object.keys(d)))].sort();
    return keys.map((key) => {
      const values = datasets.map((d) => (Object.prototype.hasOwnProperty.call(d, key) ? (d[key] as string) : null));
      return { key, values, differs: values.some((v) => v !== values[0]) };
    });
  })();
  return { git: rows(git), env: rows(env), datasets: datasetRows };
}
