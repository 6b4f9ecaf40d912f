import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { escapeNotificationText, MAX_NOTIFICATION_CHARS } from '../../src/core/plainText';
import { alertText, isRecentAlert, RECENT_ALERT_SECONDS, type TriggeredAlert } from '../../src/core/alerts';
import { HOSTILE_TEXTS, linkFormIn } from './support/linkSyntax';

const repo = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('hostile workspaces: log text in notifications', () => {
  it('the corpus is hostile: every entry holds link syntax before escaping', () => {
    const harmless = HOSTILE_TEXTS.filter((t) => !/^C:/.test(t) && !t.startsWith('\u202e') && !t.startsWith('tab')).filter((t) => linkFormIn(t) === undefined);
    assert.deepStrictEqual(harmless, []);
  });

  it('escapeNotificationText leaves no link, autolink, tag or URI that a renderer would follow', () => {
    for (const text of HOSTILE_TEXTS) {
      const out = escapeNotificationText(text);
      assert.strictEqual(linkFormIn(out), undefined, `${JSON.stringify(text)} became ${JSON.stringify(out)}`);
    }
  });

  it('the text still reads as written (only invisible characters added or removed)', () => {
    for (const text of HOSTILE_TEXTS.filter((t) => t.length < 900)) {
      const expected = text.replace(/\r\n|\r|\n|\t/g, ' ').replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
      assert.strictEqual(escapeNotificationText(text).replace(/\u200b/g, ''), expected);
    }
    assert.strictEqual(escapeNotificationText('Labbook: no run with id r1 in this workspace.'), 'Labbook: no run with id r1 in this workspace.');
    assert.strictEqual(escapeNotificationText('C:\\runs\\model.png'), 'C:\\runs\\model.png');
  });

  it('drops bidi overrides and control characters, and cuts to what a notification shows', () => {
    const out = escapeNotificationText(`\u202egnp.exe\u0007 ${'x'.repeat(5000)}`);
    assert.ok(!/[\u202e\u0007]/.test(out));
    assert.ok(out.length <= MAX_NOTIFICATION_CHARS, `${out.length}`);
    assert.ok(out.endsWith('…'));
  });

  it('random strings built from link syntax never come out as a link', () => {
    const pieces = ['[', ']', '(', ')', '<', '>', 'command:', 'https://', 'file:', ':', ' ', '\n', 'x', '"t"', '\\', '\u200b', 'labbook.runQuickstart'];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // 32-bit LCG; the high bits are the random ones
      return (seed >>> 8) % n;
    };
    for (let i = 0; i < 20_000; i++) {
      let s = '';
      for (let j = rand(24); j >= 0; j--) s += pieces[rand(pieces.length)];
      const out = escapeNotificationText(s);
      assert.strictEqual(linkFormIn(out), undefined, `${JSON.stringify(s)} became ${JSON.stringify(out)}`);
    }
  });

  it('every notification in src goes through the one helper that escapes it', () => {
    const direct = sourceFiles(path.join(repo, 'src'))
      .filter((f) => path.basename(f) !== 'notifications.ts')
      .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').map((line, i) => ({ where: `${path.relative(repo, f)}:${i + 1}`, line })))
      .filter(({ line }) => /\.show(Information|Warning|Error)Message\b/.test(line))
      .map(({ where }) => where);
    assert.deepStrictEqual(direct, [], 'these call VS Code directly instead of src/notifications.ts');
  });
});

describe('hostile workspaces: alerts replayed as news', () => {
  const now = 1_800_000_000;
  const alert = (time: number | null): TriggeredAlert => ({ runUid: 'r', runName: '[x](command:labbook.runQuickstart)', condition: 'loss > 1', message: '', level: 'warning', step: 3, value: 2, time });

  it('a point without a time is old: it is logged, never notified', () => {
    assert.strictEqual(isRecentAlert(alert(null).time, now), false);
    assert.strictEqual(isRecentAlert(Number.NaN, now), false);
  });

  it('a point from the last minutes is news; an old one or one far in the future is not', () => {
    assert.strictEqual(isRecentAlert(now - 30, now), true);
    assert.strictEqual(isRecentAlert(now + 60, now), true);
    assert.strictEqual(isRecentAlert(now - RECENT_ALERT_SECONDS - 1, now), false);
    assert.strictEqual(isRecentAlert(now + 365 * 86400, now), false);
  });

  it('the alert text quotes the run name, and escaping it leaves no link', () => {
    const text = alertText(alert(now));
    assert.ok(text.includes('[x](command:labbook.runQuickstart)'));
    assert.strictEqual(linkFormIn(escapeNotificationText(text)), undefined);
  });
});
