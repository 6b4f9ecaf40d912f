// Test-only extension (see runner/package.json): runs the integration suite inside the real
// extension host and writes the results to the file named in the config.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_ENV, CONFIG_FILE, type IntegrationConfig } from '../config';
import { runMocha } from '../mochaRunner';

function findConfig(): { config: IntegrationConfig; from: string } | undefined {
  const fromEnv = process.env[CONFIG_ENV];
  if (fromEnv && fs.existsSync(fromEnv)) return { config: JSON.parse(fs.readFileSync(fromEnv, 'utf8')), from: 'env' };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const file = path.join(folder.uri.fsPath, CONFIG_FILE);
    if (fs.existsSync(file)) return { config: JSON.parse(fs.readFileSync(file, 'utf8')), from: 'workspace' };
  }
  return undefined;
}

export function activate(): void {
  const found = findConfig();
  if (!found) return; // not a test session: stay idle
  const { config, from } = found;
  const progress = config.resultsFile + '.progress';
  fs.writeFileSync(progress, `runner activated (config from ${from})\n`);
  void (async () => {
    let results;
    try {
      results = await runMocha({
        files: config.files,
        timeoutMs: config.timeoutMs,
        grep: config.grep,
        onTest: (t) => fs.appendFileSync(progress, `${t.state} ${t.fullTitle}\n`),
      });
    } catch (e) {
      const err = e as Error;
      const now = new Date().toISOString();
      results = { passes: 0, failures: 1, pending: 0, startedAt: now, finishedAt: now,
        tests: [{ title: 'runner', fullTitle: 'runner', state: 'failed' as const, durationMs: 0, error: err.stack ?? String(err) }] };
    }
    const out = { ...results, configFrom: from, vscodeVersion: vscode.version };
    // Write atomically: the harness polls for this file.
    fs.writeFileSync(config.resultsFile + '.tmp', JSON.stringify(out, null, 2));
    fs.renameSync(config.resultsFile + '.tmp', config.resultsFile);
  })();
}

export function deactivate(): void {}
