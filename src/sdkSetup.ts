import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { settings } from './settings';

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
  if (!vscode.workspace.getConfiguration('labbook').get<boolean>('terminalEnvironment', true)) return;
  env.description = 'Labbook: the Python SDK on PYTHONPATH and LABBOOK_DIR set to this workspace\'s run logs';
  env.prepend('PYTHONPATH', pythonSdkDir(context) + path.delimiter);
  if (folder) env.replace('LABBOOK_DIR', path.join(folder.uri.fsPath, ...settings().logRoot.split('/')));
}

/** Copies the Python SDK package into the workspace (for scripts run outside VS Code, or to commit it). */
export async function copyPythonSdk(context: vscode.ExtensionContext, folder: vscode.WorkspaceFolder): Promise<void> {
  const source = path.join(pythonSdkDir(context), 'labbook');
  const target = path.join(folder.uri.fsPath, 'labbook_sdk', 'labbook');
  if (fs.existsSync(target)) {
    const answer = await vscode.window.showWarningMessage(`${path.relative(folder.uri.fsPath, target)} exists. Replace it with the SDK of this Labbook version?`, { modal: true }, 'Replace');
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
  void vscode.window.showInformationMessage(`Labbook SDK copied to ${path.relative(folder.uri.fsPath, path.dirname(target))}/.`, 'Show').then((choice) => {
    if (choice === 'Show') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(target));
  });
}

/** Name of the quickstart script in the workspace. */
export const QUICKSTART_FILE = 'labbook_quickstart.py';

/** Where the quickstart reports that it could not start (vscode.window, or a recorder in tests). */
export interface QuickstartMessages {
  showErrorMessage(message: string): Thenable<unknown>;
}

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
  messages: QuickstartMessages = vscode.window,
): Promise<vscode.Terminal | undefined> {
  const example = path.join(pythonSdkDir(context), 'examples', 'quickstart.py');
  const target = path.join(folder.uri.fsPath, QUICKSTART_FILE);
  try {
    if (!fs.existsSync(target)) {
      if (!fs.existsSync(example)) {
        throw new Error(`the example script ${example} is missing from this Labbook installation; reinstalling the extension restores it`);
      }
      await fs.promises.copyFile(example, target);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(target), { preview: true, preserveFocus: true });
    const configured = vscode.workspace.getConfiguration('labbook').get<string>('pythonCommand', '').trim();
    const python = configured || (process.platform === 'win32' ? 'python' : 'python3');
    const terminal = vscode.window.createTerminal({ name: 'Labbook quickstart', cwd: folder.uri.fsPath });
    terminal.show(true);
    terminal.sendText(`${python} ${QUICKSTART_FILE}`);
    void vscode.commands.executeCommand('labbook.experiments.focus');
    return terminal;
  } catch (e) {
    void messages.showErrorMessage(`Labbook: the quickstart could not start: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
