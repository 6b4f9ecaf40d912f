/** Charts are grouped by the part of a metric name before the first `/` (`train/loss` → `train`). */
export const UNGROUPED = 'metrics';

export function groupOf(key: string): string {
  const i = key.indexOf('/');
  return i > 0 ? key.slice(0, i) : UNGROUPED;
}
