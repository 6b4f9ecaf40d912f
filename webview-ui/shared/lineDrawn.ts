// What a chart draws of one line, in numbers: a page sets it on the chart's element (`data-drawn`)
// so that what a user sees can be checked without reading pixels.
/** A drawn line: its points' count, first and last x, and highest finite y (null when none). */
export interface LineDrawn { readonly label: string; readonly points: number; readonly first: number | null; readonly last: number | null; readonly ymax: number | null }

export function lineDrawn(label: string, points: ReadonlyArray<{ readonly x: number; readonly y: number }>): LineDrawn {
  let ymax = -Infinity;
  for (const p of points) if (p.y > ymax) ymax = p.y;
  return { label, points: points.length, first: points.length ? points[0].x : null, last: points.length ? points[points.length - 1].x : null, ymax: Number.isFinite(ymax) ? ymax : null };
}
