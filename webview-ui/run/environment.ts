/**
 * The environment a run recorded (docs/run-log-format.md, `env`), as sections a person reads:
 * command, git, Python and its packages, system, hardware, times. Pure: the webview draws them.
 * Memory is in GB, times are dates and durations, packages are a list; keys nobody knows about
 * are kept in "Other" so nothing recorded is hidden.
 */

export interface EnvRow {
  readonly label: string;
  readonly value: string;
  /** Shown in a monospace font with a Copy button (the command, a commit). */
  readonly copy?: boolean;
}

export interface EnvSection {
  readonly id: 'command' | 'git' | 'python' | 'system' | 'hardware' | 'times' | 'other';
  readonly title: string;
  readonly rows: readonly EnvRow[];
}

export interface EnvPackage { readonly name: string; readonly version: string }

export interface EnvironmentView {
  readonly sections: readonly EnvSection[];
  /** Installed packages, sorted by name (case-insensitive). */
  readonly packages: readonly EnvPackage[];
  /** Run-relative file holding the git diff, when the writer captured one. */
  readonly gitDiff: string | null;
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Bytes as GB with one decimal (`34.4 GB`), or MB below one GB. */
export function formatGigabytes(bytes: unknown): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return text(bytes);
  const gb = bytes / 1e9;
  return gb >= 1 ? `${gb.toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

/** A duration in seconds as `2 h 03 min`, `4 min 05 s` or `12 s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${two(h)} h`;
  if (h > 0) return `${h} h ${two(m)} min`;
  if (m > 0) return `${m} min ${two(sec)} s`;
  return `${sec} s`;
}

/** Unix seconds as a local date and time (`2025-11-23 14:35:00`), or '' when unknown. */
export function formatDate(seconds: unknown, timeZone?: string): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return '';
  const d = new Date(seconds * 1000);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

function rows(obj: Obj | undefined, spec: ReadonlyArray<[key: string, label: string, show?: (v: unknown) => string]>, used: Set<string>): EnvRow[] {
  const out: EnvRow[] = [];
  if (!obj) return out;
  for (const [key, label, show] of spec) {
    used.add(key);
    const v = obj[key];
    if (v === undefined || v === null || v === '') continue;
    out.push({ label, value: show ? show(v) : text(v) });
  }
  return out;
}

/** Leftover keys of an object, flattened with `.` (`conda.name`). */
function rest(obj: Obj, used: ReadonlySet<string>, prefix = ''): EnvRow[] {
  const out: EnvRow[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (!prefix && used.has(k)) continue;
    const label = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && Object.keys(v).length <= 30) out.push(...rest(v, new Set(), label));
    else if (v !== null && v !== undefined && v !== '') out.push({ label, value: text(v) });
  }
  return out;
}

export interface RunTimes {
  /** Unix seconds; 0 when unknown. */
  readonly startTime: number;
  readonly lastActivity: number;
  readonly running: boolean;
}

export function environmentView(env: Obj, times: RunTimes, timeZone?: string): EnvironmentView {
  const used = new Set<string>();
  const sections: EnvSection[] = [];
  const add = (id: EnvSection['id'], title: string, list: EnvRow[]) => {
    if (list.length) sections.push({ id, title, rows: list });
  };

  used.add('command').add('argv').add('cwd').add('pid').add('start_time');
  const argv = Array.isArray(env.argv) ? env.argv.map(text).join(' ') : '';
  const command = text(env.command) || argv;
  const commandRows: EnvRow[] = [];
  if (command) commandRows.push({ label: 'command', value: command, copy: true });
  if (env.cwd) commandRows.push({ label: 'working directory', value: text(env.cwd), copy: true });
  if (env.pid !== undefined) commandRows.push({ label: 'process id', value: text(env.pid) });
  add('command', 'Command', commandRows);

  const git = isObj(env.git) ? env.git : undefined;
  if (git) used.add('git');
  const gitUsed = new Set<string>();
  const gitRows = rows(git, [
    ['commit', 'commit'],
    ['branch', 'branch'],
    ['dirty', 'uncommitted changes', (v) => (v === true ? 'yes' : v === false ? 'no' : text(v))],
    ['remote', 'remote'],
    ['root', 'repository'],
  ], gitUsed);
  const commitRow = gitRows.find((r) => r.label === 'commit');
  if (commitRow) gitRows[gitRows.indexOf(commitRow)] = { ...commitRow, copy: true };
  gitUsed.add('diff');
  if (git) gitRows.push(...rest(git, gitUsed));
  add('git', 'Git', gitRows);
  const gitDiff = git && typeof git.diff === 'string' && git.diff ? git.diff : null;

  const python = isObj(env.python) ? env.python : undefined;
  if (python || typeof env.python === 'string') used.add('python');
  if (isObj(env.packages)) used.add('packages');
  const pyUsed = new Set<string>();
  const pyRows = rows(python, [['version', 'version'], ['implementation', 'implementation'], ['executable', 'executable']], pyUsed);
  if (python) pyRows.push(...rest(python, pyUsed));
  if (typeof env.python === 'string') pyRows.push({ label: 'version', value: env.python });
  const packages: EnvPackage[] = isObj(env.packages)
    ? Object.entries(env.packages).map(([name, version]) => ({ name, version: text(version) })).sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
    : [];
  add('python', 'Python', pyRows);

  const os = isObj(env.os) ? env.os : undefined;
  if (os) used.add('os');
  const osUsed = new Set<string>();
  const osRows = rows(os, [['system', 'operating system'], ['release', 'release'], ['platform', 'platform'], ['machine', 'architecture'], ['hostname', 'host']], osUsed);
  if (os) osRows.push(...rest(os, osUsed));
  add('system', 'System', osRows);

  const hw = isObj(env.hardware) ? env.hardware : undefined;
  if (hw) used.add('hardware');
  const hwUsed = new Set<string>(hw && Array.isArray(hw.gpus) ? ['gpus'] : []);
  const hwRows = rows(hw, [['cpu_model', 'CPU'], ['cpu_count', 'CPU cores'], ['memory_bytes', 'memory', formatGigabytes]], hwUsed);
  const gpus = hw && Array.isArray(hw.gpus) ? hw.gpus : [];
  gpus.forEach((g, i) => {
    if (!isObj(g)) return;
    const parts = [text(g.name), g.memory_bytes !== undefined ? formatGigabytes(g.memory_bytes) : '', g.driver ? `driver ${text(g.driver)}` : ''].filter(Boolean);
    hwRows.push({ label: `GPU ${typeof g.index === 'number' ? g.index : i}`, value: parts.join(', ') });
  });
  if (hw) hwRows.push(...rest(hw, hwUsed));
  add('hardware', 'Hardware', hwRows);

  const timeRows: EnvRow[] = [];
  const started = times.startTime || (typeof env.start_time === 'number' ? env.start_time : 0);
  if (started) timeRows.push({ label: 'started', value: formatDate(started, timeZone) });
  if (times.lastActivity && started) {
    timeRows.push({ label: times.running ? 'last written' : 'ended', value: formatDate(times.lastActivity, timeZone) });
    timeRows.push({ label: times.running ? 'running for' : 'duration', value: formatDuration(times.lastActivity - started) });
  }
  add('times', 'Times', timeRows);

  add('other', 'Other', rest(env, used));
  return { sections, packages, gitDiff };
}

/** Packages whose name or version contains the query (case-insensitive). */
export function filterPackages(packages: readonly EnvPackage[], query: string): EnvPackage[] {
  const q = query.trim().toLowerCase();
  return q ? packages.filter((p) => p.name.toLowerCase().includes(q) || p.version.toLowerCase().includes(q)) : packages.slice();
}
