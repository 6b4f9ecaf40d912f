/** SwanLab's local output (`swanlog/`) read as runs. */
export { findSwanlabRoots } from './discover';
export { SWANLAB_RUNNING_WINDOW_SECONDS } from './folders';
export { readSwanlabFrames, type SwanlabRecord } from './frames';
export { readSwanlab } from './read';
