/**
 * Line colours of the charts, one per run (or per metric in a run's own panel), the same in every
 * theme: Tableau 10, with its six lightest colours (orange, teal, green, yellow, pink, grey)
 * darkened in linear light to a luminance of 0.25, so that every line has a contrast of at least
 * 3:1 against both the dark (#1e1e1e) and the light (#ffffff) editor background.
 * test/unit/palette.test.ts checks that, and that the colours stay apart from each other.
 */
export const SERIES_PALETTE: readonly string[] = [
  '#4e79a7', // blue
  '#c87422', // orange
  '#e15759', // red
  '#5d928e', // teal
  '#54984a', // green
  '#a0872e', // yellow
  '#b07aa1', // purple
  '#bf747c', // pink
  '#9c755f', // brown
  '#8f8784', // grey
];

/** The colour of series `i` (wraps around after the last). */
export function paletteColor(i: number): string {
  const n = SERIES_PALETTE.length;
  return SERIES_PALETTE[((i % n) + n) % n];
}
