import * as vscode from 'vscode';
import type { ComparePanelToHost } from '../protocol/comparePanel';
import { notify } from '../notifications';

export { answerRange } from '../core/compareRange';

type SaveRequest = Extract<ComparePanelToHost, { type: 'save' }>;

const PNG_PREFIX = 'data:image/png;base64,';

/**
 * Saves a chart the view drew (PNG) or its data (CSV) where the user chooses, suggesting the
 * first workspace folder. The name comes from the view, so only its last path part is used.
 */
export async function saveChart(m: SaveRequest): Promise<void> {
  if (m.kind !== 'png' && m.kind !== 'csv') return;
  if (m.kind === 'png' && !m.data.startsWith(PNG_PREFIX)) return;
  const base = m.name.split(/[\\/]/).pop()!.replace(/[^\w.-]+/g, '_') || `chart.${m.kind}`;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, base) : undefined,
    filters: m.kind === 'png' ? { 'PNG image': ['png'] } : { 'CSV': ['csv'] },
    saveLabel: m.kind === 'png' ? 'Save Chart' : 'Save Data',
  });
  if (!target) return;
  const bytes = m.kind === 'png' ? Buffer.from(m.data.slice(PNG_PREFIX.length), 'base64') : Buffer.from(m.data, 'utf8');
  await vscode.workspace.fs.writeFile(target, bytes);
  void notify('info', `Labbook: saved ${vscode.workspace.asRelativePath(target)}.`);
}
