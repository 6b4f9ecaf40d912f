import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Problems } from '../core/problems';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { ExperimentsTree, TreeNode } from '../tree/experimentsTree';
import { appendControlRecord, isSafeSweepId } from '../core/sweeps/sweepControl';
import { fileSlug, guessGoal, sweepTemplate } from '../core/sweeps/sweepTemplate';
import { isOutsideError, writeFileInside } from '../core/safePath';
import type { SweepPanels } from '../panels/sweepPanel';
import { notify } from '../notifications';
import { pythonCommand, settings } from '../settings';
import { pythonSdkDir } from '../sdkSetup';
import { trustedOrExplain } from '../workspaceTrust';
import type { SweepRef, SweepService } from './sweepService';
import { COMMANDS } from '../commands/ids';

export interface SweepCommandContext {
  readonly context: vscode.ExtensionContext;
  readonly indexes: WorkspaceIndexes;
  readonly tree: ExperimentsTree;
  readonly sweeps: SweepService;
  readonly problems: Problems;
  /** The open sweep panels (Open Sweep shows one). */
  readonly sweepPanels: SweepPanels;
}

/** What scripts and tests may pass to Create Sweep instead of answering its questions. */
interface CreateArgs {
  readonly experiment?: string;
  readonly script?: string;
  readonly metric?: string;
  readonly goal?: 'maximize' | 'minimize';
  /** Create the sweep right away from the written file (otherwise the file opens to be edited first). */
  readonly create?: boolean;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Environment of child processes and terminals that run the SDK: it on PYTHONPATH, runs in this workspace's log root. */
function sdkEnv(context: vscode.ExtensionContext, index: IndexService): Record<string, string> {
  const existing = process.env.PYTHONPATH;
  return {
    PYTHONPATH: pythonSdkDir(context) + (existing ? path.delimiter + existing : ''),
    LABBOOK_DIR: path.join(index.folder.uri.fsPath, ...settings().logRoot.split('/')),
  };
}

export function registerSweepCommands(c: SweepCommandContext): vscode.Disposable[] {
  const pickFolder = async (): Promise<IndexService | undefined> => {
    const all = c.indexes.all();
    if (all.length <= 1) return all[0];
    const folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'In which folder?' });
    return folder && all.find((i) => i.folder.uri.toString() === folder.uri.toString());
  };

  /** The sweep a command is about: an id, a sweep or trial row, else a pick. */
  const resolveSweep = async (arg: unknown, placeHolder: string, filter: (s: SweepRef) => boolean = () => true): Promise<SweepRef | undefined> => {
    await c.sweeps.refresh();
    if (typeof arg === 'string') {
      const ref = c.sweeps.find(arg);
      if (!ref) void notify('warning', `Labbook: no sweep ${arg} in this workspace.`);
      return ref;
    }
    const node = arg as TreeNode | undefined;
    if (node?.kind === 'sweep') return c.sweeps.find(node.id);
    if (node?.kind === 'trial') return c.sweeps.find(node.sweep);
    const candidates = c.sweeps.all().filter(filter);
    if (candidates.length === 0) {
      void notify('info', 'Labbook: no sweep to choose from. Labbook: Create Sweep… makes one.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((s) => ({ label: s.summary.name, description: `${s.summary.experiment} · ${s.summary.strategy} · ${s.summary.progress}${s.summary.stopped ? ' · stopped' : ''}`, detail: s.summary.id, ref: s })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.ref;
  };

  /** Runs `python -m labbook sweep create <file>`; resolves to the new sweep's id. */
  const createFromFile = async (index: IndexService, file: string): Promise<string | undefined> => {
    if (!trustedOrExplain('Creating a sweep')) return undefined;
    const python = pythonCommand();
    const rel = path.relative(index.folder.uri.fsPath, file);
    const result = await new Promise<{ error: Error | null; stdout: string; stderr: string }>((resolve) => {
      execFile(python, ['-m', 'labbook', 'sweep', 'create', file], { cwd: index.folder.uri.fsPath, env: { ...process.env, ...sdkEnv(c.context, index) }, timeout: 120_000, maxBuffer: 1024 * 1024 },
        (error, stdout, stderr) => resolve({ error, stdout: String(stdout), stderr: String(stderr) }));
    });
    const id = result.stdout.trim().split('\n').pop()?.trim() ?? '';
    if (result.error || !isSafeSweepId(id)) {
      const why = (result.stderr.trim().split('\n').pop() || result.error?.message || 'no sweep id printed').slice(0, 500);
      c.problems.report(`creating a sweep from ${rel} failed: ${result.stderr || result.error?.message}`);
      void notify('error', `Labbook: the sweep in ${rel} was not created: ${why}`);
      return undefined;
    }
    await c.sweeps.refresh();
    c.tree.reload();
    const ref = c.sweeps.find(id);
    void notify('info', `Labbook: sweep ${id} created${ref ? ` for ${ref.summary.experiment}` : ''}.`, 'Launch Agents', 'Open Sweep').then((choice) => {
      if (choice === 'Launch Agents') void vscode.commands.executeCommand(COMMANDS.launchSweepAgents, id);
      if (choice === 'Open Sweep') void vscode.commands.executeCommand(COMMANDS.openSweep, id);
    });
    return id;
  };

  const isSweepFile = (uri: vscode.Uri | undefined) => !!uri && uri.scheme === 'file' && /^labbook-sweep.*\.json$/.test(path.basename(uri.fsPath));

  const createSweep = async (arg?: unknown): Promise<string | undefined> => {
    if (!trustedOrExplain('Creating a sweep')) return undefined;
    // From a sweep file (its editor's title button, the explorer, or the palette with it open): create it.
    const fileArg = arg instanceof vscode.Uri ? arg : arg === undefined && isSweepFile(vscode.window.activeTextEditor?.document.uri) ? vscode.window.activeTextEditor!.document.uri : undefined;
    if (fileArg) {
      const folder = vscode.workspace.getWorkspaceFolder(fileArg);
      const index = folder && c.indexes.all().find((i) => i.folder.uri.toString() === folder.uri.toString());
      if (!index) {
        void notify('error', 'Labbook: the sweep file must be inside a workspace folder.');
        return undefined;
      }
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === fileArg.toString());
      if (doc?.isDirty) await doc.save();
      return createFromFile(index, fileArg.fsPath);
    }
    const given = (typeof arg === 'object' && arg !== null ? arg : {}) as CreateArgs;
    const index = await pickFolder();
    if (!index) {
      void notify('info', 'Labbook: open a folder first; a sweep lives in its log root.');
      return undefined;
    }
    const root = index.folder.uri.fsPath;
    // 1. The experiment: one of the workspace's, or a new name.
    let experiment = given.experiment;
    if (!experiment) {
      const names = [...new Set(index.runs.map((r) => r.experiment))].sort();
      const NEW = '$(add) New experiment…';
      const picked = await vscode.window.showQuickPick([...names, NEW], { placeHolder: 'Sweep in which experiment?' });
      if (!picked) return undefined;
      experiment = picked === NEW ? (await vscode.window.showInputBox({ prompt: 'Name of the experiment', validateInput: (v) => (v.trim() ? undefined : 'A name, please') }))?.trim() : picked;
      if (!experiment) return undefined;
    }
    // 2. The training script.
    let script = given.script;
    if (!script) {
      const files = await vscode.workspace.findFiles(new vscode.RelativePattern(index.folder, '**/*.py'), '{**/node_modules/**,**/.venv/**,**/venv/**,**/site-packages/**,**/labbook_sdk/**}', 500);
      const rels = files.map((f) => path.relative(root, f.fsPath).split(path.sep).join('/')).sort();
      if (rels.length === 0) {
        void notify('info', 'Labbook: no Python training script in this folder; a sweep runs one per trial.');
        return undefined;
      }
      script = await vscode.window.showQuickPick(rels, { placeHolder: 'Which training script does each trial run?' });
      if (!script) return undefined;
    }
    // 3. The objective: a metric the experiment's runs log, or one typed in.
    const runs = index.runs.filter((r) => r.experiment === experiment).sort((a, b) => (b.startTime ?? 0) - (a.startTime ?? 0));
    let metric = given.metric;
    if (!metric) {
      const keys = [...new Set((await Promise.all(runs.slice(0, 20).map((r) => index.reads.listSeries(r.id)))).flat().map((s) => s.key))].sort();
      const OTHER = '$(edit) Another metric…';
      const picked = keys.length ? await vscode.window.showQuickPick([...keys, OTHER], { placeHolder: 'Objective: which metric should the sweep optimise?' }) : OTHER;
      if (!picked) return undefined;
      metric = picked === OTHER ? (await vscode.window.showInputBox({ prompt: 'Objective metric (as the script logs it)', value: 'val/loss' }))?.trim() : picked;
      if (!metric) return undefined;
    }
    let goal = given.goal;
    if (!goal) {
      const guess = guessGoal(metric);
      const picked = await vscode.window.showQuickPick([guess, guess === 'maximize' ? 'minimize' : 'maximize'], { placeHolder: `${metric}: maximize or minimize?` });
      if (!picked) return undefined;
      goal = picked as 'maximize' | 'minimize';
    }
    const params = runs.length ? await index.reads.getParams(runs[0].id) : {};
    const definition = sweepTemplate({ experiment, script, python: pythonCommand(), metric, goal, params });
    let name = `labbook-sweep-${fileSlug(experiment)}.json`;
    for (let n = 2; fs.existsSync(path.join(root, name)); n++) name = `labbook-sweep-${fileSlug(experiment)}-${n}.json`;
    try {
      await writeFileInside(root, name, `${JSON.stringify(definition, null, 2)}\n`);
    } catch (e) {
      void notify('error', `Labbook: ${name} could not be written: ${isOutsideError(e) ? e.message : errorText(e)}`);
      return undefined;
    }
    const file = path.join(root, name);
    if (given.create) return createFromFile(index, file);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    void notify('info', `Labbook: ${name} holds the sweep (completion and checks come from its schema). Edit the parameters, then create it.`, 'Create Sweep').then((choice) => {
      if (choice === 'Create Sweep') void vscode.commands.executeCommand(COMMANDS.createSweep, vscode.Uri.file(file));
    });
    return undefined;
  };

  const launchAgents = async (arg?: unknown, count?: unknown): Promise<vscode.Terminal[]> => {
    if (!trustedOrExplain('Launching sweep agents')) return [];
    const ref = await resolveSweep(arg, 'Launch agents for which sweep?', (s) => s.summary.state !== 'done');
    if (!ref) return [];
    const id = ref.summary.id;
    if (!isSafeSweepId(id)) {
      void notify('error', `Labbook: the sweep folder name "${id}" has characters Labbook does not put into a command.`);
      return [];
    }
    let n = typeof count === 'number' && Number.isSafeInteger(count) ? count : undefined;
    if (n === undefined) {
      // The command comes from the sweep's file: say what will run before anything does.
      const runs = ref.summary.command.length ? ` Each trial runs: ${ref.summary.command.join(' ').slice(0, 200)}` : '';
      const answer = await vscode.window.showInputBox({ prompt: `How many agents for ${ref.summary.name}? Each runs in its own terminal, one trial at a time.${runs}`, value: '2', validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 32 ? undefined : 'A number from 1 to 32') });
      if (!answer) return [];
      n = Number(answer);
    }
    n = Math.max(1, Math.min(32, n));
    let tail = '';
    if (ref.summary.command.length === 0) {
      const typed = await vscode.window.showInputBox({ prompt: 'The sweep names no command: what does each trial run?', value: `${pythonCommand()} train.py` });
      if (!typed?.trim()) return [];
      tail = ` -- ${typed.trim()}`;
    }
    if (ref.summary.stopped) await appendControlRecord(ref.index.folder.uri.fsPath, ref.summary.folder, 'resume', Date.now() / 1000, 'agents launched from VS Code');
    const terminals: vscode.Terminal[] = [];
    for (let i = 1; i <= n; i++) {
      const terminal = vscode.window.createTerminal({ name: `Sweep ${ref.summary.name} · agent ${i}`, cwd: ref.index.folder.uri.fsPath, env: sdkEnv(c.context, ref.index) });
      terminal.sendText(`${pythonCommand()} -m labbook sweep agent ${id}${tail}`);
      terminals.push(terminal);
    }
    terminals[0]?.show(true);
    return terminals;
  };

  const control = async (type: 'stop' | 'resume', arg: unknown): Promise<boolean> => {
    if (!trustedOrExplain(type === 'stop' ? 'Stopping a sweep' : 'Resuming a sweep')) return false;
    const ref = await resolveSweep(arg, type === 'stop' ? 'Stop which sweep?' : 'Resume which sweep?', (s) => s.summary.stopped === (type === 'resume'));
    if (!ref) return false;
    try {
      await appendControlRecord(ref.index.folder.uri.fsPath, ref.summary.folder, type, Date.now() / 1000, type === 'stop' ? 'stopped from VS Code' : undefined);
    } catch (e) {
      void notify('error', `Labbook: ${ref.summary.name} was not ${type === 'stop' ? 'stopped' : 'resumed'}: ${errorText(e)}`);
      return false;
    }
    await c.sweeps.refresh();
    void notify('info', type === 'stop'
      ? `Labbook: sweep ${ref.summary.name} stopped: its agents finish their current trial and exit.`
      : `Labbook: sweep ${ref.summary.name} resumed: agents that still run go on; launch agents to run more trials.`);
    return true;
  };

  return [
    vscode.commands.registerCommand(COMMANDS.createSweep, createSweep),
    vscode.commands.registerCommand(COMMANDS.launchSweepAgents, launchAgents),
    vscode.commands.registerCommand(COMMANDS.stopSweep, (arg?: unknown) => control('stop', arg)),
    vscode.commands.registerCommand(COMMANDS.resumeSweep, (arg?: unknown) => control('resume', arg)),
    vscode.commands.registerCommand(COMMANDS.openSweep, async (arg?: unknown) => {
      const ref = await resolveSweep(arg, 'Open which sweep?');
      if (ref) c.sweepPanels.show(ref.summary.id);
    }),
  ];
}
