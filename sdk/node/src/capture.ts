// Automatic capture: the environment (git, packages, hardware), system metrics and console output.
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';

const MAX_GIT_DIFF_BYTES = 20 * 1024 * 1024;
const PROBE_TIMEOUT_MS = 5000;

function runCommand(cmd: string, args: string[], cwd?: string, timeout = PROBE_TIMEOUT_MS): string | undefined {
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

export function stripCredentials(url: string): string {
  return url.trim().replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@]*@/, '$1');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'"'"'`)}'`;
}

function gitInfo(runPath: string): Record<string, unknown> | undefined {
  const cwd = process.cwd();
  if (!which('git')) return undefined;
  const top = runCommand('git', ['rev-parse', '--show-toplevel'], cwd);
  if (top === undefined) return undefined;
  const info: Record<string, unknown> = { root: top.trim() };
  const commit = runCommand('git', ['rev-parse', 'HEAD'], cwd)?.trim();
  info.commit = commit || null;
  const branch = runCommand('git', ['rev-parse', '--abbrev-ref', 'HEAD'], cwd)?.trim();
  info.branch = branch && branch !== 'HEAD' ? branch : null;
  const remote = runCommand('git', ['config', '--get', 'remote.origin.url'], cwd);
  if (remote && remote.trim()) info.remote = stripCredentials(remote);
  const status = runCommand('git', ['status', '--porcelain', '--untracked-files=no'], cwd);
  info.dirty = Boolean(status && status.trim());
  if (info.dirty && commit) {
    const diff = runCommand('git', ['diff', 'HEAD', '--no-color', '--no-ext-diff'], cwd, 30000);
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
  const out = runCommand(exe, ['--query-gpu=index,name,memory.total,driver_version', '--format=csv,noheader,nounits']);
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

export class SystemSampler {
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

export function gpuSample(done: (values: Record<string, number>) => void): void {
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

export function attachConsole(sink: ConsoleSink): void {
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

export function detachConsole(sink: ConsoleSink): void {
  consoleSinks.delete(sink);
  if (consoleSinks.size > 0) return;
  for (const [stream, { original, wrapper }] of originalWrites) {
    if (stream.write === wrapper) {
      stream.write = original;
      originalWrites.delete(stream);
    } // else someone wrapped ours: it stays, writing through with no sinks
  }
}

/** A console sink appending to `file` when flushed (with the run's log); best effort. */
export function consoleFileSink(file: string): { write(text: string): void; flush(): void; close(): void } {
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
  return sink;
}
