/**
 * The sweep file *Labbook: Create Sweep…* writes (`labbook-sweep-<experiment>.json`, validated by
 * schemas/sweep.schema.json): search ranges guessed from a run's params, the objective from the
 * metrics the experiment's runs log.
 */

export interface SweepTemplateInput {
  readonly experiment: string;
  /** Workspace-relative path of the training script. */
  readonly script: string;
  readonly python: string;
  readonly metric: string;
  readonly goal: 'maximize' | 'minimize';
  /** Params of a recent run of the experiment (flat), to guess ranges from. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Metrics whose name says lower is better. */
export function guessGoal(metric: string): 'maximize' | 'minimize' {
  return /loss|err|mse|mae|rmse|perplexity|ppl|time|latency|cost|regret/i.test(metric) ? 'minimize' : 'maximize';
}

/** A search range around a value a run used; undefined for values not worth sweeping by default. */
export function rangeFor(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'boolean') return { values: [true, false] };
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (Number.isInteger(value)) {
      if (value <= 0) return undefined;
      return value === 1 ? { values: [1, 2, 4] } : { values: [Math.max(1, Math.round(value / 2)), value, value * 2] };
    }
    if (value > 0) return { min: Number((value / 10).toPrecision(3)), max: Number((value * 10).toPrecision(3)), distribution: 'log_uniform' };
    return undefined;
  }
  return undefined;
}

const SKIPPED = /^(seed|epochs?|steps?|max_steps|num_epochs|total_steps|device|name|run_name|project)$/i;

export function sweepTemplate(input: SweepTemplateInput): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input.params)) {
    if (SKIPPED.test(name) || name.includes('.') || Object.keys(parameters).length >= 8) continue;
    const range = rangeFor(value);
    if (range) parameters[name] = range;
  }
  if (Object.keys(parameters).length === 0) {
    parameters.lr = { min: 1e-4, max: 1e-1, distribution: 'log_uniform' };
    parameters.batch_size = { values: [16, 32, 64] };
  }
  return {
    experiment: input.experiment,
    strategy: 'bayesian',
    parameters,
    objective: { metric: input.metric, goal: input.goal },
    max_trials: 20,
    early_terminate: null,
    command: [input.python, input.script],
  };
}

/** A file name part from an experiment name: letters, digits, `-` and `_`. */
export function fileSlug(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'sweep';
}
