/**
 * A run started inside a sweep trial: a sweep agent (the Python command-line agent, for one) passes
 * the trial in `LABBOOK_SWEEP_ID`, `LABBOOK_SWEEP_TRIAL` and `LABBOOK_SWEEP_PARAMS` (a JSON object).
 * The run then takes the trial's values into its config (over the script's defaults) and the tags
 * `sweep:<id>` and `trial:<n>`, by which the agent finds the run and completes the trial from it.
 */
import type { Tags } from '../options';
import { tagsList } from '../values';

export interface TrialEnvironment {
  sweepId: string;
  trial: number;
  params: Record<string, unknown>;
}

/** The trial this process runs, from the environment, or null. */
export function currentTrial(env: NodeJS.ProcessEnv = process.env): TrialEnvironment | null {
  const sweepId = env.LABBOOK_SWEEP_ID;
  const trial = Number(env.LABBOOK_SWEEP_TRIAL);
  if (!sweepId || env.LABBOOK_SWEEP_TRIAL === undefined || !Number.isInteger(trial) || env.LABBOOK_SWEEP_PARAMS === undefined) return null;
  try {
    const params: unknown = JSON.parse(env.LABBOOK_SWEEP_PARAMS);
    return params !== null && typeof params === 'object' && !Array.isArray(params) ? { sweepId, trial, params: params as Record<string, unknown> } : null;
  } catch {
    return null;
  }
}

/** A new run's config and tags with the trial's values and tags (unchanged outside a trial). */
export function withTrial(config: Record<string, unknown> | undefined, tags: Tags | undefined, env: NodeJS.ProcessEnv = process.env): { config: Record<string, unknown> | undefined; tags: Tags | undefined } {
  const trial = currentTrial(env);
  if (!trial) return { config, tags };
  return { config: { ...(config ?? {}), ...trial.params }, tags: [...tagsList(tags), `sweep:${trial.sweepId}`, `trial:${trial.trial}`] };
}
