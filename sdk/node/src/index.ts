/**
 * Labbook SDK for Node.js: writes the Labbook run log format v1 (docs/run-log-format.md).
 *
 *   import { startRun } from 'labbook-sdk';
 *   const run = startRun({ project: 'mnist', name: 'lr-0.01', config: { lr: 0.01 } });
 *   for (let step = 0; step < 100; step++) run.logMetrics({ 'train/loss': 1 / (step + 1) });
 *   run.logArtifact('model.bin', 'checkpoints');
 *   run.finish();
 *
 * Node standard library only. The same model and rules as the Python SDK (sdk/python).
 * This file is the public API; the parts are:
 * - options.ts: the format, run options with their defaults, the public types;
 * - run.ts: `Run` (creating, resuming, finishing), with eventLog.ts (buffered lines, metrics and
 *   their steps), runRecords.ts (params, tags, status, alerts…) and runFiles.ts (artifacts, images,
 *   datasets);
 * - lifecycle.ts: the current and open runs, and the exit and signal hooks;
 * - currentRun.ts: the module-level API (`startRun`, `log`, `config`, …); experiment.ts: `Experiment`;
 * - values.ts, files.ts, capture.ts, runState.ts, images.ts, lineWriter.ts: what those use;
 * - sweep/: hyperparameter sweeps (`createSweep`, `getSweep`), in the Python SDK's sweep format.
 */
export { FORMAT, FORMAT_VERSION, DEFAULT_LOGDIR, ALERT_LEVELS } from './options';
export type { RunStatus, FinalStatus, AlertLevel, Tags, RunOptions, DatasetOptions, DatasetRecord } from './options';
export { friendlyName } from './values';
export { Run } from './run';
export { Experiment, createExperiment } from './experiment';
export { startRun, init, getRun, finish } from './currentRun';

export { config, log, logMetrics, logMetric, logParams, logParam, logTags, setTags, setTag, setName, setDescription, note, logEnv, logCodeRef, logStatus, logSucceeded, logFailed, logStopped, logArtifact, logArtifacts, logImage, logDataset, logDataRef, createAlert, getOutputsPath, flush } from './currentRun';
export { statusForExitCode, KILLED_EXIT_CODES } from './exitStatus';

export { jsonable, flatten, normalizeStatus, parseCondition } from './values';
export { walkTree, hashTree } from './files';
export { collectEnv } from './capture';
export { type RawImage, encodePng, imageExtension } from './images';
export { createSweep, getSweep, Sweep, Trial, SweepState, TrialState, PyRandom, STRATEGIES, GOALS, currentTrial } from './sweep';
export type { SweepOptions, SweepDefinition, TrialStatus, Goal, Strategy } from './sweep';
