import { artifactRealPath, locateArtifact, type ArtifactOwner } from '../core/artifacts';
import { downsampleMinMax } from '../core/downsample';
import type { ChartLine } from '../core/chartLine';
import type { Points } from '../core/store/store';
import type { SeriesData } from '../protocol/runPanel';

/**
 * A series as the run page gets it: reduced to `max` points when longer (min-max buckets keep every
 * spike), with the time of each point for system metrics, which the page draws against time.
 * A line read already reduced (see core/chartLine.ts) stays marked reduced.
 */
export function seriesForPage(key: string, pts: Points | ChartLine, total: number, max: number): { data: SeriesData; reduced: boolean } {
  const cut = pts.steps.length > max;
  const reduced = cut || ('reduced' in pts && pts.reduced);
  const { steps, values } = cut ? downsampleMinMax(pts.steps, pts.values, max) : pts;
  const data: SeriesData = { key, steps, values, total };
  if (!key.startsWith('system/')) return { data, reduced };
  let times = pts.times;
  if (cut) {
    const at = new Map<number, number>();
    for (let i = 0; i < pts.steps.length; i++) at.set(pts.steps[i], pts.times[i]);
    times = steps.map((s) => at.get(s) ?? NaN);
  }
  return { data: { ...data, times: times.slice() }, reduced };
}

/**
 * The real path of the git diff a run recorded (`env.git.diff`, relative to its run folder), once
 * it is known to be a file inside the run folder; throws saying why otherwise.
 */
export async function gitDiffPath(workspaceRoot: string, run: ArtifactOwner, env: Readonly<Record<string, unknown>>): Promise<string> {
  const git = env.git as { diff?: unknown } | undefined;
  const rel = git && typeof git === 'object' && typeof git.diff === 'string' ? git.diff : '';
  if (!rel) throw new Error('the run recorded no diff');
  const where = locateArtifact(workspaceRoot, { folder: run.folder, source: 'labbook' }, rel);
  if (!where || where.kind !== 'file') throw new Error(`${rel} is not a file of the run folder`);
  return artifactRealPath(workspaceRoot, { folder: run.folder, source: 'labbook' }, where);
}
