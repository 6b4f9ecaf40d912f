// Builds the extension (Node, CommonJS) and each webview app (browser) with esbuild.
//   node scripts/build.mjs               development build into dist/
//   node scripts/build.mjs --production  minified, no source maps (used by `npm run package`)
//   node scripts/build.mjs --watch       rebuild on change
//   node scripts/build.mjs --tests       also compile unit tests and benchmarks with tsc into out/
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const require = createRequire(import.meta.url);

/** One entry per webview app: webview-ui/<name>/main.ts -> dist/webview/<name>.js (+ .css). */
const WEBVIEWS = ['run', 'compare', 'sweep', 'table'];

const common = { bundle: true, minify: production, sourcemap: production ? false : 'linked', logLevel: 'warning', absWorkingDir: root };

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] },
  // The index worker thread (tailer, importers, index, queries off the host's main thread); it finds sql-wasm.wasm beside it.
  { ...common, entryPoints: ['src/worker/indexWorker.ts'], outfile: 'dist/indexWorker.js', platform: 'node', format: 'cjs', target: 'node18' },
  ...WEBVIEWS.map((name) => ({
    ...common,
    entryPoints: { [name]: `webview-ui/${name}/main.ts` },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  })),
  // The run page's PDF viewer (PDF.js, legacy build for older VS Code engines), loaded only when a PDF is previewed; its worker is copied beside it.
  { ...common, entryPoints: { 'pdf-viewer': 'webview-ui/run/pdf/viewer.ts' }, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'es2022' },
];

rmSync(join(root, 'dist'), { recursive: true, force: true });
mkdirSync(join(root, 'dist'), { recursive: true });
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(root, 'dist', 'sql-wasm.wasm'));
mkdirSync(join(root, 'dist', 'webview'), { recursive: true });
copyFileSync(require.resolve('pdfjs-dist/legacy/build/pdf.worker.min.mjs'), join(root, 'dist', 'webview', 'pdf.worker.mjs'));

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('watching for changes…');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  if (production) {
    // The Node SDK ships inside the extension (sdk/node/dist, with its type declarations).
    rmSync(join(root, 'sdk', 'node', 'dist'), { recursive: true, force: true });
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'sdk', 'node', 'tsconfig.json')], { stdio: 'inherit' });
  }
  if (args.has('--tests') || args.has('--bench')) {
    rmSync(join(root, 'out'), { recursive: true, force: true });
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  }
}
