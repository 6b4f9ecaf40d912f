// Integration tier: runs test/integration/suite inside the real extension host of code-server.
// code-server only starts an extension host when a browser connects, so a headless Chromium
// opens the workbench; the test-runner extension (test/integration/runner) runs mocha there and
// writes the results to a file that this process waits for.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser, openWorkbench, screenshot } from '../support/browser';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { harnessOut, repoRoot, resultsDir } from '../support/paths';
import { CONFIG_ENV, CONFIG_FILE, type IntegrationConfig } from './config';
import { formatResults, suiteFiles, type SuiteResults } from './mochaRunner';
import { createTestWorkspace } from './workspace';
import { seedOversizedIndex } from '../hostile/support/oversizedIndex';

const TIMEOUT_MS = Number(process.env.LABBOOK_INTEGRATION_TIMEOUT_MS ?? 300_000);

/** An unpacked copy of the runner extension whose main requires the compiled runner in the repo. */
function prepareRunnerExtension(tmp: string): string {
  const dir = path.join(tmp, 'runner-ext');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'test', 'integration', 'runner', 'package.json'), path.join(dir, 'package.json'));
  const compiled = path.join(harnessOut, 'integration', 'runner', 'extension.js');
  if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run node test/support/build.mjs`);
  fs.writeFileSync(path.join(dir, 'extension.js'), `module.exports = require(${JSON.stringify(compiled)});\n`);
  return dir;
}

async function main(): Promise<number> {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-it-'));
  const workspace = createTestWorkspace();
  // Activation must survive an index file over 2 GiB (checked by test/hostile/integration/store.test.ts).
  seedOversizedIndex(workspace);
  const resultsFile = path.join(tmp, 'results.json');
  const config: IntegrationConfig = {
    files: [...suiteFiles(path.join(harnessOut, 'integration', 'suite')), ...suiteFiles(path.join(harnessOut, 'hostile', 'integration'))],
    resultsFile,
    timeoutMs: 60_000,
    grep: process.env.LABBOOK_TEST_GREP,
  };
  if (config.files.length === 0) throw new Error('no compiled integration suite files');
  const configPath = path.join(tmp, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  // Fallback for when the server's environment does not reach the extension host.
  fs.mkdirSync(path.join(workspace, path.dirname(CONFIG_FILE)), { recursive: true });
  fs.writeFileSync(path.join(workspace, CONFIG_FILE), JSON.stringify(config, null, 2));

  let server: CodeServer | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let results: SuiteResults | undefined;
  try {
    server = await startCodeServer({
      workspace,
      tag: 'integration-code-server',
      extraExtensions: [prepareRunnerExtension(tmp)],
      env: { [CONFIG_ENV]: configPath },
    });
    console.log(`[integration] code-server on port ${server.port} (pid ${server.pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    browser = await launchBrowser();
    const { page } = await openWorkbench(browser, server.url, 'integration');
    console.log('[integration] workbench open; waiting for the suite');
    const deadline = Date.now() + TIMEOUT_MS;
    const progress = resultsFile + '.progress';
    let shown = 0;
    while (!fs.existsSync(resultsFile)) {
      if (fs.existsSync(progress)) {
        const lines = fs.readFileSync(progress, 'utf8').split('\n').filter(Boolean);
        for (const l of lines.slice(shown)) console.log(`[integration]   ${l}`);
        shown = lines.length;
      }
      if (Date.now() > deadline) {
        await screenshot(page, 'integration-timeout').catch(() => undefined);
        throw new Error(`no results after ${TIMEOUT_MS / 1000} s (runner ${fs.existsSync(progress) ? 'started' : 'never activated'})`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
    console.log(`[integration] VS Code ${results.vscodeVersion}, config from ${results.configFrom}`);
    await screenshot(page, 'integration-end').catch(() => undefined);
  } catch (e) {
    console.error(`[integration] ${(e as Error).stack ?? e}`);
  } finally {
    if (!results || results.failures > 0) server?.collectLogs(path.join(resultsDir, 'logs', 'integration'));
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (process.env.LABBOOK_KEEP_TMP !== '1') {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }
  const r: SuiteResults = results ?? { passes: 0, failures: 1, pending: 0, tests: [], startedAt: '', finishedAt: '' };
  console.log(`[integration] took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(formatResults('integration', r));
  return r.failures === 0 && r.passes > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('integration: 0 passed, 1 failed');
    process.exit(1);
  },
);
