// Loaded next to Labbook by `npm run demo` only (never packaged with it): when the demo workspace
// opens, shows the Labbook view instead of the Explorer and opens the panel of the run that is
// still writing (else of the newest run), so the demo starts on what it is there to show.
const vscode = require('vscode');

const LABBOOK = 'labbook.labbook';
const LIVE_RUN = 'live-h24';

async function firstRun(api, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await api.whenIdle();
    const runs = api.snapshot().experiments.flatMap((e) => e.runs);
    const pick = runs.find((r) => r.name === LIVE_RUN && r.status === 'running') ?? runs.find((r) => r.status === 'running') ?? runs[0];
    if (pick || Date.now() > deadline) return pick;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function activate() {
  const labbook = vscode.extensions.getExtension(LABBOOK);
  if (!labbook) return;
  await vscode.commands.executeCommand('workbench.view.extension.labbook');
  const api = labbook.isActive ? labbook.exports : await labbook.activate();
  if (!api || typeof api.snapshot !== 'function') return;
  const run = await firstRun(api, 30_000);
  if (run) await vscode.commands.executeCommand('labbook.openRun', run.id);
}

module.exports = { activate, deactivate: () => undefined };
