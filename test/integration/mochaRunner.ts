import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface SuiteResults {
  passes: number;
  failures: number;
  pending: number;
  tests: TestResult[];
  startedAt: string;
  finishedAt: string;
  /** Whether the config came through the environment of the extension host. */
  configFrom?: string;
  vscodeVersion?: string;
}

export interface RunOptions {
  files: string[];
  timeoutMs?: number;
  /** Tries of a failed test beyond the first (the browser tier on a loaded 2-core machine). */
  retries?: number;
  grep?: string;
  /** Called for each finished test (for live logging). */
  onTest?: (t: TestResult) => void;
}

/** Runs mocha (bdd) over compiled test files and collects the results, without printing anything. */
export function runMocha(opts: RunOptions): Promise<SuiteResults> {
  const startedAt = new Date().toISOString();
  class Silent extends Mocha.reporters.Base {}
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: opts.timeoutMs ?? 60_000, retries: opts.retries ?? 0, reporter: Silent as never });
  if (opts.grep) mocha.grep(opts.grep);
  for (const f of opts.files) {
    delete require.cache[require.resolve(f)];
    mocha.addFile(f);
  }
  const tests: TestResult[] = [];
  const push = (t: TestResult) => {
    tests.push(t);
    opts.onTest?.(t);
  };
  return new Promise((resolve) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run(() => {
        resolve({
          passes: tests.filter((t) => t.state === 'passed').length,
          failures: tests.filter((t) => t.state === 'failed').length,
          pending: tests.filter((t) => t.state === 'pending').length,
          tests,
          startedAt,
          finishedAt: new Date().toISOString(),
        });
      });
    } catch (e) {
      const err = e as Error;
      push({ title: 'load test files', fullTitle: 'load test files', state: 'failed', durationMs: 0, error: err.stack ?? String(err) });
      resolve({ passes: 0, failures: 1, pending: 0, tests, startedAt, finishedAt: new Date().toISOString() });
      return;
    }
    // Mocha's 'retry' event: a failed attempt that will be tried again; said, so flakiness stays visible.
    runner.on('retry' as 'fail', (t: Mocha.Test, err: unknown) => console.log(`  ↻ ${t.fullTitle()} failed once and is tried again: ${String((err as Error)?.message ?? err).split('\n')[0]}`));
    runner.on('pass', (t) => push({ title: t.title, fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('pending', (t) => push({ title: t.title, fullTitle: t.fullTitle(), state: 'pending', durationMs: 0 }));
    runner.on('fail', (t, err) =>
      push({ title: t.title, fullTitle: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: (err as Error)?.stack ?? String(err) }),
    );
  });
}

export function suiteFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Spec-like lines and the closing `<tier>: N passed, M failed` line. */
export function formatResults(tier: string, r: SuiteResults): string {
  const lines: string[] = [];
  for (const t of r.tests) {
    if (t.state === 'passed') lines.push(`  ✓ ${t.fullTitle} (${t.durationMs} ms)`);
    else if (t.state === 'pending') lines.push(`  - ${t.fullTitle} (pending)`);
    else lines.push(`  ✗ ${t.fullTitle}\n${indent(t.error ?? '', 6)}`);
  }
  lines.push(`${tier}: ${r.passes} passed, ${r.failures} failed`);
  return lines.join('\n');
}

function indent(s: string, n: number): string {
  const pad = ' '.repeat(n);
  return s.split('\n').slice(0, 15).map((l) => pad + l).join('\n');
}
