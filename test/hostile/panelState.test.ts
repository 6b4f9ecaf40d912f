import * as assert from 'assert';
import { panelStateOf, PANEL_STATE_KEY } from '../../src/protocol/panelState';
import { isRunRef, runKey } from '../../src/protocol/runRef';

// A webview's saved state comes back from VS Code after a reload; the webview could have written anything there.
describe('panel state kept over a reload', () => {
  it('accepts a run reference and nothing that only looks like one', () => {
    assert.ok(isRunRef({ folder: 'file:///w', uid: 'a1' }));
    for (const bad of [undefined, null, 'a1', 42, [], {}, { folder: 'file:///w' }, { uid: 'a1' }, { folder: '', uid: 'a1' }, { folder: 'file:///w', uid: '' },
      { folder: 'file:///w', uid: 7 }, { folder: ['file:///w'], uid: 'a1' }, { folder: 'file:///w', uid: 'x'.repeat(5000) }]) {
      assert.strictEqual(isRunRef(bad), false, JSON.stringify(bad));
    }
  });

  it('reads the identity only from an object under its key', () => {
    const ref = { folder: 'file:///w', uid: 'a1' };
    assert.deepStrictEqual(panelStateOf({ filter: 'loss', [PANEL_STATE_KEY]: ref }), ref);
    for (const saved of [undefined, null, 'x', 3, { filter: 'loss' }]) assert.strictEqual(panelStateOf(saved), undefined);
  });

  it('keys runs of different folders apart', () => {
    assert.notStrictEqual(runKey({ folder: 'file:///a', uid: 'r' }), runKey({ folder: 'file:///b', uid: 'r' }));
  });
});
