// Desktop alternative to host.ts, for developers with a display and access to the VS Code download
// (not used in CI here): runs the same suite through @vscode/test-electron.
//   node test/support/build.mjs && node out/harness/integration/electron.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { harnessOut, repoRoot } from '../support/paths';
import { createTestWorkspace } from './workspace';

async function main(): Promise<void> {
  const workspace = createTestWorkspace();
  try {
    await runTests({
      version: process.env.LABBOOK_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(harnessOut, 'integration', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { LABBOOK_TEST_GREP: process.env.LABBOOK_TEST_GREP ?? '' },
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
