// The module-level API, as in the Python SDK: `labbook.init(...)`, then `labbook.log(...)`,
// `labbook.config.lr = 0.1`, `labbook.finish()` act on the current run (the one `init` started).
import type { RawImage } from './images';
import { currentRun, setCurrentRun } from './lifecycle';
import type { AlertLevel, DatasetOptions, DatasetRecord, FinalStatus, RunOptions, Tags } from './options';
import { Run } from './run';

function current(what: string): Run {
  const run = currentRun();
  if (!run || run.finished) throw new Error(`labbook.${what}: no run is active; call labbook.init() first`);
  return run;
}

/** Starts a run and makes it the current one (`getRun()`); an open current run is finished first. */
export function startRun(options: RunOptions = {}): Run {
  const previous = currentRun();
  if (previous && !previous.finished) previous.finish('finished');
  const pending = takePendingConfig();
  if (pending) options = { ...options, config: { ...pending, ...(options.config ?? {}) } };
  const started = new Run(options);
  setCurrentRun(started);
  return started;
}

/** Alias of `startRun` (SwanLab/W&B style). */
export const init = startRun;

/** The current run (made by `startRun`), or undefined. */
export function getRun(): Run | undefined {
  return currentRun();
}

/** Finishes the current run; false if there is none. */
export function finish(status: FinalStatus = 'finished', message?: string): boolean {
  const run = currentRun();
  return run ? run.finish(status, message) : false;
}

/** Values set on `config` before `init()`: the next run starts with them. */
let pending: Record<string, unknown> = {};

/** Takes the values set on `config` before a run started (the next `init` adds them to its config). */
export function takePendingConfig(): Record<string, unknown> | undefined {
  const values = pending;
  pending = {};
  return Object.keys(values).length ? values : undefined;
}

/** The current run's configuration (`config.lr = 0.1` records it); before `init()` it collects values for the next run. */
export const config: Record<string, unknown> = new Proxy<Record<string, unknown>>({}, {
  get: (t, key, receiver) => {
    const run = currentRun();
    if (run && !run.finished) return Reflect.get(run.config, key);
    return typeof key === 'string' && Object.prototype.hasOwnProperty.call(pending, key) ? pending[key] : Reflect.get(t, key, receiver);
  },
  set: (_t, key, value) => {
    const run = currentRun();
    if (run && !run.finished) return Reflect.set(run.config, key, value);
    if (typeof key !== 'string') return false;
    pending[key] = value;
    return true;
  },
  deleteProperty: (_t, key) => {
    const run = currentRun();
    if (run && !run.finished) return Reflect.deleteProperty(run.config, key);
    if (typeof key === 'string') delete pending[key];
    return true;
  },
  has: (_t, key) => {
    const run = currentRun();
    return run && !run.finished ? Reflect.has(run.config, key) : typeof key === 'string' && key in pending;
  },
  ownKeys: () => {
    const run = currentRun();
    return run && !run.finished ? Reflect.ownKeys(run.config) : Object.keys(pending);
  },
  getOwnPropertyDescriptor: (_t, key) => {
    const run = currentRun();
    if (run && !run.finished) return Reflect.getOwnPropertyDescriptor(run.config, key);
    return typeof key === 'string' && Object.prototype.hasOwnProperty.call(pending, key) ? { value: pending[key], writable: true, enumerable: true, configurable: true } : undefined;
  },
});

type Metrics = Record<string, number | boolean | bigint | string>;

export function log(values: Metrics, step?: number): void {
  current('log').log(values, step);
}
export function logMetrics(values: Metrics, step?: number): void {
  current('logMetrics').logMetrics(values, step);
}
export function logMetric(key: string, value: number | boolean | bigint | string, step?: number): void {
  current('logMetric').logMetric(key, value, step);
}
export function logParams(values: Record<string, unknown>, reset = false): void {
  current('logParams').logParams(values, reset);
}
export function logParam(key: string, value: unknown): void {
  current('logParam').logParam(key, value);
}
export function logTags(tags: Tags, reset = false): void {
  current('logTags').logTags(tags, reset);
}
export function setTags(tags: Tags): void {
  current('setTags').setTags(tags);
}
export function setTag(key: string, value?: unknown): void {
  current('setTag').setTag(key, value);
}
export function setName(name: string): void {
  current('setName').setName(name);
}
export function setDescription(text: string): void {
  current('setDescription').setDescription(text);
}
export function note(text: string): void {
  current('note').note(text);
}
export function logEnv(values: Record<string, unknown>): void {
  current('logEnv').logEnv(values);
}
export function logCodeRef(ref: { commit?: string; branch?: string; url?: string; dirty?: boolean } = {}): void {
  current('logCodeRef').logCodeRef(ref);
}
export function logStatus(status: string, message?: string): boolean {
  return current('logStatus').logStatus(status, message);
}
export function logSucceeded(message?: string): boolean {
  return current('logSucceeded').logSucceeded(message);
}
export function logFailed(message?: string, traceback?: string): boolean {
  return current('logFailed').logFailed(message, traceback);
}
export function logStopped(message?: string): boolean {
  return current('logStopped').logStopped(message);
}
export function logArtifact(file: string, artifactPath?: string): string | string[] {
  return current('logArtifact').logArtifact(file, artifactPath);
}
export function logArtifacts(folder: string, artifactPath?: string): string[] {
  return current('logArtifacts').logArtifacts(folder, artifactPath);
}
export function logImage(key: string, image: string | Uint8Array | RawImage, step?: number, caption?: string): string | undefined {
  return current('logImage').logImage(key, image, step, caption);
}
export function logDataset(name: string, options: DatasetOptions = {}): DatasetRecord {
  return current('logDataset').logDataset(name, options);
}
export function logDataRef(name: string, options: DatasetOptions = {}): DatasetRecord {
  return current('logDataRef').logDataRef(name, options);
}
export function createAlert(condition: string, message?: string, level?: AlertLevel): string {
  return current('createAlert').createAlert(condition, message, level);
}
export function getOutputsPath(): string {
  return current('getOutputsPath').getOutputsPath();
}
/** Writes the current run's buffered records now (nothing without a run). */
export function flush(): void {
  currentRun()?.flush();
}
export type { FinalStatus };
