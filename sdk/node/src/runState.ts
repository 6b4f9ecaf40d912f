// Finding runs under a log root and reading back a run to resume it.
import * as fs from 'fs';
import * as path from 'path';
import { isPlainObject } from './values';

const RUN_ID_RE = /^[A-Za-z0-9_-]+$/;

export function runFolders(logdir: string, maxDepth = 4): string[] {
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

export function readHeader(events: string): Record<string, unknown> | undefined {
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

export function findRunFolder(logdir: string, resume: string): string {
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

export class KeySteps {
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

export function parseRelaxed(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // Python's json.dumps writes bare NaN/Infinity tokens: accept them as strings
    return JSON.parse(line.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '"$1"'));
  }
}

export function readState(events: string): RunState {
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
