import * as assert from 'assert';
import { LiveRedraw, type Screen } from '../../../webview-ui/run/liveRedraw';

/** A screen a test moves: which elements are on it, and frames run by hand. */
function fakeScreen() {
  const seen = new Map<object, (on: boolean) => void>();
  const frames: Array<() => void> = [];
  const screen: Screen = {
    follow(element, cb) {
      seen.set(element, cb);
      return () => seen.delete(element);
    },
    nextFrame: (run) => void frames.push(run),
  };
  return {
    screen,
    show: (element: object, on: boolean) => seen.get(element)?.(on),
    frame: () => frames.splice(0).forEach((f) => f()),
    pendingFrames: () => frames.length,
  };
}

describe('run page live redraws', () => {
  it('draws the charts on screen once per frame, however many writes came in it', () => {
    const s = fakeScreen();
    const drawn: string[] = [];
    const live = new LiveRedraw(s.screen, (id) => drawn.push(id));
    const [a, b] = [{}, {}];
    live.watch('a', a);
    live.watch('b', b);
    s.show(a, true);
    s.show(b, true);
    live.mark(['a']);
    live.mark(['a', 'b']);
    live.mark(['a']);
    assert.strictEqual(s.pendingFrames(), 1, 'one frame asked for');
    assert.deepStrictEqual(drawn, [], 'nothing drawn before the frame');
    s.frame();
    assert.deepStrictEqual(drawn.sort(), ['a', 'b']);
    s.frame();
    assert.deepStrictEqual(drawn.sort(), ['a', 'b'], 'nothing more without new points');
  });

  it('leaves a chart off screen until it comes into view, then draws it once', () => {
    const s = fakeScreen();
    const drawn: string[] = [];
    const live = new LiveRedraw(s.screen, (id) => drawn.push(id));
    const [on, off] = [{}, {}];
    live.watch('on', on);
    live.watch('off', off);
    s.show(on, true);
    s.show(off, false);
    for (let i = 0; i < 5; i++) {
      live.mark(['on', 'off']);
      s.frame();
    }
    assert.deepStrictEqual(drawn, ['on', 'on', 'on', 'on', 'on']);
    s.show(off, true);
    s.frame();
    assert.deepStrictEqual(drawn.filter((id) => id === 'off'), ['off']);
    live.forget('on');
    live.mark(['on']);
    s.frame();
    assert.strictEqual(drawn.filter((id) => id === 'on').length, 5, 'a forgotten chart is not drawn');
  });
});
