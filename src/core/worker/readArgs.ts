// What each named read (indexReads.ts) takes, checked before the index worker answers it.
import type { ReadName } from './indexReads';

/**
 * One letter per argument: s string, i non-negative integer (a row id), n number (not NaN; ±Infinity
 * allowed for open ranges), b boolean, o plain object, l list of strings, I list of row ids, v list of SQL values.
 */
export const READ_ARGS: Readonly<Record<ReadName, string>> = {
  listRuns: '', getRun: 's', getParams: 'i', getTags: 'i', getArtifacts: 'i', getDatasets: 'i', getEnv: 'i', getAlertStates: 'i',
  listSeries: 'i', getPoints: 'in', getRange: 'innnb', chartLine: 'innnb', chartLines: 'Innnb', compareRuns: 'l', getTimeSpan: 'inn', selectRows: 'sv', lastMetrics: 'i', treeFacts: 'o',
  quickCheck: '', sizeBytes: '', tableMatching: 'oob', tableColumns: 'onob', columnsOfRuns: 'lo', tableRows: 'lol',
};

const MAX_STRING = 1_000_000;
const MAX_LIST = 1_000_000;

const isObj = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSqlValue = (v: unknown): boolean => v === null || typeof v === 'number' || (typeof v === 'string' && v.length <= MAX_STRING);

function validArg(kind: string, v: unknown): boolean {
  switch (kind) {
    case 's': return typeof v === 'string' && v.length <= MAX_STRING;
    case 'i': return Number.isSafeInteger(v) && (v as number) >= 0;
    case 'n': return typeof v === 'number' && !Number.isNaN(v);
    case 'b': return typeof v === 'boolean';
    case 'o': return isObj(v);
    case 'l': return Array.isArray(v) && v.length <= MAX_LIST && v.every((x) => typeof x === 'string' && x.length <= MAX_STRING);
    case 'I': return Array.isArray(v) && v.length <= MAX_LIST && v.every((x) => Number.isSafeInteger(x) && (x as number) >= 0);
    case 'v': return Array.isArray(v) && v.length <= MAX_LIST && v.every(isSqlValue);
    default: return false;
  }
}

/** Whether `args` fit what read `name` takes (its count and each one's kind). */
export function validReadArgs(name: ReadName, args: unknown): args is unknown[] {
  const kinds = READ_ARGS[name];
  return Array.isArray(args) && args.length === kinds.length && [...kinds].every((k, i) => validArg(k, args[i]));
}
