// What the Node SDK's log() costs a training loop, next to a plain buffered JSON-lines writer doing
// the same records by hand (JSON.stringify per record, a list of lines written every 1,000 records).
//   npm run bench                 200,000 points per shape
//   BENCH_SDK_POINTS=1000000 npm run bench
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as sdk from '../sdk/node/src';

const POINTS = Number(process.env.BENCH_SDK_POINTS ?? 200_000);
const KEYS = Array.from({ length: 10 }, (_, k) => `train/m${k}`);
const OPTIONS = { captureEnv: false, captureConsole: false, captureSystem: false } as const;

/** The baseline: what a user would write without an SDK (per-key steps kept, as the SDK does). */
class PlainWriter {
  private lines: string[] = [];
  private readonly fd: number;
  private readonly steps = new Map<string, number>();
  constructor(file: string) {
    this.fd = fs.openSync(file, 'a');
  }
  log(values: Record<string, number>, step?: number): void {
    let s = step;
    if (s === undefined) {
      const key = Object.keys(values)[0];
      s = (this.steps.get(key) ?? -1) + 1;
      this.steps.set(key, s);
    }
    this.lines.push(JSON.stringify({ t: 'metrics', step: s, time: Date.now() / 1000, values }) + '\n');
    if (this.lines.length >= 1000) this.flush();
  }
  flush(): void {
    fs.writeSync(this.fd, this.lines.join(''));
    this.lines = [];
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

type Logger = { log(values: Record<string, number>, step?: number): void };

function oneKey(logger: Logger): void {
  for (let i = 0; i < POINTS; i++) logger.log({ loss: 1 / (i + 1) });
}

function tenKeys(logger: Logger): void {
  for (let i = 0; i < POINTS / 10; i++) {
    const x = 1 / (i + 1);
    logger.log({ [KEYS[0]]: x, [KEYS[1]]: x, [KEYS[2]]: x, [KEYS[3]]: x, [KEYS[4]]: x, [KEYS[5]]: x, [KEYS[6]]: x, [KEYS[7]]: x, [KEYS[8]]: x, [KEYS[9]]: x }, i);
  }
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Best of three (the machine is shared): seconds for the loop including the final write. */
function best(make: (dir: string) => { logger: Logger; end(): void }, shape: (l: Logger) => void): number {
  let min = Infinity;
  for (let round = 0; round < 3; round++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-bench-sdk-'));
    try {
      const { logger, end } = make(dir);
      min = Math.min(min, time(() => {
        shape(logger);
        end();
      }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return min;
}

const plain = (dir: string) => {
  const w = new PlainWriter(path.join(dir, 'events.jsonl'));
  return { logger: w, end: () => w.close() };
};
const labbook = (dir: string) => {
  const run = sdk.startRun({ ...OPTIONS, logdir: dir });
  return { logger: run, end: () => run.finish() };
};

console.log(`Node SDK log(): ${POINTS.toLocaleString('en')} points per shape, best of 3`);
for (const [name, shape] of [['1 key/call', oneKey], ['10 keys/call', tenKeys]] as const) {
  const base = best(plain, shape);
  const ours = best(labbook, shape);
  const us = (s: number) => ((s / POINTS) * 1e6).toFixed(2);
  console.log(`  ${name.padEnd(13)} plain writer ${base.toFixed(3)} s (${us(base)} µs/point)  labbook ${ours.toFixed(3)} s (${us(ours)} µs/point)  overhead ${(ours / base).toFixed(2)}×`);
}
