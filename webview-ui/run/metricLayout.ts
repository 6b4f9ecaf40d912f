/**
 * How a run page lays out its metrics, decided from their names and values alone (pure: the
 * webview draws the plan, the unit tests check it):
 *
 * - metrics with a single value are numbers in a summary strip, not one-dot charts;
 * - system metrics (`system/…`, as Labbook, W&B, SwanLab and MLflow name them) go to one "System"
 *   section at the end, and a family of per-device series (`system/cpu.0.cpu_percent` …
 *   `system/cpu.23.cpu_percent`, `system/gpu_1_utilization_percentage`) is one chart with a line
 *   per device; they are drawn against time;
 * - pinned charts come first; the others are grouped by the prefix before `/`.
 */

export const SYSTEM_PREFIX = 'system/';
export const SYSTEM_SECTION = 'System';
export const PINNED_SECTION = 'Pinned';

/** What the layout needs to know of one metric. */
export interface MetricFacts {
  readonly key: string;
  /** Points in the index (more than drawn when the series was reduced). */
  readonly total: number;
}

export interface ChartPlan {
  /** Stable id of the chart: the metric key, or the family key (`system/cpu.*.cpu_percent`). */
  readonly id: string;
  readonly title: string;
  /** The metric keys drawn, one line each, devices in numeric order. */
  readonly keys: readonly string[];
  /** Line labels, parallel to `keys` (the device number for a family). */
  readonly labels: readonly string[];
  /** System metrics are sampled on a clock: drawn against time since the run started. */
  readonly x: 'step' | 'time';
}

export interface SectionPlan {
  readonly id: string;
  readonly title: string;
  readonly charts: readonly ChartPlan[];
  /** Open unless the user closed it; System starts closed. */
  readonly openByDefault: boolean;
}

export interface PagePlan {
  /** Keys of the metrics with a single value, shown as numbers. */
  readonly scalars: readonly string[];
  /** Pinned first, then groups by name, System last; empty sections are left out. */
  readonly sections: readonly SectionPlan[];
}

export function isSystemMetric(key: string): boolean {
  return key.startsWith(SYSTEM_PREFIX);
}

/** The family of a per-device metric and its device number, or undefined for a metric of its own. */
export function deviceFamily(key: string): { family: string; device: number } | undefined {
  // The first number that is a whole name segment: `cpu.12.x`, `gpu_0_util`, `gpu.process.1.power`.
  const m = /^(.*?[._])(\d+)((?:[._].*)?)$/.exec(key);
  if (!m || m[1] === SYSTEM_PREFIX) return undefined;
  // W&B repeats the GPU this process uses as `gpu.process.<n>.<x>`: a line of the `gpu.*.<x>` chart.
  return { family: `${m[1].replace(/\.process\.$/, '.')}*${m[3]}`, device: Number(m[2]) };
}

const CATEGORIES: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: 'GPU', re: /gpu|cuda|tpu|ipu|npu|mps/i },
  { name: 'CPU', re: /cpu|proc\.cpu|load/i },
  { name: 'Memory', re: /mem|ram|swap/i },
  { name: 'Disk', re: /disk|io\b|storage/i },
  { name: 'Network', re: /net/i },
];

/** CPU, Memory, GPU, Disk, Network or Other: the order system charts are shown in. */
export function systemCategory(key: string): string {
  const name = key.slice(SYSTEM_PREFIX.length);
  return CATEGORIES.find((c) => c.re.test(name))?.name ?? 'Other';
}
const CATEGORY_ORDER = ['CPU', 'Memory', 'GPU', 'Disk', 'Network', 'Other'];

/** Ascending numbers inside names compare as numbers: `step_2` before `step_10`. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Charts are grouped by the part of a metric name before the first `/` (`train/loss` → `train`). */
export function groupName(key: string): string {
  const i = key.indexOf('/');
  return i > 0 ? key.slice(0, i) : 'metrics';
}

function systemCharts(keys: readonly string[]): ChartPlan[] {
  const families = new Map<string, Array<{ key: string; device: number }>>();
  const single: string[] = [];
  for (const key of keys) {
    const f = deviceFamily(key);
    if (!f) {
      single.push(key);
      continue;
    }
    const list = families.get(f.family) ?? [];
    list.push({ key, device: f.device });
    families.set(f.family, list);
  }
  const charts: ChartPlan[] = [];
  for (const [family, members] of families) {
    if (members.length === 1) {
      single.push(members[0].key);
      continue;
    }
    members.sort((a, b) => a.device - b.device || naturalCompare(a.key, b.key));
    charts.push({
      id: family,
      title: `${family.slice(SYSTEM_PREFIX.length)} (${members.length} devices)`,
      keys: members.map((m) => m.key),
      labels: members.map((m) => m.key.slice(SYSTEM_PREFIX.length)),
      x: 'time',
    });
  }
  for (const key of single) charts.push({ id: key, title: key.slice(SYSTEM_PREFIX.length), keys: [key], labels: [key], x: 'time' });
  const rank = (c: ChartPlan) => CATEGORY_ORDER.indexOf(systemCategory(c.keys[0]));
  return charts.sort((a, b) => rank(a) - rank(b) || naturalCompare(a.id, b.id));
}

/** The plan of a run page for these metrics; `pinned` holds chart ids the user pinned. */
export function planPage(metrics: readonly MetricFacts[], pinned: ReadonlySet<string> = new Set()): PagePlan {
  const scalars: string[] = [];
  const byGroup = new Map<string, string[]>();
  const system: string[] = [];
  for (const m of metrics) {
    if (isSystemMetric(m.key)) system.push(m.key);
    else if (m.total === 1) scalars.push(m.key);
    else {
      const g = groupName(m.key);
      const list = byGroup.get(g) ?? [];
      list.push(m.key);
      byGroup.set(g, list);
    }
  }
  const one = (key: string): ChartPlan => ({ id: key, title: key, keys: [key], labels: [key], x: 'step' });
  const pinnedCharts: ChartPlan[] = [];
  const take = (charts: ChartPlan[]): ChartPlan[] => {
    const rest: ChartPlan[] = [];
    for (const c of charts) (pinned.has(c.id) ? pinnedCharts : rest).push(c);
    return rest;
  };
  const groups: SectionPlan[] = [...byGroup.keys()].sort(naturalCompare).map((g) => ({
    id: `group:${g}`,
    title: g,
    charts: take(byGroup.get(g)!.sort(naturalCompare).map(one)),
    openByDefault: true,
  }));
  const systemSection: SectionPlan = { id: 'system', title: SYSTEM_SECTION, charts: take(systemCharts(system)), openByDefault: false };
  const sections: SectionPlan[] = [];
  if (pinnedCharts.length) sections.push({ id: 'pinned', title: PINNED_SECTION, charts: pinnedCharts, openByDefault: true });
  sections.push(...groups.filter((s) => s.charts.length), ...(systemSection.charts.length ? [systemSection] : []));
  return { scalars: scalars.sort(naturalCompare), sections };
}
