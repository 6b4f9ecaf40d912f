import { createHash } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { INDEX_DIR, type IndexService } from '../indexService';
import type { IngestChanges } from '../core/ingest/indexer';
import { readConsole } from '../core/ingest/console';
import { artifactRealPath, locateArtifact, readArtifactImage } from '../core/artifacts';
import { writeFileInside } from '../core/safePath';
import { type EmbeddedRef, readEmbedded } from '../core/importers/embedded';
import { isRunPanelToHost, type HostToRunPanel, type RunPanelToHost, type RunSummary } from '../protocol/runPanel';
import type { RunRef } from '../protocol/runRef';
import type { RunsModel } from '../runsModel';
import { settings } from '../settings';
import { notify } from '../notifications';
import { requireTrust } from '../workspaceTrust';
import { editRun } from '../runEdits';
import { PanelHost, type PanelEnv } from './panelHost';
import { COMMANDS } from '../commands/ids';
import { gitDiffPath } from './runPageSeries';
import { LiveSeries } from './runPageLive';
import { datasetsForPage } from './runDatasets';
import { answerRunRange } from './runPageRange';
import { datasetTarget } from '../core/datasetLocation';
import { availableRunActions, runAction, RunArtifactActions } from './runArtifactActions';

export const RUN_PANEL_VIEW_TYPE = 'labbook.run';

/** What a run panel needs from the extension. */
export interface RunPanelEnv extends PanelEnv {
  readonly runs: RunsModel;
}

/** One webview panel per run: its metrics as charts, kept live while the run writes (opened through `RunPanels`). */
export class RunPanel extends PanelHost<HostToRunPanel, RunPanelToHost> {
  private lastShown = '';
  /** What the webview holds of each series: a change sends it only what was appended. */
  private readonly live = new LiveSeries();
  private readonly uid: string;
  private readonly artifacts: RunArtifactActions;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly env: RunPanelEnv,
    readonly ref: RunRef,
    private readonly index: IndexService,
    /** Called once as the panel closes. */
    private readonly onClose: (panel: RunPanel) => void,
    /** Called when the user edits in the panel (a preview panel is then kept). */
    private readonly onEdit: (panel: RunPanel) => void,
  ) {
    super(panel, {
      ...env, app: 'run', label: 'run panel', validate: isRunPanelToHost, state: ref,
      onRefused: (message, why) => {
        if ((message as { type?: unknown } | null)?.type === 'saveNote') void notify('error', `Labbook: the note was not saved: ${why}`);
      },
    });
    this.uid = ref.uid;
    this.artifacts = new RunArtifactActions(index, ref.uid);
    this.register(index.onDidChange((c) => void this.serial(() => this.onIndexChange(c))));
  }

  private work: Promise<void> = Promise.resolve();

  /** Runs reads of the index one after another, so what is sent keeps the order of the changes. */
  private serial(job: () => Promise<void>): Promise<void> {
    this.work = this.work.then(job).catch((e: unknown) => this.problems.report(`run panel: ${(e as Error).stack ?? e}`));
    return this.work;
  }

  /** Opens the note editor in the panel (now, or once the webview is ready). */
  editNote(): void {
    this.onEdit(this);
    this.panel.reveal();
    this.post({ type: 'editNote' });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.onClose(this);
    super.dispose();
  }

  protected onReady(): void {
    void this.serial(() => this.sendInit());
    void availableRunActions().then((m) => this.post(m));
  }

  protected onMessage(message: Exclude<RunPanelToHost, { readonly type: 'ready' | 'error' }>): void {
    if (message.type === 'openArtifact') {
      void this.openArtifact(message.path);
    } else if (message.type === 'getArtifactPreview') {
      const { requestId, path: artifact } = message;
      this.respond(message, async () => ((await this.runWithArtifact(artifact)) ? this.artifacts.preview(requestId, artifact) : { type: 'artifactPreview' as const, requestId, path: artifact, error: 'not an artifact of this run' }));
    } else if (message.type === 'revealArtifact') {
      void this.runWithArtifact(message.path).then((run) => run && this.artifacts.reveal(message.path));
    } else if (message.type === 'saveArtifactAs') {
      void this.runWithArtifact(message.path).then((run) => run && this.artifacts.saveAs(message.path));
    } else if (message.type === 'openArtifactExternally') {
      void this.runWithArtifact(message.path).then((run) => run && this.artifacts.openExternally(message.path));
    } else if (message.type === 'runAction') {
      void runAction(message.action, this.uid);
    } else if (message.type === 'openDataset') {
      void this.openDataset(message.index);
    } else if (message.type === 'openRun') {
      if (this.index.run(message.id)) void vscode.commands.executeCommand(COMMANDS.openRun, message.id);
    } else if (message.type === 'openGitDiff') {
      void this.openGitDiff();
    } else if (message.type === 'getImage') {
      this.respond(message, () => this.image(message.requestId, message.path));
    } else if (message.type === 'range' || message.type === 'timeRange') {
      // A zoomed chart (on its step or its time axis): that range's points, finer.
      const run = this.index.run(this.uid);
      if (run) this.respond(message, () => answerRunRange(this.index.reads, run.id, message, settings().maxChartPoints));
    } else {
      this.onEdit(this);
      editRun(this.index, this.uid, { t: 'note', text: message.text }).catch((e) => void notify('error', `Labbook: the note was not saved: ${(e as Error).message}`));
    }
  }

  /** The run, when it recorded `requested` as an artifact; otherwise reported and undefined. */
  private async runWithArtifact(requested: string) {
    const run = this.index.run(this.uid);
    if (run && (await this.index.reads.getArtifacts(run.id)).some((a) => a.path === requested)) return run;
    this.problems.report(`run panel asked for an artifact that the run did not record: ${requested}`);
    return undefined;
  }

  /**
   * Opens an artifact the run recorded; anything else (or a path leaving the run folder) is refused.
   * An image inside a TensorBoard event file is copied out to `.labbook/images/` to be shown.
   */
  private async openArtifact(requested: string): Promise<void> {
    const run = await this.runWithArtifact(requested);
    if (!run) return;
    try {
      const where = locateArtifact(this.index.folder.uri.fsPath, run, requested);
      if (!where) throw new Error('the path leaves the workspace');
      const root = this.index.folder.uri.fsPath;
      const uri = where.kind === 'embedded' ? await this.extractImage(where.ref, run.folder, requested) : vscode.Uri.file(await artifactRealPath(root, run, where));
      // The group right of the panel: artifacts opened one after another replace each other's preview there.
      const beside = this.panel.viewColumn !== undefined ? ((this.panel.viewColumn + 1) as vscode.ViewColumn) : vscode.ViewColumn.Beside;
      await vscode.commands.executeCommand('vscode.open', uri, { preview: true, viewColumn: beside, preserveFocus: true });
    } catch (e) {
      void notify('warning', `Labbook: cannot open ${requested}: ${(e as Error).message}`);
    }
  }

  /** Opens a dataset the run recorded: a file in an editor, a folder in the Explorer, a web address in the browser. */
  private async openDataset(i: number): Promise<void> {
    const run = this.index.run(this.uid);
    const d = run && (await this.index.reads.getDatasets(run.id))[i];
    if (!run || !d) return;
    const target = await datasetTarget(this.index.folder.uri.fsPath, run.folder, (await this.index.reads.getEnv(run.id)).cwd, d);
    if (target.kind === 'web') await vscode.env.openExternal(vscode.Uri.parse(target.uri, true));
    else if (target.kind === 'file') {
      const uri = vscode.Uri.file(target.path);
      const folder = (await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory;
      await vscode.commands.executeCommand(folder ? 'revealInExplorer' : 'vscode.open', uri);
    } else {
      await vscode.env.clipboard.writeText(d.uri ?? d.path ?? d.name);
      void notify('info', `Labbook: ${d.name}: ${target.why}. Its location is copied to the clipboard.`);
    }
  }

  /** Opens the diff of uncommitted changes the run recorded beside its log (never a file outside its folder). */
  private async openGitDiff(): Promise<void> {
    const run = this.index.run(this.uid);
    if (!run) return;
    try {
      const file = await gitDiffPath(this.index.folder.uri.fsPath, run, await this.index.reads.getEnv(run.id));
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    } catch (e) {
      void notify('warning', `Labbook: cannot open the run's git diff: ${(e as Error).message}`);
    }
  }

  private async extractImage(ref: EmbeddedRef, runFolder: string, key: string): Promise<vscode.Uri> {
    requireTrust('Copying an image out of an event file to .labbook/images/');
    const root = this.index.folder.uri.fsPath;
    const bytes = await readEmbedded(root, ref, runFolder);
    const name = (await this.index.reads.getArtifacts(this.index.run(this.uid)!.id)).find((a) => a.path === key)?.name ?? `image.${ref.ext}`;
    const readable = name.replace(/^images\//, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(-120);
    const dir = path.join(root, INDEX_DIR, 'images', createHash('sha256').update(key).digest('hex').slice(0, 16));
    const file = path.join(dir, readable);
    await writeFileInside(root, file, bytes); // never through a `.labbook` that is a link
    return vscode.Uri.file(file);
  }

  /** The reply to the webview's request for an image artifact: a data: URL (the webview reads no files), or why not. */
  private async image(requestId: number, requested: string): Promise<Extract<HostToRunPanel, { type: 'image' }>> {
    const run = await this.runWithArtifact(requested);
    if (!run) return { type: 'image', requestId, path: requested, error: 'not an artifact of this run' };
    try {
      const { mime, bytes } = await readArtifactImage(this.index.folder.uri.fsPath, run, requested);
      return { type: 'image', requestId, path: requested, dataUrl: `data:${mime};base64,${bytes.toString('base64')}` };
    } catch (e) {
      return { type: 'image', requestId, path: requested, error: (e as Error).message };
    }
  }

  private async sendConsole(): Promise<void> {
    const run = this.index.run(this.uid);
    if (!run) return;
    const { text, skipped, problem } = await readConsole(this.index.folder.uri.fsPath, run.folder);
    if (problem && problem !== this.consoleProblem) this.problems.report(problem);
    this.consoleProblem = problem;
    if (!this.isDisposed) this.post({ type: 'console', text, skipped });
  }

  private async summary(): Promise<RunSummary | undefined> {
    const run = this.index.run(this.uid);
    if (!run) return undefined;
    const reads = this.index.reads;
    const [artifacts, datasets, env, alerts, tags, params] = await Promise.all([reads.getArtifacts(run.id), datasetsForPage(reads, run.id),
      reads.getEnv(run.id), reads.getAlertStates(run.id), reads.getTags(run.id), reads.getParams(run.id)]);
    return {
      statusMessage: run.statusMessage ?? '',
      artifacts: artifacts.map((a) => ({ path: a.path, name: a.name, size: a.size, ...(a.caption ? { caption: a.caption } : {}) })),
      datasets,
      env,
      alerts: alerts.map((a) => ({ condition: a.condition, message: a.message, level: a.level, triggeredStep: a.triggeredStep, triggeredValue: a.triggeredValue })),
      id: run.uid,
      name: run.name,
      project: run.experiment,
      description: run.description,
      status: this.env.runs.status(run),
      tags,
      params,
      startTime: run.startTime ?? 0,
      lastActivity: run.lastActivity ?? 0,
      note: run.note,
      folder: run.folder,
    };
  }

  private async sendInit(): Promise<void> {
    const run = await this.summary();
    if (this.isDisposed) return;
    if (!run) {
      this.panel.dispose();
      return;
    }
    this.panel.title = run.name;
    const series = await this.live.full(this.index.reads, this.index.run(this.uid)!.id, settings().maxChartPoints);
    if (this.isDisposed) return;
    this.lastShown = JSON.stringify({ ...run, lastActivity: 0 });
    this.post({ type: 'init', run, series });
    void this.sendConsole();
  }

  /** The console problem last reported, so that a live run does not repeat it. */
  private consoleProblem: string | undefined;

  private async onIndexChange(changes: IngestChanges): Promise<void> {
    if (!this.isReady || this.isDisposed) return;
    if (changes.removed.has(this.uid)) {
      this.panel.dispose();
      return;
    }
    if (changes.reset.has(this.uid)) {
      await this.sendInit();
      return;
    }
    if (!changes.runs.has(this.uid)) return;
    // New points first: they are what a user watches a live run for.
    const points = changes.points.get(this.uid);
    if (points && points.size > 0) {
      const update = await this.live.next(this.index.reads, this.index.run(this.uid)!.id, points, settings().maxChartPoints);
      if (this.isDisposed) return;
      if (update.resend) {
        // At most about once a second: a run rewriting its past would otherwise resend on every write.
        this.throttle('init', () => void this.serial(() => this.sendInit()));
      } else {
        if (update.append.length) this.post({ type: 'append', runId: this.uid, series: update.append });
        if (update.replace.length) this.post({ type: 'replace', runId: this.uid, series: update.replace });
      }
    }
    const run = await this.summary();
    if (!run || this.isDisposed) return;
    this.panel.title = run.name;
    // Only when something a user sees changed: a live run changes (lastActivity) on every write.
    const shown = JSON.stringify({ ...run, lastActivity: 0 });
    if (shown !== this.lastShown) {
      this.lastShown = shown;
      this.post({ type: 'run', run });
    }
    // Console output follows a live run, read at most about once a second.
    this.throttle('console', () => void this.sendConsole());
  }
}
