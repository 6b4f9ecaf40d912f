// Writes a Labbook workspace for the scale benchmark and the big-workspace trials: runs whose
// events.jsonl hold `points` points between them over `metrics` metrics (one line per step),
// streamed to disk so that 100 M points need no memory. Nothing it writes is committed.
//   node out/bench/genScale.js <folder> <points> [metrics] [runs]
// With one run (the benchmark's case) the run is `scale-run/` (run id `scale`); with several, runs
// `big-0` … `big-<n-1>` in folders `scale-run-<i>/` of the project `scale`. Metric `m0` of every run
// has a spike (value SPIKE_VALUE + run index) every `SPIKE_EVERY` steps, at steps ≡ SPIKE_OFFSET, so a
// chart that drops one can be told.
import * as fs from 'fs';
import * as path from 'path';

export const SPIKE_EVERY = 100_003;
export const SPIKE_OFFSET = 50_001;
export const SPIKE_VALUE = 50;

/** Steps of metric `m0` that hold a spike, in a run of `steps` steps. */
export function spikeSteps(steps: number): number[] {
  const out: number[] = [];
  for (let s = SPIKE_OFFSET; s < steps; s += SPIKE_EVERY) out.push(s);
  return out;
}

/** What one generated run is called and where it lies. */
export interface ScaleRun { readonly runId: string; readonly name: string; readonly file: string; readonly steps: number }

/**
 * Writes one run of `steps` steps over metrics `m0` … `m<metrics-1>` (seeded by `index`). A `live`
 * run is still running: its last step is logged now, and it has no end (lines can be appended).
 */
export function writeRun(file: string, runId: string, name: string, steps: number, metrics: number, index: number, opts: { project?: string; live?: boolean } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const keys = Array.from({ length: metrics }, (_, i) => `m${i}`);
  const t0 = opts.live ? Date.now() / 1000 - steps * 0.01 : 1_700_000_000;
  fs.writeSync(fd, `${JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: runId, project: opts.project ?? 'scale', name, time: t0 })}\n`);
  let chunk: string[] = [];
  let seed = 1 + index;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  for (let s = 0; s < steps; s++) {
    const values: Record<string, number> = {};
    for (let k = 0; k < keys.length; k++) values[keys[k]] = Number((Math.sin(s / (500 + k)) + random() * 0.1).toFixed(6));
    if (s % SPIKE_EVERY === SPIKE_OFFSET) values.m0 = SPIKE_VALUE + index;
    chunk.push(JSON.stringify({ t: 'metrics', step: s, time: t0 + s * 0.01, values }));
    if (chunk.length === 20_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  if (!opts.live) fs.writeSync(fd, `${JSON.stringify({ t: 'status', status: 'finished', time: t0 + steps * 0.01 })}\n`);
  fs.closeSync(fd);
}

/** The runs `generateRuns` writes for these sizes (names, files, steps), without writing them. */
export function scaleRuns(root: string, points: number, metrics = 10, runs = 1): ScaleRun[] {
  const steps = Math.ceil(points / runs / metrics);
  const single = runs === 1;
  return Array.from({ length: runs }, (_, i) => ({
    runId: single ? 'scale' : `scale-${i}`,
    name: single ? 'scale' : `big-${i}`,
    file: path.join(root, 'labbook', single ? 'scale-run' : `scale-run-${i}`, 'events.jsonl'),
    steps,
  }));
}

/** `runs` runs holding `points` points in all (each `points / runs`, rounded up to whole steps). */
export function generateRuns(root: string, points: number, metrics = 10, runs = 1): ScaleRun[] {
  const out = scaleRuns(root, points, metrics, runs);
  out.forEach((run, i) => writeRun(run.file, run.runId, run.name, run.steps, metrics, i));
  return out;
}

/** One run of `points` points over `metrics` metrics; returns its log file. */
export function generateWorkspace(root: string, points: number, metrics = 10): string {
  return generateRuns(root, points, metrics, 1)[0].file;
}

if (require.main === module) {
  const [folder, points, metrics, runs] = process.argv.slice(2);
  if (!folder || !points) {
    console.error('usage: node out/bench/genScale.js <folder> <points> [metrics] [runs]');
    process.exit(2);
  }
  for (const run of generateRuns(folder, Number(points), metrics ? Number(metrics) : undefined, runs ? Number(runs) : undefined)) {
    console.log(`${run.file}: ${run.name}, ${run.steps} steps, ${(fs.statSync(run.file).size / 1e6).toFixed(1)} MB`);
  }
}
