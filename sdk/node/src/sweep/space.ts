/**
 * Sweep parameters, as the Python SDK declares and draws them (sdk/python/labbook/sweep/space.py):
 * `{"values": [...]}`, `{"value": x}`, `{"min": a, "max": b}` (integers when both are integers), or a
 * `"distribution"`. Grid order and random draws follow Python's exactly (see pyRandom.ts for the one
 * exception: log and normal draws may differ in the last bit).
 */
import { PyRandom } from './pyRandom';

export const DISTRIBUTIONS = ['uniform', 'int_uniform', 'log_uniform', 'q_uniform', 'q_log_uniform', 'normal', 'q_normal', 'log_normal', 'categorical', 'constant'] as const;
const ALIASES: Record<string, string> = { log_uniform_values: 'log_uniform', q_log_uniform_values: 'q_log_uniform', int: 'int_uniform', loguniform: 'log_uniform', choice: 'categorical' };

/** A JSON number that Python would read as an `int` (written without a fraction or exponent). */
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function finite(name: string, spec: Record<string, unknown>, key: string): number {
  const v = spec[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`sweep parameter '${name}': '${key}' must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** Python's `round(x)` for a float: to the nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Python's `round(x, digits)` for a float: the exact binary value rounded half-even, read back. */
export function roundDigits(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return x;
  const num = mantissa * 10n ** BigInt(digits);
  const den = 1n << BigInt(-exp);
  let q = num / den;
  const twice = 2n * (num % den);
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  return Number(`${x < 0 ? '-' : ''}${q}e-${digits}`);
}

export class Param {
  readonly distribution: string;
  readonly kind: 'float' | 'int' | 'cat';
  readonly values: unknown[] | null = null;
  readonly q: number | null = null;
  readonly log: boolean = false;
  readonly normal: boolean = false;
  readonly mu: number = 0;
  readonly sigma: number = 1;
  readonly low: number = 0;
  readonly high: number = 0;

  constructor(readonly name: string, declared: unknown) {
    const spec: Record<string, unknown> = declared !== null && typeof declared === 'object' && !Array.isArray(declared) ? (declared as Record<string, unknown>) : { value: declared };
    let dist = typeof spec.distribution === 'string' ? (ALIASES[spec.distribution] ?? spec.distribution) : spec.distribution;
    if (dist === undefined || dist === null) {
      if ('values' in spec) dist = 'categorical';
      else if ('value' in spec) dist = 'constant';
      else if ('mu' in spec || 'sigma' in spec) dist = 'normal';
      else if (isInt(spec.min) && isInt(spec.max)) dist = 'int_uniform';
      else dist = 'uniform';
    }
    if (typeof dist !== 'string' || !(DISTRIBUTIONS as readonly string[]).includes(dist)) throw new Error(`sweep parameter '${name}': unknown distribution ${JSON.stringify(dist)} (one of ${DISTRIBUTIONS.join(', ')})`);
    this.distribution = dist;
    if (dist === 'constant') {
      if (!('value' in spec)) throw new Error(`sweep parameter '${name}': a constant needs "value"`);
      this.kind = 'cat';
      this.values = [spec.value];
      return;
    }
    if (dist === 'categorical') {
      if (!Array.isArray(spec.values) || spec.values.length === 0) throw new Error(`sweep parameter '${name}': "values" must be a non-empty list`);
      this.kind = 'cat';
      this.values = [...spec.values];
      return;
    }
    this.log = dist === 'log_uniform' || dist === 'q_log_uniform' || dist === 'log_normal';
    if ('q' in spec || dist.startsWith('q_')) {
      this.q = 'q' in spec ? finite(name, spec, 'q') : 1;
      if (this.q <= 0) throw new Error(`sweep parameter '${name}': q must be positive`);
    }
    this.kind = dist === 'int_uniform' || (this.q !== null && isInt(this.q) && isInt(spec.min ?? 0)) ? 'int' : 'float';
    if (dist === 'normal' || dist === 'q_normal' || dist === 'log_normal') {
      this.normal = true;
      this.mu = 'mu' in spec ? finite(name, spec, 'mu') : 0;
      this.sigma = 'sigma' in spec ? finite(name, spec, 'sigma') : 1;
      if (this.sigma <= 0) throw new Error(`sweep parameter '${name}': sigma must be positive`);
      this.low = this.mu - 4 * this.sigma;
      this.high = this.mu + 4 * this.sigma;
      return;
    }
    let lo = finite(name, spec, 'min');
    let hi = finite(name, spec, 'max');
    if (lo > hi) throw new Error(`sweep parameter '${name}': min ${lo} is above max ${hi}`);
    if (this.log) {
      if (lo <= 0) throw new Error(`sweep parameter '${name}': a log distribution needs min > 0`);
      lo = Math.log(lo);
      hi = Math.log(hi);
    }
    this.low = lo;
    this.high = hi;
  }

  /** The values a grid search walks, in order. */
  gridValues(): unknown[] {
    if (this.kind === 'cat') return [...(this.values as unknown[])];
    if (this.kind === 'int' && !this.log && !this.normal) {
      const step = Math.trunc(this.q ?? 1);
      const out: number[] = [];
      for (let v = Math.trunc(this.low); v < Math.trunc(this.high) + 1; v += step) out.push(v);
      return out;
    }
    throw new Error(`sweep parameter '${this.name}': a grid needs "values" (or an integer range), not a ${this.distribution} distribution`);
  }

  /** A value of the parameter from a point of the internal space. */
  fromInternal(u: number): number {
    let x = this.log ? Math.exp(u) : u;
    if (this.q !== null) x = roundHalfEven(x / this.q) * this.q;
    if (this.kind === 'int') return roundHalfEven(x);
    if (this.q !== null) return roundDigits(x, 12);
    return x;
  }

  toInternal(value: number): number {
    return this.log ? Math.log(value) : value;
  }

  /** A random value, drawing from `rng` exactly as the Python SDK's `Param.sample`. */
  sample(rng: PyRandom): unknown {
    if (this.kind === 'cat') {
      const values = this.values as unknown[];
      return values[rng.randbelow(values.length)];
    }
    let u: number;
    if (this.normal) u = rng.gauss(this.mu, this.sigma);
    else if (this.kind === 'int' && !this.log && this.q === null) return rng.randint(Math.trunc(this.low), Math.trunc(this.high));
    else u = rng.uniform(this.low, this.high);
    return this.clip(this.fromInternal(u));
  }

  /** Keeps a rounded value inside the declared bounds (a normal has none). */
  clip(value: number): number {
    let x = value;
    if (this.normal) return x;
    const lo = this.log ? Math.exp(this.low) : this.low;
    const hi = this.log ? Math.exp(this.high) : this.high;
    if (x < lo) x = this.q === null ? this.fromInternal(this.toInternal(lo)) : x + this.q;
    if (x > hi) x = this.q === null ? this.fromInternal(this.toInternal(hi)) : x - this.q;
    return this.kind === 'int' ? Math.trunc(x) : x;
  }
}

/** The search space from a `parameters` mapping, in its declared order. */
export function parseSpace(parameters: unknown): Param[] {
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters) || Object.keys(parameters).length === 0) throw new Error('a sweep needs "parameters": a mapping of name to declaration');
  return Object.entries(parameters as Record<string, unknown>).map(([name, spec]) => new Param(name, spec));
}

export function gridSize(space: readonly Param[]): number {
  return space.reduce((n, p) => n * p.gridValues().length, 1);
}

/** The `index`-th combination of the grid, the last parameter changing fastest. */
export function gridPoint(space: readonly Param[], index: number): Record<string, unknown> {
  const point: Record<string, unknown> = {};
  let rest = index;
  for (const p of [...space].reverse()) {
    const values = p.gridValues();
    point[p.name] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  const ordered: Record<string, unknown> = {};
  for (const p of space) ordered[p.name] = point[p.name];
  return ordered;
}
