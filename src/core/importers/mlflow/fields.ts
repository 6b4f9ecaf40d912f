/** MLflow's run status and its params and tags in Labbook's terms, the same for file stores and databases. */
import type { RunStatusValue } from '../../format/records';

const STATUS_BY_NUMBER: Record<number, RunStatusValue> = { 1: 'running', 2: 'running', 3: 'finished', 4: 'failed', 5: 'killed' };
const STATUS_BY_NAME: Record<string, RunStatusValue> = { RUNNING: 'running', SCHEDULED: 'running', FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

/** MLflow's run status (number or name) in Labbook's terms; undefined when unknown. */
export function mlflowStatus(status: unknown): RunStatusValue | undefined {
  if (typeof status === 'number') return STATUS_BY_NUMBER[status];
  if (typeof status === 'string') {
    const s = status.trim().toUpperCase();
    if (/^\d+$/.test(s)) return STATUS_BY_NUMBER[Number(s)];
    return STATUS_BY_NAME[s.replace(/^RUNSTATUS\./, '')];
  }
  return undefined;
}

/** Params, tags and note of a run from its MLflow params and tags (see the mapping at the top of this file). */
export function mlflowRunFields(
  params: ReadonlyMap<string, string>,
  tags: ReadonlyMap<string, string>,
  experimentTags?: ReadonlyMap<string, string>,
): { params: Record<string, unknown>; tags: string[]; note: string | undefined } {
  const outParams: Record<string, unknown> = {};
  for (const [k, v] of params) outParams[k] = v;
  const outTags: string[] = [];
  for (const [k, v] of tags) {
    outParams[`tag.${k}`] = v;
    if (!k.startsWith('mlflow.')) outTags.push(v === '' ? k : `${k}:${v}`);
  }
  if (experimentTags) for (const [k, v] of experimentTags) outParams[`experiment_tag.${k}`] = v;
  const note = tags.get('mlflow.note.content');
  return { params: outParams, tags: outTags, note: note ? note : undefined };
}
