/** Literal values with meaning beyond text or number: dates, durations, booleans, trackers. */
import { sourceLabel } from '../status';
import { IMPORTERS } from '../importers/registry';

/** A time range [from, to) in epoch seconds; `to` undefined for an exact instant. */
export interface TimeRange {
  readonly from: number;
  readonly to: number | undefined;
}

/** Above this, an epoch number is in milliseconds (MLflow writes milliseconds), else in seconds. */
const EPOCH_MS_THRESHOLD = 1e11;

export function epochSeconds(n: number): number {
  return Math.abs(n) >= EPOCH_MS_THRESHOLD ? n / 1000 : n;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO date or date-time as the range it names: `2026-11-01` is that whole day, `2026-11-01T12:00` that
 * minute, `…T12:00:30` that second. Without `Z` or an offset the time is local, as the runs table shows it.
 */
export function parseDate(text: string): TimeRange | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  let start: number;
  const zone = m[8];
  if (zone) {
    let offsetMinutes = 0;
    if (zone.toUpperCase() !== 'Z') {
      const digits = zone.replace(':', '');
      offsetMinutes = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    }
    start = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes * 60_000;
    if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined;
  } else {
    const date = new Date(y, mo - 1, d, h, mi, s, ms);
    if (date.getDate() !== d) return undefined;
    start = date.getTime();
  }
  const unit = m[7] !== undefined ? 0 : m[6] !== undefined ? 1000 : m[4] !== undefined ? 60_000 : undefined;
  if (unit === 0) return { from: start / 1000, to: undefined };
  if (unit === undefined) {
    // A whole day: up to the next midnight (23 or 25 hours on a daylight-saving change).
    const next = zone ? start + 86_400_000 : new Date(y, mo - 1, d + 1).getTime();
    return { from: start / 1000, to: next / 1000 };
  }
  return { from: start / 1000, to: (start + unit) / 1000 };
}

const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\s*/gy;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

/** `"90s"`, `"5m"`, `"1h30m"`, `"2.5h"`, `"1d"` in seconds; undefined if not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = DURATION_PART.exec(t)) !== null) {
    const unit = m[2] === 'ms' ? 'ms' : m[2][0];
    total += Number(m[1]) * UNIT_SECONDS[unit];
    at = DURATION_PART.lastIndex;
  }
  return at === t.length ? total : undefined;
}

const SOURCES = ['labbook', ...IMPORTERS.map((i) => i.source)];

/** A tracker as stored (`wandb`) from its id or label, any case (`W&B`, `TensorBoard`). */
export function sourceValue(text: string): string {
  const t = text.trim().toLowerCase();
  return SOURCES.find((s) => s === t || sourceLabel(s).toLowerCase() === t) ?? t;
}

/** A JSON-like number in text (`0.01`, `1e-3`, `-2`): what a param's numeric comparison accepts. */
export function numericText(text: string): number | undefined {
  const t = text.trim();
  if (!/^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}
