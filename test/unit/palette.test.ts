import * as assert from 'assert';
import { SERIES_PALETTE, paletteColor } from '../../webview-ui/shared/palette';

/** WCAG 2 relative luminance of an sRGB colour `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio, 1 to 21. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** CIELAB (D65) for the distance between two colours. */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

const DARK = '#1e1e1e';
const LIGHT = '#ffffff';

describe('chart palette', () => {
  it('computes WCAG contrast as the standard does', () => {
    assert.strictEqual(contrast('#000000', '#ffffff'), 21);
    assert.strictEqual(contrast('#777777', '#777777'), 1);
    assert.strictEqual(contrast('#767676', '#ffffff').toFixed(2), '4.54');
  });

  it('has at least 3:1 contrast for every colour on the dark and on the light editor background', () => {
    assert.ok(SERIES_PALETTE.length >= 8, 'enough colours for eight runs');
    for (const c of SERIES_PALETTE) {
      assert.match(c, /^#[0-9a-f]{6}$/);
      assert.ok(contrast(c, DARK) >= 3, `${c} on ${DARK}: ${contrast(c, DARK).toFixed(2)}:1`);
      assert.ok(contrast(c, LIGHT) >= 3, `${c} on ${LIGHT}: ${contrast(c, LIGHT).toFixed(2)}:1`);
    }
  });

  it('keeps the colours apart from each other (CIELAB distance of at least 15)', () => {
    for (let i = 0; i < SERIES_PALETTE.length; i++) {
      for (let j = i + 1; j < SERIES_PALETTE.length; j++) {
        const [a, b] = [lab(SERIES_PALETTE[i]), lab(SERIES_PALETTE[j])];
        const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        assert.ok(d >= 15, `${SERIES_PALETTE[i]} and ${SERIES_PALETTE[j]} are ${d.toFixed(1)} apart`);
      }
    }
  });

  it('gives series past the last colour the colours again from the start', () => {
    assert.strictEqual(paletteColor(0), SERIES_PALETTE[0]);
    assert.strictEqual(paletteColor(SERIES_PALETTE.length + 2), SERIES_PALETTE[2]);
  });
});
