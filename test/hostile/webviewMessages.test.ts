import * as assert from 'assert';
import { FIELD_LIMITS } from '../../src/protocol/limits';
import { isRunPanelToHost } from '../../src/protocol/runPanel';
import { isComparePanelToHost } from '../../src/protocol/comparePanel';

const MB = 1024 * 1024;

/** What each message kind may hold: its fields and, for strings, the most UTF-8 bytes. */
const RUN_PANEL: Record<string, Record<string, number | 'int'>> = {
  ready: {},
  error: { message: FIELD_LIMITS.errorMessage },
  openArtifact: { path: FIELD_LIMITS.path },
  saveNote: { text: FIELD_LIMITS.note },
  getImage: { requestId: 'int', path: FIELD_LIMITS.path },
  // The run page's artifacts, datasets, git diff and run actions.
  getArtifactPreview: { requestId: 'int', path: FIELD_LIMITS.path },
  revealArtifact: { path: FIELD_LIMITS.path },
  saveArtifactAs: { path: FIELD_LIMITS.path },
  runAction: { action: 16 },
  openGitDiff: {},
  openDataset: { index: 'int' },
  openRun: { id: FIELD_LIMITS.runId },
};
const COMPARE_PANEL: Record<string, Record<string, number | 'int'>> = {
  ready: {},
  error: { message: FIELD_LIMITS.errorMessage },
  openRun: { id: FIELD_LIMITS.runId },
};

/** Checks an accepted message independently of the code under test: known kind, known fields, within the caps. */
function withinCaps(spec: Record<string, Record<string, number | 'int'>>, m: unknown): string | undefined {
  const v = m as Record<string, unknown>;
  const fields = spec[v.type as string];
  if (!fields) return `unknown type ${String(v.type).slice(0, 40)}`;
  for (const key of Object.keys(v)) {
    if (key === 'type') continue;
    if (!Object.prototype.hasOwnProperty.call(fields, key)) return `unexpected field ${key.slice(0, 40)}`;
    const cap = fields[key];
    const value = v[key];
    if (cap === 'int' ? !Number.isSafeInteger(value) : typeof value !== 'string' || Buffer.byteLength(value, 'utf8') > cap) return `${key} breaks its cap`;
  }
  return undefined;
}

describe('hostile workspaces: oversized and random webview messages', () => {
  it('refuses a 64 MB error message and a 20 MB note, saying why in a short line without the content', () => {
    const reasons: string[] = [];
    const huge = 'A'.repeat(64 * MB);
    assert.strictEqual(isRunPanelToHost({ type: 'error', message: huge }, (r) => reasons.push(r)), false);
    assert.strictEqual(isComparePanelToHost({ type: 'error', message: huge }, (r) => reasons.push(r)), false);
    assert.strictEqual(isRunPanelToHost({ type: 'saveNote', text: 'n'.repeat(20 * MB) }, (r) => reasons.push(r)), false);
    assert.strictEqual(reasons.length, 3);
    for (const r of reasons) {
      assert.ok(r.length < 200, r.slice(0, 300));
      assert.ok(!/AAAA|nnnn/.test(r), 'the content is not repeated in the log');
    }
    assert.match(reasons[2], /saveNote/);
  });

  it('measures in UTF-8 bytes: a note at the cap is accepted, one byte more is not', () => {
    const atCap = '€'.repeat(FIELD_LIMITS.note / 4) + 'x'.repeat(FIELD_LIMITS.note / 4); // 3 bytes each, then 1
    assert.strictEqual(Buffer.byteLength(atCap), FIELD_LIMITS.note);
    assert.ok(isRunPanelToHost({ type: 'saveNote', text: atCap }));
    assert.ok(!isRunPanelToHost({ type: 'saveNote', text: atCap + 'x' }));
    assert.ok(!isRunPanelToHost({ type: 'saveNote', text: '😀'.repeat(FIELD_LIMITS.note / 4 + 1) }), 'astral characters are 4 bytes');
    assert.ok(isRunPanelToHost({ type: 'error', message: 'e'.repeat(FIELD_LIMITS.errorMessage) }));
    assert.ok(!isRunPanelToHost({ type: 'error', message: 'é'.repeat(FIELD_LIMITS.errorMessage / 2 + 1) }));
    assert.ok(!isRunPanelToHost({ type: 'openArtifact', path: 'a/'.repeat(FIELD_LIMITS.path) }));
    assert.ok(!isRunPanelToHost({ type: 'getImage', requestId: 1, path: 'p'.repeat(FIELD_LIMITS.path + 1) }));
    assert.ok(!isComparePanelToHost({ type: 'openRun', id: 'r'.repeat(FIELD_LIMITS.runId + 1) }));
  });

  it('refuses fields a message kind does not have (no smuggled payload) and unsafe request ids', () => {
    assert.ok(!isRunPanelToHost({ type: 'ready', payload: 'x'.repeat(MB) }));
    assert.ok(!isRunPanelToHost({ type: 'saveNote', text: 'ok', extra: 1 }));
    assert.ok(!isRunPanelToHost({ type: 'getImage', requestId: 2 ** 60, path: 'a.png' }));
    assert.ok(!isComparePanelToHost({ type: 'openRun', id: 'r1', also: [] }));
    assert.ok(isRunPanelToHost({ type: 'getImage', requestId: 7, path: 'a.png' }));
    assert.ok(isComparePanelToHost({ type: 'ready' }));
  });

  it('accepts nothing beyond the caps among 50,000 random and oversized messages', () => {
    let seed = 987654321;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // 32-bit LCG; the high bits are the random ones
      return (seed >>> 8) % n;
    };
    const types = ['ready', 'error', 'openArtifact', 'saveNote', 'getImage', 'openRun', 'getArtifactPreview', 'revealArtifact', 'saveArtifactAs', 'runAction', 'openDataset', 'openGitDiff', 'init', '', 'READY', '__proto__', 'constructor'];
    const keys = ['type', 'message', 'path', 'text', 'requestId', 'id', 'extra', '__proto__', 'toString'];
    const sizes = [0, 1, 100, FIELD_LIMITS.runId, FIELD_LIMITS.runId + 1, FIELD_LIMITS.errorMessage, FIELD_LIMITS.errorMessage + 1, FIELD_LIMITS.note, FIELD_LIMITS.note + 1, 2 * MB];
    const chars = ['a', 'é', '€', '😀', '\u0000', '\ud800'];
    const text = () => chars[rand(chars.length)].repeat(Math.ceil(sizes[rand(sizes.length)] / 2) + rand(3));
    const value = (depth: number): unknown => {
      switch (rand(10)) {
        case 0: return null;
        case 1: return undefined;
        case 2: return rand(2) === 0;
        case 3: return [1.5, -1, 0, 2 ** 53, Number.NaN, Infinity, rand(1000)][rand(7)];
        case 4: return depth > 2 ? 'x' : [value(depth + 1), value(depth + 1)];
        case 5: return depth > 2 ? {} : { type: types[rand(types.length)], [keys[rand(keys.length)]]: value(depth + 1) };
        default: return text();
      }
    };
    const counts = { run: 0, compare: 0 };
    for (let i = 0; i < 50_000; i++) {
      let m: unknown;
      const r = rand(4);
      if (r === 0) m = value(0);
      else if (r === 1) {
        // A message of a known kind with every field, values near and past the caps, now and then one field more.
        const spec = rand(2) ? RUN_PANEL : COMPARE_PANEL;
        const type = Object.keys(spec)[rand(Object.keys(spec).length)];
        const o: Record<string, unknown> = { type };
        for (const [key, cap] of Object.entries(spec[type])) {
          o[key] = cap === 'int' ? [1, -5, 1.5, 2 ** 60, Number.NaN][rand(5)] : rand(3) ? chars[rand(chars.length)].repeat(rand(2) ? rand(cap / 2) : cap - 2 + rand(5)) : value(1);
        }
        if (rand(8) === 0) o[keys[rand(keys.length)]] = 'x';
        m = o;
      } else {
        const o: Record<string, unknown> = { type: types[rand(types.length)] };
        for (let k = rand(4); k > 0; k--) {
          // As JSON.parse and structured clone make them: own properties, `__proto__` included.
          Object.defineProperty(o, keys[rand(keys.length)], { value: rand(3) === 0 ? value(1) : rand(2) ? text() : rand(100), enumerable: true, configurable: true, writable: true });
        }
        m = o;
      }
      if (isRunPanelToHost(m)) {
        counts.run++;
        assert.strictEqual(withinCaps(RUN_PANEL, m), undefined, JSON.stringify(m).slice(0, 200));
      }
      if (isComparePanelToHost(m)) {
        counts.compare++;
        assert.strictEqual(withinCaps(COMPARE_PANEL, m), undefined, JSON.stringify(m).slice(0, 200));
      }
    }
    assert.ok(counts.run > 100 && counts.compare > 100, `the fuzzer reached accepted messages too (${JSON.stringify(counts)})`);
  });
});
