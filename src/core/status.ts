import type { RunStatusValue } from './format/records';

export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 120;

/**
 * The status a user should see: a run that says `running` but has shown no activity for longer
 * than the heartbeat timeout has most likely died without a word (SIGKILL, power loss): it is `killed`.
 */
export function effectiveStatus(
  status: RunStatusValue,
  lastActivity: number | null,
  nowSeconds: number,
  timeoutSeconds = DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  source = 'labbook',
): RunStatusValue {
  if (status !== 'running') return status;
  if (lastActivity === null) return status;
  if (nowSeconds - lastActivity <= timeoutSeconds) return 'running';
  // DVCLive writes no end marker: a run that went quiet simply ended.
  return source === 'dvclive' ? 'finished' : 'killed';
}

/**
 * Other trackers write less often than Labbook's heartbeat (TensorBoard flushes every two minutes,
 * MLflow only when a metric is logged): their runs get at least ten minutes of silence.
 */
export const IMPORTED_SILENCE_SECONDS = 600;

export function silenceTimeout(source: string, configuredSeconds: number): number {
  return source === 'labbook' ? configuredSeconds : Math.max(configuredSeconds, IMPORTED_SILENCE_SECONDS);
}

const SOURCE_LABELS: Record<string, string> = {
  labbook: 'Labbook', mlflow: 'MLflow', tensorboard: 'TensorBoard', dvclive: 'DVCLive', wandb: 'W&B', swanlab: 'SwanLab',
};

export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source] ?? source;
}
