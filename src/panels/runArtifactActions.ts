import * as path from 'path';
import * as vscode from 'vscode';
import type { IndexService } from '../indexService';
import { artifactRealPath, locateArtifact } from '../core/artifacts';
import { previewKind, readArtifactPreview, type PreviewKind } from '../core/artifactPreview';
import type { HostToRunPanel } from '../protocol/runPanel';
import { notify } from '../notifications';
import { settings } from '../settings';
import { COMMANDS } from '../commands/ids';

/**
 * The commands behind the run page's Stop and Rerun buttons (`labbook.stopRun`, `labbook.rerunRun`,
 * run with the run's id), looked up in the command table: a button shows only once its command is
 * in the table and registered in this window.
 */
function actionCommand(action: string): string | undefined {
  const table = COMMANDS as Readonly<Record<string, string>>;
  return action === 'stop' ? table.stopRun : action === 'rerun' ? table.rerunRun : undefined;
}

/** Which of the run page's action commands exist in this window. */
export async function availableRunActions(): Promise<Extract<HostToRunPanel, { type: 'actions' }>> {
  const commands = new Set(await vscode.commands.getCommands(true));
  const has = (action: string) => {
    const id = actionCommand(action);
    return id !== undefined && commands.has(id);
  };
  return { type: 'actions', stop: has('stop'), rerun: has('rerun') };
}

export async function runAction(action: string, uid: string): Promise<void> {
  const command = actionCommand(action);
  if (!command) return;
  try {
    await vscode.commands.executeCommand(command, uid);
  } catch (e) {
    void notify('error', `Labbook: ${action === 'stop' ? 'the run was not stopped' : 'the run was not started again'}: ${(e as Error).message}`);
  }
}

/**
 * Artifacts of one run, for its page: inline previews, Reveal and Save As. The artifact must be one
 * the run recorded (checked by the caller) and is read through its fence (core/artifacts.ts).
 */
export class RunArtifactActions {
  constructor(private readonly index: IndexService, private readonly uid: string) {}

  private run() {
    const run = this.index.run(this.uid);
    if (!run) throw new Error('the run is gone');
    return run;
  }

  async preview(requestId: number, artifactPath: string): Promise<Extract<HostToRunPanel, { type: 'artifactPreview' }>> {
    try {
      const kind: PreviewKind = previewKind(artifactPath);
      const preview = await readArtifactPreview(this.index.folder.uri.fsPath, this.run(), artifactPath, kind, { pdfMaxBytes: Math.round(settings().pdfPreviewMaxMB * 1048576) });
      return { type: 'artifactPreview', requestId, path: artifactPath, preview };
    } catch (e) {
      return { type: 'artifactPreview', requestId, path: artifactPath, error: (e as Error).message };
    }
  }

  private async realPath(artifactPath: string): Promise<string> {
    const root = this.index.folder.uri.fsPath;
    const run = this.run();
    const where = locateArtifact(root, run, artifactPath);
    if (!where) throw new Error('the path leaves the run folder');
    if (where.kind !== 'file') throw new Error('it is stored inside an event file; open it to copy it out first');
    return artifactRealPath(root, run, where);
  }

  async reveal(artifactPath: string): Promise<void> {
    try {
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(await this.realPath(artifactPath)));
    } catch (e) {
      void notify('warning', `Labbook: cannot reveal ${artifactPath}: ${(e as Error).message}`);
    }
  }

  /** A PDF (only) opened by the operating system's viewer, after the user asked for it on the page (its own view draws it too). */
  async openExternally(artifactPath: string): Promise<void> {
    try {
      if (!/\.pdf$/i.test(artifactPath)) throw new Error('only PDFs are opened outside VS Code');
      await vscode.env.openExternal(vscode.Uri.file(await this.realPath(artifactPath)));
    } catch (e) {
      void notify('warning', `Labbook: cannot open ${artifactPath}: ${(e as Error).message}`);
    }
  }

  async saveAs(artifactPath: string): Promise<void> {
    try {
      const source = vscode.Uri.file(await this.realPath(artifactPath));
      const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(this.index.folder.uri, path.basename(source.fsPath)), title: `Save ${path.basename(artifactPath)} as` });
      if (!target) return;
      await vscode.workspace.fs.copy(source, target, { overwrite: true });
      void notify('info', `Labbook: ${path.basename(artifactPath)} saved to ${vscode.workspace.asRelativePath(target)}.`);
    } catch (e) {
      void notify('warning', `Labbook: cannot save ${artifactPath}: ${(e as Error).message}`);
    }
  }
}
