// What a run records besides metrics and files: parameters, tags, name, description, note,
// environment, code version, status changes and alerts. `Run` extends this.
import type { EventLog } from './eventLog';
import { ALERT_LEVELS, type AlertLevel, type FinalStatus, type RunStatus, type Tags } from './options';
import { stripCredentials } from './capture';
import { deepCopy, flatten, isPlainObject, jsonable, normalizeStatus, now, parseCondition, tagsList } from './values';

export abstract class RunRecords {
  name: string | undefined;
  description: string | undefined;
  tags: string[] | undefined;
  status: RunStatus = 'running';

  protected configData: Record<string, unknown> = {};
  /** The run's events.jsonl; set by the constructor of `Run`. */
  protected out!: EventLog;

  /** Ends the run with status `finished`, `failed` or `killed`. Returns false if it was already finished. */
  abstract finish(status?: FinalStatus, message?: string): boolean;

  protected checkOpen(what: string): void {
    this.out.checkOpen(what);
  }

  protected record(rec: Record<string, unknown>, flush = true): void {
    this.out.record(rec, flush);
  }

  // ---- params, tags, text

  /** Adds or overrides configuration values (nested objects are flattened in the log); `reset` replaces them all. */
  logParams(values: Record<string, unknown>, reset = false): void {
    this.checkOpen('logParams()');
    if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new TypeError('labbook.logParams expects an object');
    const copy = deepCopy(values);
    if (reset) {
      this.configData = copy;
      this.record({ t: 'params', values: flatten(this.configData), reset: true, time: now() });
      return;
    }
    let replacedNested = false;
    for (const [k, v] of Object.entries(copy)) {
      if (isPlainObject(this.configData[k])) replacedNested = true;
      this.configData[k] = v;
    }
    if (replacedNested) this.record({ t: 'params', values: flatten(this.configData), reset: true, time: now() });
    else if (Object.keys(copy).length) this.record({ t: 'params', values: flatten(copy), time: now() });
  }

  logParam(key: string, value: unknown): void {
    this.logParams({ [key]: value });
  }

  /** Adds tags (or replaces all tags with `reset`). */
  logTags(tags: Tags, reset = false): void {
    this.checkOpen('logTags()');
    const list = tagsList(tags);
    if (reset || this.tags === undefined) this.tags = [...list];
    else for (const t of list) if (!this.tags.includes(t)) this.tags.push(t);
    this.record({ t: 'tags', tags: list, reset: Boolean(reset) });
  }

  setName(name: string): void {
    this.checkOpen('setName()');
    this.name = String(name);
    this.record({ t: 'set', name: this.name });
  }

  setDescription(description: string): void {
    this.checkOpen('setDescription()');
    this.description = String(description);
    this.record({ t: 'set', description: this.description });
  }

  /** Sets the run's markdown note (the last note is the run's note). */
  note(text: string): void {
    this.checkOpen('note()');
    this.record({ t: 'note', text: String(text), time: now() });
  }

  /** Adds to the run's environment (top-level keys replace earlier ones). */
  logEnv(values: Record<string, unknown>): void {
    this.checkOpen('logEnv()');
    this.record({ t: 'env', values: jsonable(values), time: now() });
  }

  /** Records the code version by hand (Polyaxon style): the `git` part of the environment. */
  logCodeRef(ref: { commit?: string; branch?: string; url?: string; dirty?: boolean } = {}): void {
    const git: Record<string, unknown> = {};
    if (ref.commit !== undefined && ref.commit !== null) git.commit = String(ref.commit);
    if (ref.branch !== undefined && ref.branch !== null) git.branch = String(ref.branch);
    if (ref.url !== undefined && ref.url !== null) git.remote = stripCredentials(String(ref.url));
    if (ref.dirty !== undefined && ref.dirty !== null) git.dirty = Boolean(ref.dirty);
    this.logEnv({ git });
  }

  /** MLflow style: `{key: value}` becomes tags `key:value` (an array or a string is added as is). */
  setTags(tags: Tags): void {
    this.logTags(tags);
  }

  /** MLflow style: the tag `key:value` (just `key` without a value). */
  setTag(key: string, value?: unknown): void {
    this.logTags({ [key]: value });
  }

  // ---- status

  /** Polyaxon style: finishes the run as `finished`. */
  logSucceeded(message?: string): boolean {
    return this.finish('finished', message);
  }

  /** Polyaxon style: finishes the run as `failed` (the traceback, when given, follows the message). */
  logFailed(message?: string, traceback?: string): boolean {
    if (traceback !== undefined && traceback !== null) message = message ? `${message}\n\n${traceback}` : String(traceback);
    return this.finish('failed', message);
  }

  /** Polyaxon style: finishes the run as `killed`. */
  logStopped(message?: string): boolean {
    return this.finish('killed', message);
  }

  /** `running` appends a status record; a final status (also succeeded, stopped, FAILED…) finishes the run. */
  logStatus(status: string, message?: string): boolean {
    const s = normalizeStatus(status);
    if (s === 'running') {
      this.checkOpen('logStatus()');
      const rec: Record<string, unknown> = { t: 'status', status: 'running', time: now() };
      if (message !== undefined) rec.message = String(message);
      this.record(rec);
      return true;
    }
    return this.finish(s, message);
  }

  // ---- alerts

  /** Asks Labbook to notify once when a logged value meets `condition` (`"<metric> <op> <number>"`). */
  createAlert(condition: string, message?: string, level: AlertLevel = 'warning'): string {
    this.checkOpen('createAlert()');
    const [metric, op, number] = parseCondition(condition);
    if (!ALERT_LEVELS.includes(level)) throw new RangeError(`labbook.createAlert: level must be one of ${ALERT_LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
    const rec: Record<string, unknown> = { t: 'alert', condition: `${metric} ${op} ${number}` };
    if (message !== undefined) rec.message = String(message);
    rec.level = level;
    rec.time = now();
    this.record(rec);
    return rec.condition as string;
  }
}
