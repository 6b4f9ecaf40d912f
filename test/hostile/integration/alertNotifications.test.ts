import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventually, labbookApi, workspaceDir } from '../../integration/suite/helpers';
import { linkFormIn } from '../support/linkSyntax';

/** Writes a run log by hand, as a cloned workspace would hold it. */
function writeRun(folder: string, records: Array<Record<string, unknown>>): string {
  const dir = path.join(workspaceDir(), 'labbook', folder);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'events.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

describe('Hostile workspaces: alerts from run logs in notifications', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('shows a run name and alert message holding command links as plain text', async function () {
    const api = await labbookApi();
    const now = Date.now() / 1000;
    const name = '[x](command:labbook.runQuickstart)';
    dirs.push(writeRun('hostile-alert-link', [
      { t: 'header', format: 'labbook-run', version: 1, run_id: 'hostalert1', project: 'hostile', name, time: now },
      { t: 'alert', condition: 'loss > 1', message: 'open [the fix](command:workbench.action.terminal.new) or <https://example.invalid/x>', level: 'warning', time: now },
      { t: 'metrics', step: 0, time: now, values: { loss: 5 } },
    ]));
    const shown = await eventually(api, 'the alert notification', () => api.notifications().find((n) => n.text.includes('loss > 1') && n.text.replace(/\u200b/g, '').includes(name)));
    assert.equal(shown.level, 'warning');
    assert.equal(linkFormIn(shown.text), undefined, `a link VS Code would follow: ${JSON.stringify(shown.text)}`);
    // It still reads as the log wrote it.
    assert.ok(shown.text.replace(/\u200b/g, '').includes('open [the fix](command:workbench.action.terminal.new) or <https://example.invalid/x>'));
  });

  it('does not notify an alert met by a point without a time (it would fire on the first open of a cloned folder)', async function () {
    const api = await labbookApi();
    const before = api.notifications().length;
    dirs.push(writeRun('hostile-alert-untimed', [
      { t: 'header', format: 'labbook-run', version: 1, run_id: 'hostalert2', project: 'hostile', name: 'untimed-alert', time: Date.now() / 1000 },
      { t: 'alert', condition: 'acc < 0.5', message: 'untimed', level: 'error' },
      { t: 'metrics', step: 0, values: { acc: 0.1 } },
    ]));
    await eventually(api, 'the untimed run indexed', () => api.snapshot().experiments.find((e) => e.name === 'hostile')?.runs.find((r) => r.id === 'hostalert2' && r.pointCount === 1));
    await new Promise((r) => setTimeout(r, 500));
    await api.whenIdle();
    const fired = api.notifications().slice(before).filter((n) => n.text.includes('untimed'));
    assert.deepEqual(fired, []);
  });
});
