// Writes a Labbook workspace for the scale benchmark: one run whose events.jsonl holds `points`
// points over `metrics` metrics (one line per step), streamed to disk so that 100 M points need no
// memory. Nothing it writes is committed.
//   node out/bench/genScale.js <folder> <points> [metrics]
import * as fs from 'fs';
import * as path from 'path';

export function generateWorkspace(root: string, points: number, metrics = 10): string {
  const file = path.join(root, 'labbook', 'scale-run', 'events.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const keys = Array.from({ length: metrics }, (_, i) => `m${i}`);
  fs.writeSync(fd, `${JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: 'scale', project: 'scale', time: 1_700_000_000 })}\n`);
  const steps = Math.ceil(points / metrics);
  let chunk: string[] = [];
  let seed = 1;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  for (let s = 0; s < steps; s++) {
    const values: Record<string, number> = {};
    for (let k = 0; k < keys.length; k++) values[keys[k]] = Number((Math.sin(s / (500 + k)) + random() * 0.1).toFixed(6));
    chunk.push(JSON.stringify({ t: 'metrics', step: s, time: 1_700_000_000 + s * 0.01, values }));
    if (chunk.length === 20_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  return file;
}

if (require.main === module) {
  const [folder, points, metrics] = process.argv.slice(2);
  if (!folder || !points) {
    console.error('usage: node out/bench/genScale.js <folder> <points> [metrics]');
    process.exit(2);
  }
  const file = generateWorkspace(folder, Number(points), metrics ? Number(metrics) : undefined);
  console.log(`${file}: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
}
