// `Experiment`: a name under a log root to start runs of and list them.
import * as fs from 'fs';
import * as path from 'path';
import { resolveLogdir, type RunOptions, type RunStatus } from './options';
import { Run } from './run';
import { parseRelaxed, readHeader, runFolders } from './runState';

/** An experiment (project) under a log root; its runs are independent of the current run. */
export class Experiment {
  readonly name: string;
  readonly logdir: string;

  constructor(name = 'default', logdir?: string) {
    this.name = String(name);
    this.logdir = resolveLogdir(logdir);
  }

  startRun(options: Omit<RunOptions, 'project' | 'logdir'> = {}): Run {
    return new Run({ ...options, project: this.name, logdir: this.logdir });
  }

  resumeRun(runId: string, options: Omit<RunOptions, 'project' | 'logdir' | 'resume'> = {}): Run {
    return this.startRun({ ...options, resume: runId });
  }

  /** The runs of this experiment, oldest first. */
  listRuns(): Array<{ id: string; name: string | undefined; path: string; status: RunStatus; time: number | undefined }> {
    const out = [];
    for (const folder of runFolders(this.logdir)) {
      const events = path.join(folder, 'events.jsonl');
      const header = readHeader(events);
      if (!header || (header.project ?? 'default') !== this.name) continue;
      let status: RunStatus = 'running';
      let name = typeof header.name === 'string' ? header.name : undefined;
      for (const line of fs.readFileSync(events, 'utf8').split('\n')) {
        if (!line.includes('"status"') && !line.includes('"set"')) continue;
        try {
          const rec = parseRelaxed(line) as Record<string, unknown>;
          if (rec.t === 'status' && typeof rec.status === 'string' && ['running', 'finished', 'failed', 'killed'].includes(rec.status)) status = rec.status as RunStatus;
          if (rec.t === 'set' && typeof rec.name === 'string') name = rec.name;
        } catch {
          /* skip */
        }
      }
      out.push({ id: String(header.run_id), name, path: folder, status, time: typeof header.time === 'number' ? header.time : undefined });
    }
    return out.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.path.localeCompare(b.path));
  }
}

export function createExperiment(name: string, logdir?: string): Experiment {
  return new Experiment(name, logdir);
}
