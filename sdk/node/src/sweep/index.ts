/** Hyperparameter sweeps in the Labbook sweep format (docs/sweep-format.md). */
export { createSweep, getSweep, Sweep, STRATEGIES, GOALS } from './sweep';
export type { SweepOptions } from './sweep';
export { Trial } from './trial';
export { SweepState, TrialState } from './store';
export type { SweepDefinition, TrialStatus, Goal, Strategy } from './store';
export { Param, parseSpace, gridPoint, gridSize } from './space';
export { PyRandom } from './pyRandom';
export { currentTrial } from './trialEnv';
