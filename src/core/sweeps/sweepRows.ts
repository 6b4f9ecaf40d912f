import type { SweepSummary, TrialStatus } from './sweepState';

/**
 * What the Experiments tree shows of a sweep and its trials, as plain data (see treeRows.ts): the
 * tree re-renders a sweep's row only when its text or its list of trials changed, and a trial's
 * row only when that trial changed.
 */

export interface TrialView {
  /** `<sweep id>#<trial number>`. */
  readonly key: string;
  readonly number: number;
  readonly label: string;
  readonly description: string;
  readonly status: TrialStatus;
  /** Its run, once that is in the index. */
  readonly runId: string | null;
}

export interface SweepView {
  readonly id: string;
  readonly experiment: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** `sweep`, `sweep.stopped`: the menu of its row. */
  readonly contextValue: string;
  readonly state: SweepSummary['state'];
  readonly trials: readonly TrialView[];
}

/** A number in at most 4 significant digits (the tree is narrow). */
export function shortNumber(v: number): string {
  if (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5)) return String(Number(v.toPrecision(4)));
  return v.toExponential(2);
}

/** `lr=0.01, opt=adam` */
export function paramsText(params: Readonly<Record<string, unknown>>, max = 120): string {
  const text = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'number' ? shortNumber(v) : typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `indexed`: whether a run id is in the index (a trial opens its run only then; agents write the id first).
 * `runOf`: the run of a trial when the log does not name one yet (found by its tags, see trialRuns.ts).
 */
export function sweepView(s: SweepSummary, indexed: (runId: string) => boolean = () => true, runOf: (trial: number) => string | null = () => null): SweepView {
  const agents = s.agents.length;
  const parts = [
    s.strategy,
    s.progress,
    s.best ? `best ${shortNumber(s.best.value)}` : '',
    agents ? `${agents} agent${agents === 1 ? '' : 's'} running` : '',
    s.state === 'stopped' ? 'stopped' : s.state === 'done' ? 'done' : '',
  ];
  const tooltip = [
    `Sweep ${s.name} (${s.id})`,
    `${s.strategy} search, ${s.goal} ${s.metric}`,
    `Trials: ${s.progress} ended (${s.counts.completed} completed, ${s.counts.failed} failed, ${s.counts.pruned} pruned, ${s.counts.running} running, ${s.counts.abandoned} abandoned)`,
    s.best ? `Best: ${s.metric} = ${Number(s.best.value.toPrecision(12))} (trial ${s.best.trial}) with ${paramsText(s.best.params, 400)}` : 'No completed trial yet',
    agents ? `Agents: ${s.agents.join(', ')}` : 'No agent running',
    s.stopped ? 'Stopped: agents ask for no more trials until it is resumed' : '',
  ].filter(Boolean).join('\n');
  return {
    id: s.id,
    experiment: s.experiment,
    label: s.name,
    description: parts.filter(Boolean).join(' · '),
    tooltip,
    contextValue: s.stopped ? 'sweep.stopped' : 'sweep',
    state: s.state,
    trials: s.trials.map((t) => ({
      key: `${s.id}#${t.number}`,
      number: t.number,
      label: `trial ${t.number}`,
      description: [t.value === null ? t.status : `${shortNumber(t.value)}${t.status === 'completed' ? '' : ` · ${t.status}`}`, paramsText(t.params)].join(' · '),
      status: t.status,
      runId: t.runId !== null && indexed(t.runId) ? t.runId : runOf(t.number),
    })),
  };
}

export function sameTrial(a: TrialView, b: TrialView): boolean {
  return a.label === b.label && a.description === b.description && a.status === b.status && a.runId === b.runId;
}

/** The sweep's own row (not its trials) is unchanged, nor the list of its trials. */
export function sameSweepRow(a: SweepView, b: SweepView): boolean {
  return a.label === b.label && a.description === b.description && a.tooltip === b.tooltip && a.contextValue === b.contextValue
    && a.trials.length === b.trials.length && a.trials.every((t, i) => t.key === b.trials[i].key);
}
