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
 */
import { execFile, execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { LineWriter } from './lineWriter';
import { statusForExitCode } from './exitStatus';
import { configProxy } from './configProxy';
import { takePendingConfig } from './currentRun';

export const FORMAT = 'labbook-run';
export const FORMAT_VERSION = 1;
export const DEFAULT_LOGDIR = 'labbook';
export const ALERT_LEVELS = ['info', 'warning', 'error'] as const;

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';
export type FinalStatus = 'finished' | 'failed' | 'killed';
export type AlertLevel = (typeof ALERT_LEVELS)[number];
export type Tags = string | readonly string[] | Readonly<Record<string, unknown>>;

export interface RunOptions {
  /** Experiment the run belongs to (default `"default"`). */
  project?: string;
  name?: string;
  description?: string;
  /** Labels; an object `{key: value}` becomes tags `key:value`. */
  tags?: Tags;
  /** Configuration: nested objects are flattened with `.` in the log. */
  config?: Record<string, unknown>;
  /** Log root; default `$LABBOOK_DIR`, else `./labbook`. */
  logdir?: string;
  /** A run id (or run folder) to append to instead of starting a new run. */
  resume?: string;
  /** Each capture can also be switched off with its environment variable (`LABBOOK_CAPTURE_ENV=0` …). */
  captureEnv?: boolean;
  captureGit?: boolean;
  capturePackages?: boolean;
  captureConsole?: boolean;
  captureSystem?: boolean;
  /** Seconds between system metric samples (default 10, `LABBOOK_SYSTEM_SECONDS`). */
  systemInterval?: number;
  /** Seconds between heartbeats (default 10, `LABBOOK_HEARTBEAT_SECONDS`). */
  heartbeatInterval?: number;
  /** Seconds between buffer flushes (default 0.5, `LABBOOK_FLUSH_SECONDS`). */
  flushInterval?: number;
  /**
   * Write `killed by SIGTERM` (SIGINT, SIGHUP) before the process dies of the signal, when the program
   * does not handle it (default false, `LABBOOK_HANDLE_SIGNALS=1`). Only for programs that give the
   * event loop a turn: a JavaScript signal handler cannot run during a synchronous loop, so it would
   * hold the signal until the loop ends. Without it a signal stops the program at once, as without
   * Labbook, and the extension shows the run as killed (its process is gone).
   */
  handleSignals?: boolean;
}

export interface DatasetOptions {
  /** A local file or folder (hashed). A `scheme://` string that is not a local path is taken as a URI. */
  path?: string;
  /** A remote location. */
  uri?: string;
  description?: string;
  context?: string;
}

export interface DatasetRecord {
  t: 'dataset';
  name: string;
  path?: string;
  size?: number;
  sha256?: string;
  uri?: string;
  description?: string;
  context?: string;
  time: number;
}

const DEFAULT_HEARTBEAT_SECONDS = 10;
const DEFAULT_FLUSH_SECONDS = 0.5;
const DEFAULT_SYSTEM_SECONDS = 10;
/** Lines are written once they hold this many characters (or every flushInterval): a small buffer
 *  keeps the lines young, so they cost the garbage collector next to nothing. */
const MAX_BUFFER_CHARS = 64 * 1024;
/** Records kept in memory while writes fail (a full disk); past it newer ones are lost. */
const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;
const MAX_GIT_DIFF_BYTES = 20 * 1024 * 1024;
const PROBE_TIMEOUT_MS = 5000;
const RUN_ID_RE = /^[A-Za-z0-9_-]+$/;
const CONDITION_RE = /^\s*([^\s<>=!](?:[^<>=!]*[^\s<>=!])?)\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

// ------------------------------------------------------------------------------------------ values

function now(): number {
  return Date.now() / 1000;
}

function numberText(v: number): string {
  if (Number.isFinite(v)) return JSON.stringify(v);
  if (Number.isNaN(v)) return '"NaN"';
  return v > 0 ? '"Infinity"' : '"-Infinity"';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Any value as JSON can hold it: NaN and infinities become strings, Maps objects, Sets sorted arrays. */
export function jsonable(value: unknown, depth = 0): unknown {
  if (depth > 50) return String(value);
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'function':
    case 'symbol':
      return String(value);
  }
  if (Array.isArray(value)) return value.map((v) => jsonable(v, depth + 1));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonable(v, depth + 1)]));
  if (value instanceof Set) {
    const items = [...value].map((v) => jsonable(v, depth + 1));
    return items.every((x) => typeof x === 'number') ? (items as number[]).sort((a, b) => a - b) : items;
  }
  if (value instanceof Date) return value.toISOString();
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonable(v, depth + 1);
    return out;
  }
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') return jsonable(toJSON.call(value), depth + 1);
  return String(value);
}

/** Nested plain objects flattened with `.`: `{a: {b: 1}}` → `{"a.b": 1}`; an empty object stays `{}`. */
export function flatten(values: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const name = prefix + key;
    if ((isPlainObject(value) || value instanceof Map) && (value instanceof Map ? value.size : Object.keys(value).length) > 0) {
      Object.assign(out, flatten(value instanceof Map ? Object.fromEntries(value) : value, name + '.'));
    } else if (isPlainObject(value) || value instanceof Map) {
      out[name] = {};
    } else {
      out[name] = jsonable(value);
    }
  }
  return out;
}

function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as unknown as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out as T;
  }
  return value;
}

function metricNumber(key: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const n = numericString(value);
    if (n !== undefined) return n;
  }
  const shown = typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value;
  throw new TypeError(`labbook.logMetrics: metric ${JSON.stringify(key)} has the value ${shown}, which is not a number`);
}

/** A number written as text, as Python's float() reads it: "0.5", " 1e-3 ", "nan", "inf", "-Infinity". */
function numericString(text: string): number | undefined {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  if (t === '') return undefined;
  const special = /^([-+]?)(nan|inf|infinity)$/.exec(t);
  if (special) return special[2] === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function checkStep(step: number): number {
  if (typeof step !== 'number' || !Number.isInteger(step)) throw new TypeError(`labbook.logMetrics: step must be an integer, not ${String(step)}`);
  if (step < 0) throw new RangeError(`labbook.logMetrics: step must be >= 0, got ${step}`);
  if (!Number.isSafeInteger(step)) throw new RangeError(`labbook.logMetrics: step must be <= ${Number.MAX_SAFE_INTEGER}, got ${step}`);
  return step;
}

function tagsList(tags: Tags | undefined | null): string[] {
  if (tags === undefined || tags === null) return [];
  if (typeof tags === 'string') return [tags];
  if (Array.isArray(tags)) return tags.map(String);
  return Object.entries(tags as Record<string, unknown>).map(([k, v]) => (v === null || v === undefined || v === true || v === '' ? k : `${k}:${String(v)}`));
}

const STATUS_ALIASES: Record<string, RunStatus> = {
  running: 'running', started: 'running', starting: 'running', resuming: 'running',
  finished: 'finished', succeeded: 'finished', success: 'finished', done: 'finished', completed: 'finished',
  failed: 'failed', failure: 'failed', error: 'failed',
  killed: 'killed', stopped: 'killed', stopping: 'killed', aborted: 'killed', cancelled: 'killed', canceled: 'killed', interrupted: 'killed',
};

export function normalizeStatus(status: string): RunStatus {
  const s = STATUS_ALIASES[String(status).trim().toLowerCase()];
  if (!s) throw new RangeError(`labbook: unknown status ${JSON.stringify(status)} (use running, finished, failed or killed)`);
  return s;
}

/** `"val/loss > 2.0"` → `["val/loss", ">", "2.0"]`; throws on anything else. */
export function parseCondition(condition: string): [string, string, string] {
  if (typeof condition !== 'string') throw new TypeError(`labbook.createAlert: condition must be a string like 'val/loss > 2.0'`);
  const m = CONDITION_RE.exec(condition);
  if (!m) throw new RangeError(`labbook.createAlert: condition ${JSON.stringify(condition)} is not '<metric> <op> <number>' with op one of >, >=, <, <=, ==, != (e.g. 'val/loss > 2.0')`);
  return [m[1], m[2], m[3]];
}

function envFlag(value: boolean | undefined, name: string, dflt = true): boolean {
  if (value !== undefined) return Boolean(value);
  const raw = process.env[name];
  if (raw === undefined) return dflt;
  return !['0', 'false', 'no', 'off', ''].includes(raw.trim().toLowerCase());
}

function envSeconds(value: number | undefined, name: string, dflt: number): number {
  if (value !== undefined) {
    if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`labbook: ${name.slice(8).toLowerCase()} must be a number of seconds > 0, not ${String(value)}`);
    return value;
  }
  const raw = process.env[name];
  if (!raw) return dflt;
  const v = Number(raw);
  if (!(v > 0)) {
    process.emitWarning(`labbook: ${name}=${JSON.stringify(raw)} is not a number > 0; using ${dflt}`, 'LabbookWarning');
    return dflt;
  }
  return v;
}

function warn(message: string): void {
  process.emitWarning(message, 'LabbookWarning');
}

// ------------------------------------------------------------------------------------------ files

function cleanArtifactPath(artifactPath: string | undefined | null): string {
  if (artifactPath === undefined || artifactPath === null) return '';
  const text = String(artifactPath).split('\\').join('/');
  if (text.startsWith('/') || (text.length > 1 && text[1] === ':')) throw new RangeError(`labbook: artifactPath must be relative, not ${JSON.stringify(artifactPath)}`);
  const parts = text.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new RangeError(`labbook: artifactPath must stay inside the run's artifacts, not ${JSON.stringify(artifactPath)}`);
  return parts.join('/');
}

const CHUNK = 1 << 20;

function hashFile(file: string): { size: number; sha256: string } {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { size, sha256: h.digest('hex') };
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** Copies `src` to `dst` (atomically replaced), hashing on the way. */
function copyFile(src: string, dst: string): { size: number; sha256: string } {
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  if (sameFile(src, dst)) return hashFile(src);
  const tmp = `${dst}.tmp-${crypto.randomBytes(4).toString('hex')}`;
  const h = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  const fin = fs.openSync(src, 'r');
  let fout: number | undefined;
  try {
    fout = fs.openSync(tmp, 'w', fs.statSync(src).mode & 0o777);
    for (;;) {
      const n = fs.readSync(fin, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      let off = 0;
      while (off < n) off += fs.writeSync(fout, buf, off, n - off);
      size += n;
    }
    fs.closeSync(fout);
    fout = undefined;
    fs.renameSync(tmp, dst);
  } catch (e) {
    if (fout !== undefined) fs.closeSync(fout);
    fs.rmSync(tmp, { force: true });
    throw e;
  } finally {
    fs.closeSync(fin);
  }
  return { size, sha256: h.digest('hex') };
}

function inside(real: string, realRoot: string): boolean {
  const root = realRoot.endsWith(path.sep) ? realRoot.slice(0, -1) : realRoot;
  return real === root || real.startsWith(root + path.sep);
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Regular files below `root` as [relative POSIX path, absolute path], in byte order of the relative
 * path, plus what was skipped. Symbolic links are followed only when they point inside `root`.
 */
export function walkTree(root: string): { files: Array<[string, string]>; skipped: string[] } {
  const realRoot = realpath(root);
  const files: Array<[string, string]> = [];
  const skipped: string[] = [];
  const visited = new Set([realRoot]);
  const stack: Array<[string, string]> = [['', root]];
  while (stack.length) {
    const [relDir, absDir] = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch {
      skipped.push(relDir || '.');
      continue;
    }
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const abs = path.join(absDir, entry.name);
      try {
        if (entry.isSymbolicLink()) {
          const real = realpath(abs);
          if (!inside(real, realRoot) || !fs.existsSync(real)) {
            skipped.push(rel);
            continue;
          }
          const st = fs.statSync(real);
          if (st.isDirectory()) {
            if (visited.has(real)) {
              skipped.push(rel);
              continue;
            }
            visited.add(real);
            stack.push([rel, abs]);
          } else if (st.isFile()) files.push([rel, abs]);
          else skipped.push(rel);
        } else if (entry.isDirectory()) {
          const real = realpath(abs);
          if (visited.has(real)) {
            skipped.push(rel);
            continue;
          }
          visited.add(real);
          stack.push([rel, abs]);
        } else if (entry.isFile()) files.push([rel, abs]);
        else skipped.push(rel);
      } catch {
        skipped.push(rel);
      }
    }
  }
  files.sort((a, b) => Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8')));
  return { files, skipped };
}

/** Size and sha256 of a folder: sha256 of the lines `<relative path>,<size>,<sha256>\n`, sorted by path bytes. */
export function hashTree(root: string): { size: number; sha256: string; skipped: string[] } {
  const { files, skipped } = walkTree(root);
  const h = crypto.createHash('sha256');
  let total = 0;
  for (const [rel, abs] of files) {
    const { size, sha256 } = hashFile(abs);
    total += size;
    h.update(`${rel},${size},${sha256}\n`, 'utf8');
  }
  return { size: total, sha256: h.digest('hex'), skipped };
}

// ------------------------------------------------------------------------------------------ capture

function run(cmd: string, args: string[], cwd?: string, timeout = PROBE_TIMEOUT_MS): string | undefined {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout,
      maxBuffer: MAX_GIT_DIFF_BYTES * 2,
      windowsHide: true,
    }).toString('utf8');
  } catch {
    return undefined;
  }
}

function which(cmd: string): string | undefined {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = path.join(dir, cmd + ext);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        if (fs.statSync(p).isFile()) return p;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

function stripCredentials(url: string): string {
  return url.trim().replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@]*@/, '$1');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'"'"'`)}'`;
}

function gitInfo(runPath: string): Record<string, unknown> | undefined {
  const cwd = process.cwd();
  if (!which('git')) return undefined;
  const top = run('git', ['rev-parse', '--show-toplevel'], cwd);
  if (top === undefined) return undefined;
  const info: Record<string, unknown> = { root: top.trim() };
  const commit = run('git', ['rev-parse', 'HEAD'], cwd)?.trim();
  info.commit = commit || null;
  const branch = run('git', ['rev-parse', '--abbrev-ref', 'HEAD'], cwd)?.trim();
  info.branch = branch && branch !== 'HEAD' ? branch : null;
  const remote = run('git', ['config', '--get', 'remote.origin.url'], cwd);
  if (remote && remote.trim()) info.remote = stripCredentials(remote);
  const status = run('git', ['status', '--porcelain', '--untracked-files=no'], cwd);
  info.dirty = Boolean(status && status.trim());
  if (info.dirty && commit) {
    const diff = run('git', ['diff', 'HEAD', '--no-color', '--no-ext-diff'], cwd, 30000);
    if (diff) {
      let data = Buffer.from(diff, 'utf8');
      if (data.length > MAX_GIT_DIFF_BYTES) data = Buffer.concat([data.subarray(0, MAX_GIT_DIFF_BYTES), Buffer.from('\n[labbook: diff truncated]\n')]);
      try {
        fs.writeFileSync(path.join(runPath, 'git.diff'), data);
        info.diff = 'git.diff';
      } catch {
        /* no diff file */
      }
    }
  }
  return info;
}

function meminfo(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of fs.readFileSync('/proc/meminfo', 'utf8').split('\n')) {
      const m = /^(\w+(?:\([\w]+\))?):\s+(\d+)(?:\s+(kB))?/.exec(line);
      if (m) out[m[1]] = Number(m[2]) * (m[3] ? 1024 : 1);
    }
  } catch {
    /* not Linux */
  }
  return out;
}

function nodePackages(): Record<string, string> {
  // the dependencies of the nearest package.json, with the versions installed next to it
  let dir = process.cwd();
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      const out: Record<string, string> = {};
      try {
        const pkg = JSON.parse(fs.readFileSync(pj, 'utf8')) as Record<string, Record<string, string> | undefined>;
        const names = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
        for (const name of [...names].sort()) {
          try {
            const v = (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version;
            if (v) out[name] = v;
          } catch {
            /* not installed */
          }
        }
      } catch {
        /* unreadable package.json */
      }
      return out;
    }
    const up = path.dirname(dir);
    if (up === dir) return {};
    dir = up;
  }
}

let nvidiaSmi: string | null | undefined;
function findNvidiaSmi(): string | null {
  if (nvidiaSmi === undefined) nvidiaSmi = which('nvidia-smi') ?? null;
  return nvidiaSmi;
}

function gpuInfo(): Array<Record<string, unknown>> {
  const exe = findNvidiaSmi();
  if (!exe) return [];
  const out = run(exe, ['--query-gpu=index,name,memory.total,driver_version', '--format=csv,noheader,nounits']);
  const gpus: Array<Record<string, unknown>> = [];
  for (const line of (out ?? '').split('\n')) {
    const p = line.split(',').map((s) => s.trim());
    if (p.length < 4) continue;
    const gpu: Record<string, unknown> = { index: Number.parseInt(p[0], 10), name: p[1], driver: p[3] };
    const mem = Number(p[2]);
    if (p[2] !== '' && Number.isFinite(mem)) gpu.memory_bytes = Math.trunc(mem * 1024 * 1024);
    gpus.push(gpu);
  }
  return gpus;
}

/** The `env` record's values (docs/run-log-format.md). */
export function collectEnv(runPath: string, startTime: number, captureGit = true, capturePackages = true): Record<string, unknown> {
  const argv = process.argv.slice(1);
  const env: Record<string, unknown> = {
    command: ['node', ...process.execArgv, ...argv].map(quote).join(' '),
    argv,
    cwd: process.cwd(),
    pid: process.pid,
    start_time: startTime,
  };
  if (captureGit) {
    const git = gitInfo(runPath);
    if (git) env.git = git;
  }
  env.node = { version: process.versions.node, executable: process.execPath };
  if (capturePackages) env.packages = nodePackages();
  env.os = { system: os.type(), release: os.release(), machine: os.machine ? os.machine() : os.arch(), hostname: os.hostname(), platform: `${os.type()}-${os.release()}-${os.arch()}` };
  const hardware: Record<string, unknown> = { cpu_count: os.cpus().length };
  const model = os.cpus()[0]?.model;
  if (model) hardware.cpu_model = model.trim();
  hardware.memory_bytes = meminfo().MemTotal ?? os.totalmem();
  hardware.gpus = gpuInfo();
  env.hardware = hardware;
  return env;
}

function procStat(): [number, number] | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const parts = line.trim().split(/\s+/);
    if (parts[0] !== 'cpu') return undefined;
    const nums = parts.slice(1, 9).map(Number);
    const total = nums.reduce((a, b) => a + b, 0);
    const idle = nums[3] + (nums[4] ?? 0);
    return [total - idle, total];
  } catch {
    return undefined;
  }
}

function cpuTimes(): [number, number] {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return [busy, total];
}

class SystemSampler {
  private prev: [number, number];
  private lastCpu: number | undefined;
  private readonly proc: boolean;

  constructor() {
    const p = procStat();
    this.proc = p !== undefined;
    this.prev = p ?? cpuTimes();
  }

  sample(): Record<string, number> {
    const values: Record<string, number> = {};
    const cur = (this.proc ? procStat() : cpuTimes()) ?? this.prev;
    const busy = cur[0] - this.prev[0];
    const total = cur[1] - this.prev[1];
    if (total > 0) {
      this.lastCpu = Math.round((10000 * busy) / total) / 100;
      this.prev = cur;
    }
    // Less than a clock tick since the last sample: the last figure still stands.
    if (this.lastCpu !== undefined) values['system/cpu_percent'] = this.lastCpu;
    const mi = meminfo();
    if (mi.MemTotal && mi.MemAvailable !== undefined) {
      values['system/memory_percent'] = Math.round((10000 * (mi.MemTotal - mi.MemAvailable)) / mi.MemTotal) / 100;
    } else {
      values['system/memory_percent'] = Math.round((10000 * (os.totalmem() - os.freemem())) / os.totalmem()) / 100;
    }
    return values;
  }
}

function gpuSample(done: (values: Record<string, number>) => void): void {
  const exe = findNvidiaSmi();
  if (!exe) return done({});
  execFile(exe, ['--query-gpu=index,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'], { timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (err, stdout) => {
    const values: Record<string, number> = {};
    if (!err) {
      for (const line of String(stdout).split('\n')) {
        const p = line.split(',').map((s) => s.trim());
        if (p.length < 4 || p[0] === '') continue;
        const i = Number.parseInt(p[0], 10);
        const util = Number(p[1]);
        const used = Number(p[2]);
        const tot = Number(p[3]);
        if (p[1] !== '' && Number.isFinite(util)) values[`system/gpu.${i}.utilization`] = util;
        if (Number.isFinite(used) && tot > 0) values[`system/gpu.${i}.memory_percent`] = Math.round((10000 * used) / tot) / 100;
      }
    }
    done(values);
  });
}

// console: one wrapper per stream, shared by every run that captures
interface ConsoleSink {
  write(text: string): void;
}
type WriteFn = typeof process.stdout.write;
const consoleSinks = new Set<ConsoleSink>();
const originalWrites = new Map<NodeJS.WriteStream, { original: WriteFn; wrapper: WriteFn }>();

function chunkText(chunk: unknown, encoding: unknown): string | undefined {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
  return undefined;
}

function attachConsole(sink: ConsoleSink): void {
  consoleSinks.add(sink);
  for (const stream of [process.stdout, process.stderr]) {
    if (originalWrites.has(stream)) continue;
    const original = stream.write;
    const wrapper = function (this: NodeJS.WriteStream, chunk: unknown, encoding?: unknown, _cb?: unknown): boolean {
      const text = chunkText(chunk, encoding);
      if (text !== undefined) {
        for (const s of consoleSinks) {
          try {
            s.write(text);
          } catch {
            /* never break the program's output */
          }
        }
      }
      // eslint-disable-next-line prefer-rest-params
      return (original as (...a: unknown[]) => boolean).apply(this, Array.prototype.slice.call(arguments));
    } as WriteFn;
    stream.write = wrapper;
    originalWrites.set(stream, { original, wrapper });
  }
}

function detachConsole(sink: ConsoleSink): void {
  consoleSinks.delete(sink);
  if (consoleSinks.size > 0) return;
  for (const [stream, { original, wrapper }] of originalWrites) {
    if (stream.write === wrapper) {
      stream.write = original;
      originalWrites.delete(stream);
    } // else someone wrapped ours: it stays, writing through with no sinks
  }
}

// ------------------------------------------------------------------------------------------ finding runs

function runFolders(logdir: string, maxDepth = 4): string[] {
  const out: string[] = [];
  const stack: Array<[string, number]> = [[logdir, 0]];
  while (stack.length) {
    const [folder, depth] = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    if (folder !== logdir && entries.some((e) => e.name === 'events.jsonl')) {
      out.push(folder);
      continue;
    }
    if (depth < maxDepth) for (const e of entries) if (e.isDirectory()) stack.push([path.join(folder, e.name), depth + 1]);
  }
  return out.sort();
}

function readHeader(events: string): Record<string, unknown> | undefined {
  try {
    const fd = fs.openSync(events, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      const line = buf.subarray(0, n).toString('utf8').split('\n', 1)[0];
      const rec = JSON.parse(line) as Record<string, unknown>;
      return rec && rec.t === 'header' ? rec : undefined;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function findRunFolder(logdir: string, resume: string): string {
  if (fs.existsSync(path.join(resume, 'events.jsonl'))) return path.resolve(resume);
  if (!RUN_ID_RE.test(resume)) throw new RangeError(`labbook: resume ${JSON.stringify(resume)} is neither a run id nor a run folder`);
  const folders = runFolders(logdir);
  const byName = folders.filter((f) => path.basename(f) === resume || path.basename(f).endsWith('-' + resume));
  for (const folder of [...byName, ...folders]) {
    if (readHeader(path.join(folder, 'events.jsonl'))?.run_id === resume) return folder;
  }
  if (byName.length) return byName[0];
  throw new RangeError(`labbook: no run with id ${JSON.stringify(resume)} under ${logdir}`);
}

// ---------------------------------------------------------------------------------------------
// Images (logImage): encoded files as they are, raw pixels as PNG.

/** Raw 8-bit pixels, row by row, `channels` samples a pixel (1 grey, 3 RGB, 4 RGBA). */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels?: 1 | 3 | 4;
  readonly data: ArrayLike<number>;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(kind: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(payload.length, 0);
  head.write(kind, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), payload])), 0);
  return Buffer.concat([head, payload, crc]);
}

/** PNG bytes of raw 8-bit pixels (values are clipped to 0..255). */
export function encodePng(image: RawImage): Buffer {
  const { width, height } = image;
  const channels = image.channels ?? 4;
  if (![1, 3, 4].includes(channels)) throw new RangeError(`labbook.logImage: channels must be 1, 3 or 4, not ${channels}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw new RangeError(`labbook.logImage: bad size ${width}×${height}`);
  if (image.data.length !== width * height * channels) throw new RangeError(`labbook.logImage: ${width}×${height}×${channels} needs ${width * height * channels} samples, got ${image.data.length}`);
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < stride; i++) {
      const v = Number(image.data[y * stride + i]);
      raw[y * (stride + 1) + 1 + i] = v !== v || v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = { 1: 0, 3: 2, 4: 6 }[channels];
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** 'png', 'jpg', 'gif', 'webp' or 'bmp' from an encoded image's first bytes, or undefined. */
export function imageExtension(b: Uint8Array): string | undefined {
  const at = (i: number, ...bytes: number[]) => bytes.every((x, j) => b[i + j] === x);
  if (b.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (b.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'jpg';
  if (b.length >= 6 && at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (b.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  if (b.length >= 14 && at(0, 0x42, 0x4d)) return 'bmp';
  return undefined;
}

function imageBytes(image: string | Uint8Array | RawImage): { data: Buffer; ext: string } {
  let data: Buffer;
  if (typeof image === 'string') data = fs.readFileSync(image);
  else if (image instanceof Uint8Array) data = Buffer.from(image);
  else return { data: encodePng(image), ext: 'png' };
  const ext = imageExtension(data);
  if (!ext) throw new Error(`labbook.logImage: ${typeof image === 'string' ? JSON.stringify(image) : 'the bytes'} are not a PNG, JPEG, GIF, WebP or BMP image`);
  return { data, ext };
}


class KeySteps {
  steps: number[];
  last: number;
  constructor(steps: number[] = []) {
    this.steps = steps;
    this.last = steps.length ? steps[steps.length - 1] : -1;
  }
  private index(step: number): number {
    let lo = 0;
    let hi = this.steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.steps[mid] < step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  has(step: number): boolean {
    if (step > this.last) return false;
    const i = this.index(step);
    return this.steps[i] === step;
  }
  add(step: number): void {
    if (step > this.last) {
      this.steps.push(step);
      this.last = step;
    } else this.steps.splice(this.index(step), 0, step);
  }
}

interface RunState {
  runId: string | undefined;
  project: string;
  name: string | undefined;
  description: string | undefined;
  tags: string[] | undefined;
  params: Record<string, unknown>;
  steps: Map<string, KeySteps>;
  systemStep: number;
  artifacts: Set<string>;
  complete: boolean;
}

function parseRelaxed(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // Python's json.dumps writes bare NaN/Infinity tokens: accept them as strings
    return JSON.parse(line.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '"$1"'));
  }
}

function readState(events: string): RunState {
  const data = fs.readFileSync(events);
  const complete = data.length === 0 || data[data.length - 1] === 0x0a;
  let lines = data.toString('utf8').split('\n');
  if (!complete) lines = lines.slice(0, -1);
  const st: RunState = { runId: undefined, project: 'default', name: undefined, description: undefined, tags: undefined, params: {}, steps: new Map(), systemStep: 0, artifacts: new Set(), complete };
  const steps = new Map<string, number[]>();
  for (let raw of lines) {
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (!raw) continue;
    let rec: Record<string, unknown>;
    try {
      rec = parseRelaxed(raw) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!rec || typeof rec !== 'object') continue;
    switch (rec.t) {
      case 'metrics':
        if (Number.isInteger(rec.step) && isPlainObject(rec.values)) {
          for (const key of Object.keys(rec.values)) {
            const lst = steps.get(key);
            if (lst) lst.push(rec.step as number);
            else steps.set(key, [rec.step as number]);
          }
        }
        break;
      case 'header':
        if (typeof rec.run_id === 'string') st.runId = rec.run_id;
        if (typeof rec.project === 'string') st.project = rec.project;
        if (typeof rec.name === 'string') st.name = rec.name;
        if (typeof rec.description === 'string') st.description = rec.description;
        if (Array.isArray(rec.tags)) st.tags = rec.tags.map(String);
        break;
      case 'params':
        if (isPlainObject(rec.values)) {
          if (rec.reset) st.params = {};
          Object.assign(st.params, rec.values);
        }
        break;
      case 'tags':
        if (Array.isArray(rec.tags)) {
          const t = rec.tags.map(String);
          if (rec.reset || st.tags === undefined) st.tags = t;
          else for (const x of t) if (!st.tags.includes(x)) st.tags.push(x);
        }
        break;
      case 'set':
        if (typeof rec.name === 'string') st.name = rec.name;
        if (typeof rec.description === 'string') st.description = rec.description;
        break;
      case 'artifact':
        if (typeof rec.name === 'string') st.artifacts.add(rec.name);
        break;
    }
  }
  let system = -1;
  for (const [key, lst] of steps) {
    const sorted = [...new Set(lst)].sort((a, b) => a - b);
    const ks = new KeySteps(sorted);
    st.steps.set(key, ks);
    if (key.startsWith('system/')) system = Math.max(system, ks.last);
  }
  st.systemStep = system + 1;
  return st;
}

// ------------------------------------------------------------------------------------------ run

const openRuns = new Set<Run>();
let currentRun: Run | undefined;

function localStamp(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** One run: a folder holding an append-only `events.jsonl`. Make one with `startRun()`. */
const NAME_ADJECTIVES = ['amber', 'bold', 'brisk', 'calm', 'clever', 'cosmic', 'crisp', 'dapper', 'eager', 'fancy', 'gentle', 'golden', 'grand', 'happy', 'hidden', 'jolly', 'keen', 'lively', 'lucid', 'mellow', 'merry', 'nimble', 'noble', 'polar', 'proud', 'quiet', 'rapid', 'silver', 'sleek', 'sunny', 'swift', 'vivid'];
const NAME_NOUNS = ['badger', 'bison', 'canyon', 'comet', 'condor', 'cedar', 'delta', 'ember', 'falcon', 'fjord', 'gecko', 'glacier', 'harbor', 'heron', 'ibis', 'jaguar', 'kestrel', 'lagoon', 'lynx', 'maple', 'meadow', 'nebula', 'otter', 'panda', 'quasar', 'raven', 'sparrow', 'summit', 'tundra', 'walrus', 'willow', 'zephyr'];

/** A readable default run name from the run id, e.g. `swift-otter-417` (the Python SDK gives the same). */
export function friendlyName(runId: string): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(runId, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0; // FNV-1a, 32 bits
  return `${NAME_ADJECTIVES[h % NAME_ADJECTIVES.length]}-${NAME_NOUNS[(h >>> 8) % NAME_NOUNS.length]}-${(h >>> 16) % 1000}`;
}

export class Run {
  readonly logdir: string;
  readonly id: string;
  readonly path: string;
  readonly project: string;
  name: string | undefined;
  description: string | undefined;
  tags: string[] | undefined;
  status: RunStatus = 'running';

  private configData: Record<string, unknown> = {};
  private fd: number | undefined;
  private buf: string[] = [];
  private bufChars = 0;
  private readonly steps = new Map<string, KeySteps>();
  private readonly keyJson = new Map<string, string>();
  /** The values' texts of a log call (reused: no array per call). */
  private readonly texts: string[] = [];
  private finishedFlag = false;
  private readonly startMs = Date.now();
  private readonly startTime: number;
  private systemStep = 0;
  private artifactNames = new Set<string>();
  private imageSteps = new Map<string, KeySteps>();
  private readonly timers: NodeJS.Timeout[] = [];
  private consoleSink: { write(text: string): void; flush(): void; close(): void } | undefined;
  private envPending: { git: boolean; packages: boolean } | undefined;
  private writer!: LineWriter;
  /** Records given up on while writes failed. */
  private lost = 0;
  private dropping = false;
  private readonly maxPending = maxPendingBytes();
  /** When the buffer is written and a heartbeat is due next, in ms (checked by every log call too:
   *  a synchronous training loop never lets the timers run). */
  private readonly flushEveryMs: number;
  private readonly beatEveryMs: number;
  private nextFlushMs = 0;
  private nextBeatMs = 0;
  private readonly configView = configProxy({
    values: () => this.configData,
    set: (key, value) => this.logParams({ [key]: value }),
    remove: (key) => {
      const rest = { ...this.configData };
      delete rest[key];
      this.logParams(rest, true);
    },
    copy: deepCopy,
  });

  constructor(options: RunOptions = {}) {
    const logdir = options.logdir ?? process.env.LABBOOK_DIR ?? DEFAULT_LOGDIR;
    this.logdir = path.resolve(logdir);
    const heartbeat = envSeconds(options.heartbeatInterval, 'LABBOOK_HEARTBEAT_SECONDS', DEFAULT_HEARTBEAT_SECONDS);
    const flushEvery = envSeconds(options.flushInterval, 'LABBOOK_FLUSH_SECONDS', DEFAULT_FLUSH_SECONDS);
    const systemEvery = envSeconds(options.systemInterval, 'LABBOOK_SYSTEM_SECONDS', DEFAULT_SYSTEM_SECONDS);
    const captureEnv = envFlag(options.captureEnv, 'LABBOOK_CAPTURE_ENV');
    const captureGit = envFlag(options.captureGit, 'LABBOOK_CAPTURE_GIT');
    const capturePackages = envFlag(options.capturePackages, 'LABBOOK_CAPTURE_PACKAGES');
    const captureConsole = envFlag(options.captureConsole, 'LABBOOK_CAPTURE_CONSOLE');
    const captureSystem = envFlag(options.captureSystem, 'LABBOOK_CAPTURE_SYSTEM');
    const handleSignals = envFlag(options.handleSignals, 'LABBOOK_HANDLE_SIGNALS', false);
    this.startTime = now();
    this.flushEveryMs = flushEvery * 1000;
    this.beatEveryMs = heartbeat * 1000;
    this.nextFlushMs = this.startMs + this.flushEveryMs;
    this.nextBeatMs = this.startMs + this.beatEveryMs;

    if (options.resume === undefined) {
      this.project = options.project !== undefined ? String(options.project) : 'default';
      this.name = options.name !== undefined ? String(options.name) : undefined;
      this.description = options.description !== undefined ? String(options.description) : undefined;
      this.tags = options.tags !== undefined ? tagsList(options.tags) : undefined;
      fs.mkdirSync(this.logdir, { recursive: true });
      const stamp = localStamp(this.startTime);
      let id = '';
      let folder = '';
      for (let i = 0; ; i++) {
        id = crypto.randomBytes(5).toString('hex');
        folder = path.join(this.logdir, `run-${stamp}-${id}`);
        try {
          fs.mkdirSync(folder);
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i > 100) throw e;
        }
      }
      this.id = id;
      this.path = folder;
      if (this.name === undefined) this.name = friendlyName(id);
      this.fd = fs.openSync(path.join(folder, 'events.jsonl'), 'a');
      this.writer = new LineWriter(this.eventsPath, warn);
      this.configData = deepCopy(options.config ?? {});
      const header: Record<string, unknown> = { t: 'header', format: FORMAT, version: FORMAT_VERSION, run_id: id, project: this.project };
      if (this.name !== undefined) header.name = this.name;
      if (this.description !== undefined) header.description = this.description;
      if (this.tags !== undefined) header.tags = [...this.tags];
      header.time = this.startTime;
      Object.assign(header, processIdentity());
      this.record(header, false);
      this.record({ t: 'params', values: flatten(this.configData), time: now() }, false);
      this.record({ t: 'status', status: 'running', time: now() });
    } else {
      const folder = findRunFolder(this.logdir, String(options.resume));
      const events = path.join(folder, 'events.jsonl');
      const st = readState(events);
      this.path = folder;
      this.id = st.runId ?? path.basename(folder);
      this.project = st.project;
      if (options.project !== undefined && String(options.project) !== this.project) warn(`labbook: run ${this.id} belongs to project ${JSON.stringify(this.project)}; project ${JSON.stringify(options.project)} is ignored`);
      this.name = st.name;
      this.description = st.description;
      this.tags = st.tags;
      for (const [k, v] of st.steps) this.steps.set(k, v);
      this.systemStep = st.systemStep;
      this.artifactNames = st.artifacts;
      this.configData = st.params;
      this.fd = fs.openSync(events, 'a');
      this.writer = new LineWriter(events, warn);
      if (!st.complete) this.append('\n');
      this.record({ t: 'status', status: 'running', time: now(), resumed: true, ...processIdentity() }, false);
      if (options.config && Object.keys(options.config).length) this.logParams(options.config);
      if (options.name !== undefined && String(options.name) !== this.name) this.setName(options.name);
      if (options.description !== undefined && String(options.description) !== this.description) this.setDescription(options.description);
      if (options.tags !== undefined) {
        const add = tagsList(options.tags).filter((t) => !(this.tags ?? []).includes(t));
        if (add.length) this.logTags(add);
      }
      this.flush();
    }

    openRuns.add(this);
    installHooks(handleSignals);

    if (captureConsole) {
      const file = path.join(this.path, 'console.log');
      let pending: string[] = [];
      let open = true;
      const sink = {
        write: (text: string) => {
          if (open) pending.push(text);
        },
        flush: () => {
          if (!pending.length) return;
          const data = pending.join('');
          pending = [];
          try {
            fs.appendFileSync(file, data, 'utf8');
          } catch {
            /* console.log is best effort */
          }
        },
        close: () => {
          sink.flush();
          open = false;
        },
      };
      this.consoleSink = sink;
      attachConsole(sink);
    }
    const flushTimer = setInterval(() => this.flushQuietly(), flushEvery * 1000);
    const beatTimer = setInterval(() => this.beat(Date.now()), heartbeat * 1000);
    this.timers.push(flushTimer, beatTimer);
    if (captureSystem) {
      const sampler = new SystemSampler();
      const t = setInterval(() => {
        if (this.finishedFlag) return;
        const values = sampler.sample();
        const step = this.systemStep++;
        gpuSample((gpu) => {
          if (this.finishedFlag) return;
          try {
            this.logInternal({ ...values, ...gpu }, step, false);
          } catch {
            /* finished meanwhile */
          }
        });
      }, systemEvery * 1000);
      this.timers.push(t);
    }
    for (const t of this.timers) t.unref();
    if (captureEnv) {
      this.envPending = { git: captureGit, packages: capturePackages };
      setImmediate(() => this.captureEnvNow()).unref?.();
    }
  }

  // ---- properties

  /** The configuration: reading gives copies; `run.config.lr = 0.1` records the change (as `logParams`). */
  get config(): Record<string, unknown> {
    return this.configView;
  }

  /** `run.config = {...}` adds or overrides those values (as `logParams`). */
  set config(values: Record<string, unknown>) {
    this.logParams(values);
  }

  get finished(): boolean {
    return this.finishedFlag;
  }

  get eventsPath(): string {
    return path.join(this.path, 'events.jsonl');
  }

  // ---- writing

  private append(line: string, flush = false): void {
    if (this.fd === undefined || this.finishedFlag) throw new Error(`labbook: run ${this.id} is finished`);
    if (this.writer.failing && !this.keep(line)) return;
    this.buf.push(line);
    this.bufChars += line.length;
    // while writes fail, the flush timer retries: no write attempt per record
    if ((flush || this.bufChars > MAX_BUFFER_CHARS) && !this.writer.failing) this.flush();
  }

  /** False (and the line counted as lost) when writes fail and memory holds enough. */
  private keep(line: string): boolean {
    if (!this.writer.failing || line.startsWith('{"t":"status"')) return true;
    if (!this.dropping && this.bufChars + line.length <= this.maxPending) return true;
    this.dropping = true; // until the lines kept are written: what is kept has no gap
    this.lost++;
    return false;
  }

  private record(rec: Record<string, unknown>, flush = true): void {
    this.append(JSON.stringify(rec) + '\n', flush);
  }

  /** Writes everything logged so far to disk now (also done at least every 0.5 s and at exit). */
  flush(): void {
    this.nextFlushMs = Date.now() + this.flushEveryMs;
    if (this.buf.length && this.fd !== undefined) {
      const written = this.writer.write(this.fd, this.buf);
      if (written === this.buf.length) {
        this.buf = [];
        this.bufChars = 0;
      } else {
        for (const line of this.buf.splice(0, written)) this.bufChars -= line.length;
      }
      if (!this.writer.failing) this.dropping = false;
    }
    this.consoleSink?.flush();
  }

  private flushQuietly(): void {
    try {
      this.flush();
    } catch {
      /* never throw from a timer */
    }
  }

  private beat(ms: number): void {
    this.nextBeatMs = ms + this.beatEveryMs;
    if (!this.finishedFlag) this.append(`{"t":"heartbeat","time":${numberText(ms / 1000)}}\n`);
  }

  /** What the timers do, done from a log call when they are late (a loop that never yields). */
  private catchUp(ms: number): void {
    if (ms >= this.nextBeatMs) this.beat(ms);
    if (ms >= this.nextFlushMs && !this.writer.failing) {
      this.nextFlushMs = ms + this.flushEveryMs;
      this.flushQuietly();
    }
  }

  private checkOpen(what: string): void {
    if (this.finishedFlag) throw new Error(`labbook: ${what} on run ${this.id}, which is already finished`);
  }

  private captureEnvNow(): void {
    const pending = this.envPending;
    if (!pending || this.finishedFlag) return;
    this.envPending = undefined;
    try {
      this.record({ t: 'env', values: jsonable(collectEnv(this.path, this.startTime, pending.git, pending.packages)), time: now() });
    } catch {
      /* capture is best effort */
    }
  }

  // ---- metrics

  /**
   * Logs metrics. Without `step` every metric goes to its own next step (0, 1, 2, …); with `step` all
   * go to that step. A second value for a metric at a step it already has is dropped with a warning.
   * Values must be numbers (booleans count as 0/1, bigints are converted); NaN and ±Infinity are kept.
   */
  logMetrics(values: Record<string, number | boolean | bigint | string>, step?: number): void {
    this.logInternal(values, step, true);
  }

  /** Alias of `logMetrics`. */
  log(values: Record<string, number | boolean | bigint | string>, step?: number): void {
    this.logInternal(values, step, true);
  }

  logMetric(key: string, value: number | boolean | bigint | string, step?: number): void {
    this.logInternal({ [key]: value }, step, true);
  }

  private logInternal(values: Record<string, unknown>, step: number | undefined, warnDropped: boolean): void {
    if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new TypeError('labbook.logMetrics expects an object of metric name -> number');
    if (step !== undefined && step !== null) step = checkStep(step);
    else step = undefined;
    // Every value is checked before anything is recorded: a bad one leaves the call without effect.
    const keys = Object.keys(values);
    const n = keys.length;
    const texts = this.texts;
    texts.length = n;
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      if (!key) throw new RangeError('labbook.logMetrics: metric names must not be empty');
      const v = values[key];
      texts[i] = typeof v === 'number' && Number.isFinite(v) ? '' + v : numberText(metricNumber(key, v));
    }
    this.checkOpen('logMetrics()');
    const ms = Date.now();
    const head = `{"t":"metrics","step":`;
    const time = `,"time":${ms / 1000},"values":{`;
    let dropped: Array<[string, number]> | undefined;
    if (step !== undefined || n === 1) {
      // One line: every key at the given step, or one key at its next step.
      let body = '';
      let s = step ?? 0;
      for (let i = 0; i < n; i++) {
        const ks = this.keySteps(keys[i]);
        if (step === undefined) s = ks.last + 1;
        else if (s <= ks.last && ks.has(s)) {
          (dropped ??= []).push([keys[i], s]);
          continue;
        }
        ks.add(s);
        body = body ? `${body},${this.keyText(keys[i])}:${texts[i]}` : `${this.keyText(keys[i])}:${texts[i]}`;
      }
      if (body) this.append(`${head}${s}${time}${body}}}\n`);
    } else {
      // Each key at its own next step: one line per step, in step order.
      const byStep = new Map<number, string>();
      for (let i = 0; i < n; i++) {
        const ks = this.keySteps(keys[i]);
        const s = ks.last + 1;
        ks.add(s);
        const item = `${this.keyText(keys[i])}:${texts[i]}`;
        const group = byStep.get(s);
        byStep.set(s, group === undefined ? item : `${group},${item}`);
      }
      for (const s of [...byStep.keys()].sort((a, b) => a - b)) this.append(`${head}${s}${time}${byStep.get(s)!}}}\n`);
    }
    if (dropped && warnDropped) for (const [key, s] of dropped) warn(`labbook.logMetrics: metric ${JSON.stringify(key)} already has a value at step ${s}; the new value is ignored`);
    if (ms >= this.nextFlushMs || ms >= this.nextBeatMs) this.catchUp(ms);
  }

  private keySteps(key: string): KeySteps {
    let ks = this.steps.get(key);
    if (!ks) {
      ks = new KeySteps();
      this.steps.set(key, ks);
    }
    return ks;
  }

  /** A metric name as JSON, made once per name. */
  private keyText(key: string): string {
    let kj = this.keyJson.get(key);
    if (kj === undefined) {
      kj = JSON.stringify(key);
      this.keyJson.set(key, kj);
    }
    return kj;
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

  // ---- files

  /** The run's `artifacts/` folder (created). Files saved there are recorded when the run finishes. */
  getOutputsPath(): string {
    const p = path.join(this.path, 'artifacts');
    fs.mkdirSync(p, { recursive: true });
    return p;
  }

  private copyArtifact(src: string, name: string): string {
    const dest = path.join(this.path, 'artifacts', ...name.split('/'));
    const { size, sha256 } = copyFile(src, dest);
    this.record({ t: 'artifact', path: 'artifacts/' + name, name, size, sha256, time: now() });
    this.artifactNames.add(name);
    return name;
  }

  /**
   * Logs an image under `key` at a step (the key's next step by default; a second image for a key
   * and step is dropped with a warning), stored as `artifacts/images/<key>/step_<step>.<ext>`.
   * `image`: a path to an image file, its bytes, or raw pixels `{ width, height, channels, data }`.
   * Returns the artifact name, or undefined when dropped.
   */
  logImage(key: string, image: string | Uint8Array | RawImage, step?: number, caption?: string): string | undefined {
    this.checkOpen('logImage()');
    const keyPath = cleanArtifactPath(key);
    if (!keyPath) throw new RangeError('labbook.logImage: the key must not be empty');
    if (step !== undefined) checkStep(step);
    const { data, ext } = imageBytes(image);
    let ks = this.imageSteps.get(keyPath);
    if (!ks) {
      const prefix = `images/${keyPath}/step_`;
      const known = [...this.artifactNames].filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length).split('.')[0]).filter((h) => /^\d+$/.test(h)).map(Number).sort((a, b) => a - b);
      ks = new KeySteps([...new Set(known)]);
      this.imageSteps.set(keyPath, ks);
    }
    const s = step ?? ks.last + 1;
    if (ks.has(s)) {
      warn(`labbook.logImage: ${JSON.stringify(keyPath)} already has an image at step ${s}; the new one is ignored`);
      return undefined;
    }
    ks.add(s);
    const name = `images/${keyPath}/step_${s}.${ext}`;
    const dest = path.join(this.path, 'artifacts', ...name.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, dest);
    const rec: Record<string, unknown> = { t: 'artifact', path: 'artifacts/' + name, name, size: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), time: now(), step: s };
    if (caption !== undefined) rec.caption = String(caption);
    this.record(rec);
    this.artifactNames.add(name);
    return name;
  }

  /** Copies a file into `<run>/artifacts/[artifactPath/]<file name>`; returns its artifact name. */
  logArtifact(file: string, artifactPath?: string): string;
  logArtifact(folder: string, artifactPath?: string): string | string[];
  logArtifact(file: string, artifactPath?: string): string | string[] {
    this.checkOpen('logArtifact()');
    const prefix = cleanArtifactPath(artifactPath);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new Error(`labbook.logArtifact: no such file: ${JSON.stringify(file)}`);
    }
    const base = path.basename(path.resolve(file));
    if (st.isDirectory()) return this.logArtifacts(file, prefix ? `${prefix}/${base}` : base);
    if (!st.isFile()) throw new Error(`labbook.logArtifact: not a regular file: ${JSON.stringify(file)}`);
    return this.copyArtifact(file, prefix ? `${prefix}/${base}` : base);
  }

  /** Copies every file below `folder` into `<run>/artifacts/[artifactPath/]`; links out of the folder are skipped. */
  logArtifacts(folder: string, artifactPath?: string): string[] {
    this.checkOpen('logArtifacts()');
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(folder);
    } catch {
      st = undefined;
    }
    if (!st?.isDirectory()) throw new Error(`labbook.logArtifacts: not a folder: ${JSON.stringify(folder)}`);
    const prefix = cleanArtifactPath(artifactPath);
    const { files, skipped } = walkTree(folder);
    const runReal = realpath(this.path);
    const srcInRun = inside(realpath(folder), runReal);
    const names: string[] = [];
    for (const [rel, abs] of files) {
      if (!srcInRun && inside(realpath(abs), runReal)) continue; // never copy the run into itself
      names.push(this.copyArtifact(abs, prefix ? `${prefix}/${rel}` : rel));
    }
    if (skipped.length) warn(`labbook.logArtifacts: skipped ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} that ${skipped.length === 1 ? 'is' : 'are'} not a regular file inside ${JSON.stringify(folder)} (links out of the folder are not followed): ${skipped.slice(0, 10).join(', ')}`);
    return names;
  }

  private recordOutputs(): void {
    const root = path.join(this.path, 'artifacts');
    if (!fs.existsSync(root)) return;
    for (const [rel, abs] of walkTree(root).files) {
      if (this.artifactNames.has(rel) || path.basename(rel).includes('.tmp-')) continue;
      const { size, sha256 } = hashFile(abs);
      this.record({ t: 'artifact', path: 'artifacts/' + rel, name: rel, size, sha256, time: now() }, false);
      this.artifactNames.add(rel);
    }
  }

  /** Records data the run used: a local file or folder (size and sha256) or a remote URI. */
  logDataset(name: string, options: DatasetOptions = {}): DatasetRecord {
    this.checkOpen('logDataset()');
    if (name === undefined || name === null || String(name) === '') throw new RangeError('labbook.logDataset: a name is required');
    const rec: Record<string, unknown> = { t: 'dataset', name: String(name) };
    let local = options.path;
    let uri = options.uri;
    if (local !== undefined && local.includes('://') && !fs.existsSync(local)) {
      uri = uri ?? local;
      local = undefined;
    }
    if (local !== undefined) {
      let st: fs.Stats;
      try {
        st = fs.statSync(local);
      } catch {
        throw new Error(`labbook.logDataset: no such file or folder: ${JSON.stringify(local)}`);
      }
      let size: number;
      let sha256: string;
      if (st.isDirectory()) {
        const h = hashTree(local);
        ({ size, sha256 } = h);
        if (h.skipped.length) warn(`labbook.logDataset: ${h.skipped.length} entries of ${JSON.stringify(local)} are not hashed (links out of the folder, special files)`);
      } else ({ size, sha256 } = hashFile(local));
      rec.path = local;
      rec.size = size;
      rec.sha256 = sha256;
    }
    if (uri !== undefined) rec.uri = String(uri);
    if (local === undefined && uri === undefined) throw new RangeError('labbook.logDataset: give a local path or a remote uri');
    if (options.description !== undefined) rec.description = String(options.description);
    if (options.context !== undefined) rec.context = String(options.context);
    rec.time = now();
    this.record(rec);
    return rec as unknown as DatasetRecord;
  }

  /** Alias of `logDataset` (Polyaxon's name). */
  logDataRef(name: string, options: DatasetOptions = {}): DatasetRecord {
    return this.logDataset(name, options);
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

  // ---- the end

  /** Ends the run with status `finished`, `failed` or `killed`. Returns false if it was already finished. */
  finish(status: FinalStatus = 'finished', message?: string): boolean {
    if (status !== 'finished' && status !== 'failed' && status !== 'killed') throw new RangeError(`labbook: finish status must be 'finished', 'failed' or 'killed', not ${JSON.stringify(status)}`);
    if (this.finishedFlag) return false;
    for (const t of this.timers) clearInterval(t);
    if (this.envPending && status !== 'killed') this.captureEnvNow();
    const sink = this.consoleSink;
    if (sink) detachConsole(sink);
    try {
      this.recordOutputs();
    } catch {
      /* best effort */
    }
    [status, message] = this.countLosses(status, message);
    const rec: Record<string, unknown> = { t: 'status', status, time: now(), duration: Math.round(Date.now() - this.startMs) / 1000 };
    if (message !== undefined && message !== null) rec.message = String(message);
    if (this.fd !== undefined) this.buf.push(JSON.stringify(rec) + '\n');
    this.finishedFlag = true;
    this.status = status;
    try {
      this.flush();
      if (this.buf.length && this.writer.failing) this.reportUnsaved();
    } finally {
      if (this.fd !== undefined) {
        try {
          fs.closeSync(this.fd);
        } catch {
          /* already closed */
        }
        this.fd = undefined;
      }
      sink?.close();
      this.consoleSink = undefined;
      openRuns.delete(this);
      if (currentRun === this) currentRun = undefined;
    }
    return true;
  }

  /** The final status and message once the waiting lines had a last try: if records were lost, the
   *  run failed, and the message says how many. */
  private countLosses(status: FinalStatus, message: string | undefined): [FinalStatus, string | undefined] {
    this.flush();
    if (this.writer.failing && this.buf.length) {
      this.lost += this.buf.length; // given up on: the status line gets the room left
      this.buf = [];
      this.bufChars = 0;
    }
    if (!this.lost) return [status, message];
    const err = this.writer.error as Error | undefined;
    const reason = `disk full: ${this.lost} records could not be written (${err?.message ?? 'the disk had no room'})`;
    return [status === 'finished' ? 'failed' : status, message === undefined || message === null ? reason : `${message}\n${reason}`];
  }

  /** The final status could not be written: say so, and make the process exit with 1. */
  private reportUnsaved(): void {
    unsavedRuns.push(this.id);
    const err = this.writer.error as Error | undefined;
    try {
      process.stderr.write(`labbook: run ${this.id} could not be saved: its final status and ${this.lost} earlier records were not written to ${this.eventsPath} (${err?.message ?? String(err)})\n`);
    } catch {
      /* nowhere to say it */
    }
    if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = 1;
  }
}

/** Where the run's process is: the extension marks a running run killed once this process is gone. */
function processIdentity(): { host: string; pid: number } {
  return { host: os.hostname(), pid: process.pid };
}

function maxPendingBytes(): number {
  const raw = process.env.LABBOOK_MAX_PENDING_BYTES;
  const v = raw ? Number(raw) : NaN;
  return Number.isSafeInteger(v) && v > 0 ? v : DEFAULT_MAX_PENDING_BYTES;
}

/** Ids of runs whose final status could not be written. */
const unsavedRuns: string[] = [];

// ------------------------------------------------------------------------------------------ process hooks

let hooksInstalled = false;
const signalHandlers = new Map<NodeJS.Signals, () => void>();

function finishAll(status: FinalStatus, message?: string): void {
  for (const r of [...openRuns]) {
    try {
      r.finish(status, message);
    } catch {
      /* keep going */
    }
  }
}

function installHooks(handleSignals: boolean): void {
  if (!hooksInstalled) {
    hooksInstalled = true;
    process.on('exit', (code) => finishAll(...statusForExitCode(code)));
    process.on('uncaughtExceptionMonitor', (err) => {
      if (process.listenerCount('uncaughtException') > 0) return; // the program handles it
      finishAll('failed', err instanceof Error ? err.stack ?? String(err) : `Uncaught ${String(err)}`);
    });
  }
  if (!handleSignals) return;
  const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT'] : ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const sig of signals) {
    if (signalHandlers.has(sig) || process.listenerCount(sig) > 0) continue; // the program handles it
    const handler = () => {
      if (process.listenerCount(sig) > 1) return; // the program added its own handler since
      finishAll('killed', `killed by ${sig}`);
      process.removeListener(sig, handler);
      signalHandlers.delete(sig);
      process.kill(process.pid, sig); // die of the signal, as without Labbook
    };
    signalHandlers.set(sig, handler);
    process.on(sig, handler);
  }
}

// ------------------------------------------------------------------------------------------ module API

/** Starts a run and makes it the current one (`getRun()`); an open current run is finished first. */
export function startRun(options: RunOptions = {}): Run {
  if (currentRun && !currentRun.finished) currentRun.finish('finished');
  const pending = takePendingConfig();
  if (pending) options = { ...options, config: { ...pending, ...(options.config ?? {}) } };
  const started = new Run(options);
  currentRun = started;
  return started;
}

/** Alias of `startRun` (SwanLab/W&B style). */
export const init = startRun;

/** The current run (made by `startRun`), or undefined. */
export function getRun(): Run | undefined {
  return currentRun;
}

/** Finishes the current run; false if there is none. */
export function finish(status: FinalStatus = 'finished', message?: string): boolean {
  return currentRun ? currentRun.finish(status, message) : false;
}

/** An experiment (project) under a log root; its runs are independent of the current run. */
export class Experiment {
  readonly name: string;
  readonly logdir: string;

  constructor(name = 'default', logdir?: string) {
    this.name = String(name);
    this.logdir = path.resolve(logdir ?? process.env.LABBOOK_DIR ?? DEFAULT_LOGDIR);
  }

  startRun(options: Omit<RunOptions, 'project' | 'logdir'> = {}): Run {
    return new Run({ ...options, project: this.name, logdir: this.logdir });
  }

  resumeRun(runId: string, options: Omit<RunOptions, 'project' | 'logdir' | 'resume'> = {}): Run {
    return this.startRun({ ...options, resume: runId });
  }

  /** The runs of this experiment, oldest first. */
  listRuns(): Array<{ id: string; name: string | undefined; path: string; status: RunStatus; time: number | undefined }> {
    const out = [];
    for (const folder of runFolders(this.logdir)) {
      const events = path.join(folder, 'events.jsonl');
      const header = readHeader(events);
      if (!header || (header.project ?? 'default') !== this.name) continue;
      let status: RunStatus = 'running';
      let name = typeof header.name === 'string' ? header.name : undefined;
      for (const line of fs.readFileSync(events, 'utf8').split('\n')) {
        if (!line.includes('"status"') && !line.includes('"set"')) continue;
        try {
          const rec = parseRelaxed(line) as Record<string, unknown>;
          if (rec.t === 'status' && typeof rec.status === 'string' && ['running', 'finished', 'failed', 'killed'].includes(rec.status)) status = rec.status as RunStatus;
          if (rec.t === 'set' && typeof rec.name === 'string') name = rec.name;
        } catch {
          /* skip */
        }
      }
      out.push({ id: String(header.run_id), name, path: folder, status, time: typeof header.time === 'number' ? header.time : undefined });
    }
    return out.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.path.localeCompare(b.path));
  }
}

export function createExperiment(name: string, logdir?: string): Experiment {
  return new Experiment(name, logdir);
}

export { config, log, logMetrics, logMetric, logParams, logParam, logTags, setTags, setTag, setName, setDescription, note, logEnv, logCodeRef, logStatus, logSucceeded, logFailed, logStopped, logArtifact, logArtifacts, logImage, logDataset, logDataRef, createAlert, getOutputsPath, flush } from './currentRun';
export { statusForExitCode, KILLED_EXIT_CODES } from './exitStatus';
