import * as os from 'os';
import { COMMANDS } from '../commands/ids';
import * as vscode from 'vscode';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { ExperimentsTree, TreeNode } from '../tree/experimentsTree';
import { editRun } from '../runEdits';
import { askModal, notify } from '../notifications';
import { trustedOrExplain } from '../workspaceTrust';
import { canSignal } from '../core/organise/processCheck';
import { rerunPlan } from '../core/organise/rerun';
import { runStatus } from '../core/status';
import { settings } from '../settings';
import { localProcesses } from '../localProcesses';
import { processStartTime, waitForExit } from './runProcess';
import { runTargets, type OrganiseRef } from './runTargets';

/** Seconds a run gets to end after SIGTERM before Labbook offers SIGKILL. */
export const STOP_GRACE_SECONDS = 10;
export const KILLED_MESSAGE = 'Killed: manually terminated';

interface StopOptions {
  /** Skip the questions (scripts, tests): SIGTERM at once, and SIGKILL after the grace period when `force`. */
  readonly confirmed?: boolean;
  readonly force?: boolean;
  readonly graceMs?: number;
}

/** "Stop Run" and "Rerun with This Config" (tree, run page, palette). */
export function registerRunActions(indexes: WorkspaceIndexes, tree: ExperimentsTree, view?: vscode.TreeView<TreeNode>): vscode.Disposable[] {
  const pick = async (arg: unknown, placeHolder: string, onlyRunning: boolean): Promise<OrganiseRef | undefined> => {
    const given = runTargets(arg, undefined, indexes, arg === undefined ? undefined : view);
    if (given.length) return given[0];
    if (arg !== undefined) return undefined;
    const runs = tree.allRuns(true).filter((r) => !onlyRunning || r.status === 'running');
    if (!runs.length) {
      void notify('info', onlyRunning ? 'Labbook: no run is running.' : 'Labbook: there are no runs yet.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.run.name, description: `${r.experiment} · ${r.status}`, detail: r.run.uid, ref: { index: r.index, uid: r.run.uid } })), { placeHolder, matchOnDetail: true });
    return picked?.ref;
  };

  /** The pid to signal now, or undefined after saying why not: checked again before every signal. */
  const signalTarget = async (ref: OrganiseRef): Promise<{ pid: number } | { reason: string }> => {
    const run = ref.index.run(ref.uid);
    if (!run) return { reason: 'it is no longer in the index' };
    const status = runStatus(run, Date.now() / 1000, settings().heartbeatTimeoutSeconds, localProcesses);
    const decision = canSignal({ ...run, status }, os.hostname(), run.pid ? await processStartTime(run.pid) : undefined);
    return decision.ok ? { pid: decision.pid } : { reason: decision.reason };
  };

  const markKilled = async (ref: OrganiseRef) => {
    await ref.index.refresh();
    await ref.index.whenIdle();
    // The run's own log says how it ended when its process could write it (the SDKs do on SIGTERM).
    if (ref.index.run(ref.uid)?.status === 'running') await editRun(ref.index, ref.uid, { t: 'end', status: 'killed', message: KILLED_MESSAGE });
    tree.reload();
  };

  const stop = async (arg?: unknown, options?: unknown) => {
    if (!trustedOrExplain('Stopping a run')) return;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as StopOptions;
    const ref = await pick(arg, 'Stop which run?', true);
    if (!ref) return;
    const name = ref.index.run(ref.uid)?.name ?? ref.uid;
    try {
      const first = await signalTarget(ref);
      if ('reason' in first) {
        void notify('warning', `Labbook: ${name} cannot be stopped from here: ${first.reason}.`);
        return;
      }
      if (!opts.confirmed) {
        const answer = await askModal(`Stop ${name}? Labbook sends SIGTERM to its process ${first.pid} on this machine; the run ends as killed.`, 'Stop Run');
        if (answer !== 'Stop Run') return;
      }
      // Checked again after the question: the process may have ended (and its pid been reused) meanwhile.
      const now = await signalTarget(ref);
      if ('reason' in now) {
        void notify('info', `Labbook: ${name} was not signalled: ${now.reason}.`);
        if (now.reason.startsWith('process')) await markKilled(ref);
        return;
      }
      process.kill(now.pid, 'SIGTERM');
      const grace = opts.graceMs ?? STOP_GRACE_SECONDS * 1000;
      if (!(await waitForExit(now.pid, grace))) {
        const force = opts.confirmed ? opts.force === true
          : (await askModal(`${name} is still running ${Math.round(grace / 1000)} s after SIGTERM. Kill its process ${now.pid} (SIGKILL)? It gets no chance to save anything.`, 'Kill Process')) === 'Kill Process';
        if (!force) return;
        const last = await signalTarget(ref);
        if ('reason' in last) {
          if (!last.reason.startsWith('process')) void notify('info', `Labbook: ${name} was not killed: ${last.reason}.`);
        } else {
          process.kill(last.pid, 'SIGKILL');
          await waitForExit(last.pid, 5000);
        }
      }
      await markKilled(ref);
    } catch (e) {
      void notify('error', `Labbook: stopping ${name} failed: ${(e as Error).message}`);
    }
  };

  const rerun = async (arg?: unknown) => {
    if (!trustedOrExplain('Rerunning a run')) return;
    const ref = await pick(arg, 'Rerun which run?', false);
    const run = ref && ref.index.run(ref.uid);
    if (!ref || !run) return;
    const plan = rerunPlan(await ref.index.reads.getEnv(run.id), ref.index.folder.uri.fsPath);
    if (!plan.ok) {
      void notify('warning', `Labbook: ${run.name} cannot be rerun: ${plan.reason}.`);
      return;
    }
    const terminal = vscode.window.createTerminal({ name: `Rerun: ${run.name.slice(0, 40)}`, cwd: plan.cwd });
    terminal.show();
    // Typed, not run: the user reads the command and presses Enter.
    terminal.sendText(plan.command, false);
    if (plan.cwdNote) void notify('info', `Labbook: ${plan.cwdNote}`);
  };

  return [
    vscode.commands.registerCommand(COMMANDS.stopRun, stop),
    vscode.commands.registerCommand(COMMANDS.rerunRun, rerun),
  ];
}
