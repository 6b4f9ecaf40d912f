import { alertMet, parseAlertCondition } from './format/records';
import type { IngestChanges } from './ingest/indexer';
import type { AlertLevel } from './format/records';
import type { Store } from './store/store';

export interface TriggeredAlert {
  readonly runUid: string;
  readonly runName: string;
  readonly condition: string;
  readonly message: string;
  readonly level: AlertLevel;
  readonly step: number;
  readonly value: number;
  /** Wall time of the point that met the condition (Unix seconds), or null. */
  readonly time: number | null;
}

/**
 * Checks the points an ingest added against the runs' alert conditions. Each alert triggers once:
 * the first point that meets it is recorded in the index and returned.
 */
export function evaluateAlerts(store: Store, changes: IngestChanges): TriggeredAlert[] {
  const out: TriggeredAlert[] = [];
  for (const [uid, keys] of changes.points) {
    const run = store.getRun(uid);
    if (!run) continue;
    const pending = store.getAlertStates(run.id).filter((a) => a.triggeredStep === null);
    if (pending.length === 0) continue;
    const series = new Map(store.listSeries(run.id).map((s) => [s.key, s.id]));
    store.transaction(() => {
      for (const alert of pending) {
        const condition = parseAlertCondition(alert.condition);
        if (!condition) continue;
        const fromStep = keys.get(condition.metric);
        const sid = series.get(condition.metric);
        if (fromStep === undefined || sid === undefined) continue;
        const pts = store.getPoints(sid, fromStep);
        const i = pts.values.findIndex((v) => alertMet(condition, v));
        if (i < 0) continue;
        const time = Number.isNaN(pts.times[i]) ? null : pts.times[i];
        store.markAlertTriggered(run.id, alert.condition, pts.steps[i], pts.values[i], time);
        out.push({ runUid: uid, runName: run.name, condition: alert.condition, message: alert.message, level: alert.level, step: pts.steps[i], value: pts.values[i], time });
      }
    });
  }
  return out;
}
