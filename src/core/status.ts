import type { RunStatusValue } from './format/records';

export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 120;

/**
 * The status a user should see: a run that says `running` but has shown no activity for longer
 * than the heartbeat timeout has most likely died without a word (SIGKILL, power loss): it is `killed`.
 */
export function effectiveStatus(status: RunStatusValue, lastActivity: number | null, nowSeconds: number, timeoutSeconds = DEFAULT_HEARTBEAT_TIMEOUT_SECONDS): RunStatusValue {
  if (status !== 'running') return status;
  if (lastActivity === null) return status;
  return nowSeconds - lastActivity > timeoutSeconds ? 'killed' : 'running';
}
