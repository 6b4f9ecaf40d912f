/** W&B run folders (`wandb/run-*`, `wandb/offline-run-*`) read as runs. */
export { LEVELDB_BLOCK, scanLevelDbLog } from '../../codecs/leveldbLog';
export { findWandbRuns } from './discover';
export { cleanConsole } from './records';
export { isWandbHeader, readWandbRun, RUNNING_WINDOW_SECONDS, unwrapWandbConfig, WANDB_HEADER_LENGTH, WandbRunReader } from './read';
