/**
 * Sweeps from Node: create one, get it from another process, ask it for trials, complete them. The
 * folder and trial log are the Python SDK's (docs/sweep-format.md), so Node and Python agents can
 * work on one sweep at once.
 *
 *   const sweep = createSweep({ experiment: 'mnist', strategy: 'random', objective: 'val/acc',
 *     parameters: { lr: { min: 1e-5, max: 1e-2, distribution: 'log_uniform' }, batch: { values: [16, 32] } },
 *     maxTrials: 20 });
 *   for await (const trial of sweep) trial.complete({ 'val/acc': await train(trial.params) });
 *
 * Grid and random search only: the Bayesian strategy (TPE) and the Optuna engine are the Python
 * agent's; a Node program takes part in such a sweep as the command the Python agent runs.
 */
import { randomBytes, randomInt } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { resolveLogdir } from '../options';
import { acquire } from './lock';
import { PyRandom } from './pyRandom';
import { Param, gridPoint, gridSize, parseSpace } from './space';
import { DEFINITION, FORMAT, FORMAT_VERSION, Goal, Strategy, SWEEPS_DIR, SweepDefinition, SweepState, TrialState, agentName, appendRecord, readDefinition, readRecords, writeDefinition } from './store';
import { Trial } from './trial';

export const STRATEGIES: readonly Strategy[] = ['grid', 'random', 'bayesian'];
export const GOALS: readonly Goal[] = ['maximize', 'minimize'];

export interface SweepOptions {
  experiment?: string;
  strategy?: Strategy;
  parameters: Record<string, unknown>;
  /** The metric trials report, or `{metric, goal}`. */
  objective: string | { metric: string; goal?: Goal | 'max' | 'min' };
  goal?: Goal | 'max' | 'min';
  maxTrials?: number;
  seed?: number;
  name?: string;
  /** Log root; default `$LABBOOK_DIR`, else `./labbook`. */
  logdir?: string;
  heartbeatTimeout?: number;
  maxRetries?: number;
  command?: string[];
}

function pythonOnly(what: string): Error {
  return new Error(`${what} is implemented by the Python SDK only: create the sweep with labbook.create_sweep in Python and run its trials with the Python agent (python -m labbook sweep agent <sweep id> -- node train.js)`);
}

/** Creates a sweep folder under the log root and returns the sweep. */
export function createSweep(options: SweepOptions): Sweep {
  const strategy = options.strategy ?? 'random';
  if (!STRATEGIES.includes(strategy)) throw new Error(`strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(strategy)}`);
  if (strategy === 'bayesian') throw pythonOnly('The Bayesian strategy (TPE)');
  let objective = options.objective;
  let goal: string | undefined = options.goal ?? 'maximize';
  if (objective !== null && typeof objective === 'object') {
    goal = objective.goal ?? goal;
    objective = objective.metric;
  }
  if (typeof objective !== 'string' || !objective) throw new Error('a sweep needs an objective: the name of a metric its trials log');
  goal = goal === 'max' ? 'maximize' : goal === 'min' ? 'minimize' : goal;
  if (goal !== 'maximize' && goal !== 'minimize') throw new Error(`goal must be "maximize" or "minimize", got ${JSON.stringify(goal)}`);
  const space = parseSpace(options.parameters);
  let maxTrials: number | null = options.maxTrials ?? null;
  if (strategy === 'grid') {
    const total = gridSize(space);
    maxTrials = maxTrials === null ? total : Math.min(maxTrials, total);
  }
  if (maxTrials !== null && (!Number.isInteger(maxTrials) || maxTrials < 1)) throw new Error('maxTrials must be a positive integer');
  const seed = options.seed ?? randomInt(2 ** 31);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error('seed must be a non-negative integer');
  const id = `sw-${randomBytes(5).toString('hex')}`;
  const definition: SweepDefinition = {
    format: FORMAT, version: FORMAT_VERSION, id, name: options.name ?? id, experiment: options.experiment ?? 'default', strategy,
    parameters: options.parameters, objective: { metric: objective, goal }, max_trials: maxTrials, seed, early_terminate: null,
    engine: 'labbook', heartbeat_timeout: options.heartbeatTimeout ?? 120, max_retries: options.maxRetries ?? 2,
    command: options.command ?? null, created: Date.now() / 1000,
  };
  const folder = path.join(resolveLogdir(options.logdir), SWEEPS_DIR, id);
  writeDefinition(folder, definition);
  return new Sweep(folder);
}

/** The sweep with this id under the log root, or the sweep in this folder. */
export function getSweep(sweep: string, options: { logdir?: string } = {}): Sweep {
  const folder = fs.existsSync(path.join(sweep, DEFINITION)) ? sweep : path.join(resolveLogdir(options.logdir), SWEEPS_DIR, sweep);
  if (!fs.existsSync(path.join(folder, DEFINITION))) throw new Error(`no sweep '${sweep}' under ${path.dirname(folder)}`);
  return new Sweep(folder);
}

export class Sweep {
  readonly folder: string;
  readonly definition: SweepDefinition;
  readonly id: string;
  readonly space: Param[];
  readonly objective: string;
  readonly goal: Goal;
  readonly strategy: Strategy;
  readonly maxTrials: number | null;

  constructor(folder: string) {
    this.folder = path.resolve(folder);
    this.definition = readDefinition(this.folder);
    this.id = this.definition.id;
    this.space = parseSpace(this.definition.parameters);
    this.objective = this.definition.objective.metric;
    this.goal = this.definition.objective.goal;
    this.strategy = this.definition.strategy;
    this.maxTrials = this.definition.max_trials ?? null;
  }

  get minimize(): boolean {
    return this.goal === 'minimize';
  }

  state(): SweepState {
    return new SweepState(readRecords(this.folder));
  }

  /** Every trial so far, in trial order. */
  trials(): TrialState[] {
    return this.state().ordered();
  }

  /** The next trial, or null when the sweep is done or stopped. Safe across processes and languages. */
  async suggest(agent?: string): Promise<Trial | null> {
    if (this.strategy === 'bayesian') throw pythonOnly('The Bayesian strategy (TPE)');
    if ((this.definition.engine ?? 'labbook') !== 'labbook') throw pythonOnly(`The ${String(this.definition.engine)} engine`);
    const release = await acquire(this.folder);
    let record: Record<string, unknown>;
    let number: number;
    try {
      const state = this.state();
      if (state.stopped) return null;
      const now = Date.now() / 1000;
      const timeout = Number(this.definition.heartbeat_timeout) || 120;
      for (const t of state.ordered()) {
        if (t.status === 'running' && now - t.lastSeen > timeout) {
          appendRecord(this.folder, { t: 'abandon', trial: t.number, time: now, reason: `no heartbeat for ${Math.trunc(timeout)} s` });
          t.status = 'abandoned';
        }
      }
      number = state.nextNumber();
      const retry = this.retryCandidate(state);
      record = { t: 'suggest', trial: number, time: now, agent: agent ?? agentName() };
      if (retry) {
        record.params = retry.params;
        record.retry_of = retry.number;
        if (retry.gridIndex !== null) record.grid_index = retry.gridIndex;
      } else {
        const used = state.ordered().filter((t) => t.status !== 'abandoned').length;
        if (this.maxTrials !== null && used >= this.maxTrials) return null;
        Object.assign(record, this.newParams(state, number));
      }
      appendRecord(this.folder, record);
    } finally {
      release();
    }
    return new Trial(this, number, record.params as Record<string, unknown>, (record.retry_of as number | undefined) ?? null).startHeartbeat();
  }

  private retryCandidate(state: SweepState): TrialState | null {
    const limit = Number(this.definition.max_retries ?? 2);
    for (const t of state.ordered()) {
      if (t.status !== 'abandoned' || state.retried.has(t.number)) continue;
      let depth = 0;
      let n: TrialState | undefined = t;
      while (n && n.retryOf !== null) {
        depth++;
        n = state.trials.get(n.retryOf);
      }
      if (depth < limit) return t;
    }
    return null;
  }

  private newParams(state: SweepState, number: number): { params: Record<string, unknown>; grid_index?: number } {
    if (this.strategy === 'grid') {
      const taken = new Set(state.ordered().filter((t) => t.gridIndex !== null).map((t) => t.gridIndex));
      return { params: gridPoint(this.space, taken.size), grid_index: taken.size };
    }
    const seed = this.definition.seed;
    const rng = new PyRandom(`${typeof seed === 'string' ? seed : JSON.stringify(seed)}:${number}`);
    const params: Record<string, unknown> = {};
    for (const p of this.space) params[p.name] = p.sample(rng);
    return { params };
  }

  /** A trial handed out earlier (in this process or another), to complete or fail it. */
  trial(trialId: string | number): Trial {
    const prefix = `${this.id}-`;
    const number = typeof trialId === 'number' ? trialId : String(trialId).startsWith(prefix) ? Number(String(trialId).slice(prefix.length)) : NaN;
    const state = Number.isInteger(number) ? this.state().trials.get(number) : undefined;
    if (!state) throw new Error(`sweep '${this.id}' has no trial ${JSON.stringify(trialId)}`);
    return new Trial(this, number, state.params, state.retryOf);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Trial, void, undefined> {
    for (;;) {
      const trial = await this.suggest();
      if (!trial) return;
      let resumed = false;
      try {
        yield trial;
        resumed = true;
      } finally {
        if (!trial.done) trial.fail(resumed ? 'not completed by the loop body' : 'the loop ended before the trial was completed');
      }
    }
  }

  /** Agents finish their current trial and ask for no more. */
  stop(reason?: string): void {
    appendRecord(this.folder, { t: 'stop', time: Date.now() / 1000, reason: reason ?? null });
  }

  resume(): void {
    appendRecord(this.folder, { t: 'resume', time: Date.now() / 1000 });
  }

  get stopped(): boolean {
    return this.state().stopped;
  }

  /** The best completed trial, or null. */
  best(): TrialState | null {
    let best: TrialState | null = null;
    for (const t of this.trials()) {
      if (t.status !== 'completed' || t.value === null) continue;
      if (!best || (this.minimize ? t.value < (best.value as number) : t.value > (best.value as number))) best = t;
    }
    return best;
  }
}
