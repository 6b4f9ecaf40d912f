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

/** Only points logged this recently notify: rebuilding an index must not replay old alerts as news. */
export const RECENT_ALERT_SECONDS = 15 * 60;

/**
 * Whether an alert is news worth a notification: the point that met it was logged within
 * RECENT_ALERT_SECONDS of now (either side, for clocks a little apart). A point without a time
 * counts as old: a cloned workspace or a rebuilt index must not pop up alerts on first open.
 */
export function isRecentAlert(time: number | null, nowSeconds: number): boolean {
  return time !== null && Number.isFinite(time) && Math.abs(nowSeconds - time) <= RECENT_ALERT_SECONDS;
}

/** What a triggered alert says, in the log and in its notification (which makes it plain text). */
export function alertText(a: TriggeredAlert): string {
  return `Labbook alert in run "${a.runName}": ${a.condition} at step ${a.step} (value ${a.value})${a.message ? ` — ${a.message}` : ''}`;
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
