import type { IndexReads } from '../core/worker/indexReads';
import type { RunSummary } from '../protocol/runPanel';

/**
 * A run's datasets for its page, each with the other runs that used the same data (the same
 * SHA-256), newest first. Only runs with datasets pay for the lookup.
 */
export async function datasetsForPage(reads: IndexReads, runId: number): Promise<RunSummary['datasets']> {
  const own = await reads.getDatasets(runId);
  const hashes = new Set(own.flatMap((d) => (d.sha256 ? [d.sha256] : [])));
  const users = new Map<string, Array<{ id: string; name: string; experiment: string }>>();
  if (hashes.size) {
    const others = (await reads.listRuns()).filter((r) => r.id !== runId);
    const datasets = await Promise.all(others.map((r) => reads.getDatasets(r.id)));
    for (const [i, r] of others.entries()) {
      for (const d of datasets[i]) {
        if (!d.sha256 || !hashes.has(d.sha256)) continue;
        const list = users.get(d.sha256) ?? [];
        if (!list.some((u) => u.id === r.uid)) list.push({ id: r.uid, name: r.name, experiment: r.experiment });
        users.set(d.sha256, list);
      }
    }
  }
  return own.map((d) => ({
    name: d.name, context: d.context, location: d.uri ?? d.path ?? '', size: d.size, sha256: d.sha256, description: d.description ?? '',
    sameData: (d.sha256 && users.get(d.sha256)) || [],
  }));
}
