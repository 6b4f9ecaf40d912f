import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { Problems } from '../core/problems';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import { readFileInside, readTextInside, writeFileInside } from '../core/safePath';
import {
  EXPERIMENTS_DIR, experimentFileName, MAX_EXPERIMENT_FILE_BYTES, parseExperimentFile, updateExperimentText, type ExperimentChange, type ExperimentMeta,
} from '../core/organise/experimentFiles';
import { requireTrust } from '../workspaceTrust';

/**
 * The experiment files of each workspace folder (`<log root>/_experiments/*.json`, written by the
 * SDK's `Client().create_experiment` and by the sidebar), read when they change. The tree shows
 * their experiments (even without runs) with their descriptions, and hides archived ones.
 */
export class ExperimentCatalog extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly byIndex = new Map<IndexService, Map<string, ExperimentMeta>>();
  private readonly reported = new Set<string>();
  private loading: Promise<void> = Promise.resolve();

  constructor(private readonly indexes: WorkspaceIndexes, private readonly problems: Problems) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(`**/${EXPERIMENTS_DIR}/*.json`));
    const reload = () => void this.reload();
    this.register(watcher.onDidCreate(reload));
    this.register(watcher.onDidChange(reload));
    this.register(watcher.onDidDelete(reload));
    this.register(indexes.onDidChange(() => {
      if (this.indexes.all().some((i) => !this.byIndex.has(i))) reload();
    }));
    reload();
  }

  /** The experiments with a file in `index`'s folder, by name. */
  of(index: IndexService): ReadonlyMap<string, ExperimentMeta> {
    return this.byIndex.get(index) ?? new Map();
  }

  /** Resolves once the files are read again. */
  reload(): Promise<void> {
    this.loading = this.loading.then(async () => {
      for (const index of this.indexes.all()) this.byIndex.set(index, await this.read(index));
      for (const index of [...this.byIndex.keys()]) if (!this.indexes.all().includes(index)) this.byIndex.delete(index);
      this.changeEmitter.fire();
    }).catch((e) => this.problems.report(`reading experiment files failed: ${(e as Error).message}`));
    return this.loading;
  }

  private async read(index: IndexService): Promise<Map<string, ExperimentMeta>> {
    const root = index.folder.uri.fsPath;
    const dir = path.join(root, ...index.logRoot.split('/'), EXPERIMENTS_DIR);
    const found = new Map<string, ExperimentMeta>();
    let names: string[];
    try {
      names = (await fs.promises.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name).sort();
    } catch {
      return found;
    }
    for (const name of names) {
      const rel = `${index.logRoot}/${EXPERIMENTS_DIR}/${name}`;
      try {
        const stat = await fs.promises.lstat(path.join(dir, name));
        if (stat.size > MAX_EXPERIMENT_FILE_BYTES) throw new Error(`larger than ${MAX_EXPERIMENT_FILE_BYTES} bytes`);
        const text = (await readFileInside(root, path.join(dir, name))).toString('utf8');
        const parsed = parseExperimentFile(text);
        if ('problem' in parsed) throw new Error(parsed.problem);
        found.set(parsed.meta.name, parsed.meta);
        this.reported.delete(rel);
      } catch (e) {
        if (!this.reported.has(rel)) this.problems.report(`${rel}: skipped: ${(e as Error).message}`);
        this.reported.add(rel);
      }
    }
    return found;
  }

  /** The change being written to each experiment file: changes of one file are read, changed and written one after another. */
  private readonly writing = new Map<string, Promise<void>>();

  /** Changes (or creates) the experiment file of `name` and reads the files again. */
  async change(index: IndexService, name: string, change: ExperimentChange): Promise<void> {
    requireTrust('Changing an experiment');
    const root = index.folder.uri.fsPath;
    const file = path.join(root, ...index.logRoot.split('/'), EXPERIMENTS_DIR, experimentFileName(name));
    const write = async () => {
      const existing = await readTextInside(root, file).catch(() => undefined);
      // Written whole to a temporary file of its own, then renamed over: a reader never sees half a file.
      const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFileInside(root, temp, updateExperimentText(existing, name, change, Date.now() / 1000));
      await fs.promises.rename(temp, file);
    };
    const done = (this.writing.get(file) ?? Promise.resolve()).catch(() => undefined).then(write);
    this.writing.set(file, done);
    try {
      await done;
    } finally {
      if (this.writing.get(file) === done) this.writing.delete(file);
    }
    await this.reload();
  }

}
