// E2E tier runner: mocha over the compiled *.e2e.js files (Node side; each spec drives code-server
// through Chromium). Prints `e2e: N passed, M failed` last.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMocha } from '../integration/mochaRunner';

async function main(): Promise<number> {
  const started = Date.now();
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.e2e.js'))
    .sort()
    .map((f) => path.join(__dirname, f));
  if (files.length === 0) throw new Error('no compiled e2e specs');
  const r = await runMocha({
    files,
    timeoutMs: 120_000,
    // A browser driving a workbench on a loaded 2-core machine: a failed test gets one more try (the first failure is printed).
    retries: 1,
    grep: process.env.LABBOOK_TEST_GREP,
    onTest: (t) => console.log(`  ${t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-'} ${t.fullTitle} (${t.durationMs} ms)`),
  });
  for (const t of r.tests.filter((x) => x.state === 'failed')) {
    console.log(`\n  ✗ ${t.fullTitle}\n${(t.error ?? '').split('\n').slice(0, 20).map((l) => '      ' + l).join('\n')}`);
  }
  console.log(`[e2e] took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${r.passes} passed, ${r.failures} failed`);
  return r.failures === 0 && r.passes > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
