import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { pythonCommand, settings, terminalEnvironmentEnabled } from './settings';
import { trustedOrExplain } from './workspaceTrust';
import { askModal, notify } from './notifications';

/** Folder of the Python SDK shipped inside the extension. */
export function pythonSdkDir(context: Pick<vscode.ExtensionContext, 'extensionPath'>): string {
  return path.join(context.extensionPath, 'sdk', 'python');
}

/**
 * Makes `import labbook` work in VS Code terminals without an install, and points the SDK at this
 * workspace's log root so runs started from any sub-folder show up in the tree.
 */
export function applyTerminalEnvironment(context: vscode.ExtensionContext, folder: vscode.WorkspaceFolder | undefined): void {
  const env = context.environmentVariableCollection;
  env.clear();
  // Never in Restricted Mode; applied again when the workspace is trusted.
  if (!terminalEnvironmentEnabled()) return;
  env.description = 'Labbook: the Python SDK on PYTHONPATH and LABBOOK_DIR set to this workspace\'s run logs';
  env.prepend('PYTHONPATH', pythonSdkDir(context) + path.delimiter);
  if (folder) env.replace('LABBOOK_DIR', path.join(folder.uri.fsPath, ...settings().logRoot.split('/')));
}

/**
 * False, after saying why, when one of `rels` (workspace-relative) or a folder on the way to it is a
 * symbolic link: the SDK and the quickstart are written there, and a link in a cloned folder could
 * point anywhere.
 */
async function noLinksOnTheWay(folder: vscode.WorkspaceFolder, ...rels: string[]): Promise<boolean> {
  for (const rel of rels) {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const stat = await fs.promises.lstat(path.join(folder.uri.fsPath, ...parts.slice(0, i))).catch(() => undefined);
      if (stat?.isSymbolicLink()) {
        void notify('error', `Labbook: ${parts.slice(0, i).join('/')} is a symbolic link; Labbook does not write through links.`);
        return false;
      }
    }
  }
  return true;
}

/** Copies the Python SDK package into the workspace (for scripts run outside VS Code, or to commit it). */
export async function copyPythonSdk(context: vscode.ExtensionContext, folder: vscode.WorkspaceFolder): Promise<void> {
  if (!trustedOrExplain('Copying the Python SDK')) return;
  const source = path.join(pythonSdkDir(context), 'labbook');
  const target = path.join(folder.uri.fsPath, 'labbook_sdk', 'labbook');
  if (!(await noLinksOnTheWay(folder, 'labbook_sdk/labbook', 'labbook_sdk/README.md'))) return;
  if (fs.existsSync(target)) {
    const answer = await askModal(`${path.relative(folder.uri.fsPath, target)} exists. Replace it with the SDK of this Labbook version?`, 'Replace');
    if (answer !== 'Replace') return;
    await fs.promises.rm(target, { recursive: true, force: true });
  }
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.cp(source, target, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  const note = [
    '# Labbook Python SDK',
    '',
    'Copied from the Labbook extension. Use it with:',
    '',
    '```python',
    'import sys; sys.path.insert(0, "labbook_sdk")',
    'import labbook',
    '```',
    '',
    `or install it: \`pip install ${pythonSdkDir(context)}\``,
    '',
  ].join('\n');
  await fs.promises.writeFile(path.join(path.dirname(target), 'README.md'), note);
  void notify('info', `Labbook SDK copied to ${path.relative(folder.uri.fsPath, path.dirname(target))}/.`, 'Show').then((choice) => {
    if (choice === 'Show') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(target));
  });
}

/** Name of the quickstart script in the workspace. */
export const QUICKSTART_FILE = 'labbook_quickstart.py';

/**
 * Copies the quickstart training script into the workspace (unless it is already there), opens it,
 * and runs it in a new terminal, where the SDK is importable (see applyTerminalEnvironment).
 * When it cannot (the example is missing from the installation, the folder is read-only, ...) it
 * says why in an error message and resolves to undefined: the welcome view's button must never
 * do nothing.
 */
export async function runQuickstart(
  context: Pick<vscode.ExtensionContext, 'extensionPath'>,
  folder: vscode.WorkspaceFolder,
): Promise<vscode.Terminal | undefined> {
  if (!trustedOrExplain('The Quickstart')) return undefined;
  const example = path.join(pythonSdkDir(context), 'examples', 'quickstart.py');
  const target = path.join(folder.uri.fsPath, QUICKSTART_FILE);
  try {
    if (!(await noLinksOnTheWay(folder, QUICKSTART_FILE))) return undefined;
    if (!fs.existsSync(example)) {
      throw new Error(`the example script ${example} is missing from this Labbook installation; reinstalling the extension restores it`);
    }
    if (!fs.existsSync(target)) await fs.promises.copyFile(example, target);
    else if (!(await fs.promises.readFile(target)).equals(await fs.promises.readFile(example))) {
      // A file of that name that came with the folder is not ours: never run it without asking.
      const choice = await askModal(`${QUICKSTART_FILE} in this folder is not Labbook's example. Replace it with the example, or run the file as it is?`, 'Replace with the Example', 'Run It As Is');
      if (choice === undefined) return undefined;
      if (choice === 'Replace with the Example') await fs.promises.copyFile(example, target);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(target), { preview: true, preserveFocus: true });
    const python = pythonCommand();
    const terminal = vscode.window.createTerminal({ name: 'Labbook quickstart', cwd: folder.uri.fsPath });
    terminal.show(true);
    terminal.sendText(`${python} ${QUICKSTART_FILE}`);
    void vscode.commands.executeCommand('labbook.experiments.focus');
    return terminal;
  } catch (e) {
    void notify('error', `Labbook: the quickstart could not start: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
