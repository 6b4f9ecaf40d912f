// Entry point for @vscode/test-electron (extensionTestsPath): runs the same suite in desktop VS Code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatResults, runMocha, suiteFiles } from './mochaRunner';

export async function run(): Promise<void> {
  const results = await runMocha({
    files: suiteFiles(path.join(__dirname, 'suite')),
    grep: process.env.LABBOOK_TEST_GREP,
    onTest: (t) => console.log(`${t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-'} ${t.fullTitle}`),
  });
  const file = process.env.LABBOOK_TEST_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(formatResults('integration', results));
  if (results.failures > 0) throw new Error(`${results.failures} integration test(s) failed`);
}
