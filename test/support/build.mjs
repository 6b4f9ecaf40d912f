// Compiles the test harness (test/support, test/integration, test/e2e) into out/harness with
// esbuild, independent of the extension's own build. Usage: node test/support/build.mjs
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rel = (...p) => path.join(repo, ...p);
const list = (dir, suffix) =>
  fs.existsSync(rel(dir)) ? fs.readdirSync(rel(dir)).filter((f) => f.endsWith(suffix)).map((f) => rel(dir, f)) : [];

const entryPoints = [
  rel('test/integration/runner/extension.ts'),
  rel('test/integration/index.ts'),
  rel('test/integration/host.ts'),
  rel('test/integration/electron.ts'),
  ...list('test/integration/suite', '.test.ts'),
  ...list('test/hostile/integration', '.test.ts'),
  rel('test/e2e/run.ts'),
  ...list('test/e2e', '.e2e.ts'),
  rel('test/support/serve.ts'),
];

const outdir = rel('out/harness');
fs.rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outbase: rel('test'),
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  packages: 'external',
  external: ['vscode'],
  logLevel: 'warning',
});
console.log(`test harness built: ${entryPoints.length} entry points -> out/harness`);
