// Zooming a chart as a user does (a box dragged over it, again and again) and reading what it drew.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { until } from './browser';

/** What the page says it drew of each line (see webview-ui/shared/lineDrawn.ts). */
export interface Drawn { label: string; points: number; first: number | null; last: number | null; ymax: number | null }

export const drawnOf = async (el: Locator, attr: string): Promise<Drawn[]> => JSON.parse((await el.getAttribute(attr)) ?? '[]') as Drawn[];

/** Drags a zoom box over x values [lo, hi] of a chart (steps, or seconds on a time axis), the whole plot's height. */
export async function zoomTo(page: Page, canvas: Locator, lo: number, hi: number): Promise<void> {
  const box = (await canvas.boundingBox())!;
  const [left, top, right, bottom] = ((await canvas.getAttribute('data-area')) ?? '').split(' ').map(Number);
  const xmin = Number(await canvas.getAttribute('data-xmin'));
  const xmax = Number(await canvas.getAttribute('data-xmax'));
  const px = (x: number) => box.x + left + ((x - xmin) / (xmax - xmin)) * (right - left);
  await page.mouse.move(px(lo), box.y + top + 1);
  await page.mouse.down();
  await page.mouse.move(px(hi), box.y + bottom - 1, { steps: 6 });
  await page.mouse.up();
}

export interface ZoomInOptions {
  /** The chart's canvas (boxes are dragged on it). */
  readonly canvas: Locator;
  /** The element whose `data-range-drawn` says what the chart drew of a zoomed range. */
  readonly drawn: Locator;
  /** The x to zoom around (a spike). */
  readonly at: number;
  /** The first box's width in x; each next box is `shrink` times narrower, never under `minSpan`. */
  readonly span: number;
  readonly minSpan: number;
  readonly shrink?: number;
  /** Lines the chart draws. */
  readonly lines: number;
  /** Whether a line is all the raw points of its range. */
  readonly isRaw: (line: Drawn) => boolean;
  /** How long each zoom may take. */
  readonly timeoutMs: number;
  /** Called after each zoom's finer points are drawn (checks, log lines, screenshots). */
  readonly each?: (zoom: number, lines: Drawn[], raw: boolean, ms: number) => Promise<void> | void;
}

/**
 * Drags boxes around `at`, each narrower than the one before, until every line is drawn from its
 * raw points; each box must bring finer points for all lines around `at` within `timeoutMs`, and
 * the raw points must be reached within five boxes. Returns the last zoom's lines.
 */
export async function zoomInUntilRaw(page: Page, o: ZoomInOptions): Promise<Drawn[]> {
  let span = o.span;
  for (let zoom = 1; ; zoom++) {
    span = Math.max(o.minSpan, Math.round(span));
    const started = Date.now();
    const shown = await o.drawn.getAttribute('data-range-drawn');
    await zoomTo(page, o.canvas, o.at - span / 2, o.at + span / 2);
    const lines = await until(`the finer points of zoom ${zoom}`, async () => {
      const now = await o.drawn.getAttribute('data-range-drawn');
      const d = now && now !== shown ? (JSON.parse(now) as Drawn[]) : [];
      return d.length === o.lines && d.every((l) => l.first! < o.at && l.last! > o.at) ? d : undefined;
    }, o.timeoutMs);
    const raw = lines.every(o.isRaw);
    await o.each?.(zoom, lines, raw, Date.now() - started);
    if (raw) return lines;
    assert.ok(zoom < 5, `still reduced after ${zoom} zooms`);
    span /= o.shrink ?? 20;
  }
}
