import type * as vscode from 'vscode';
import type { Problems } from '../core/problems';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { RunsModel } from '../runsModel';
import type { ExperimentsTree, TreeNode } from '../tree/experimentsTree';
import type { RunPanels } from '../panels/runPanels';
import type { ComparePanels } from '../panels/comparePanel';

/** What the command handlers work with. */
export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly indexes: WorkspaceIndexes;
  /** The runs of the workspace with their effective status (quick picks list them). */
  readonly runs: RunsModel;
  readonly tree: ExperimentsTree;
  readonly problems: Problems;
  readonly output: vscode.OutputChannel;
  /** The Experiments view (its selection is what Compare Runs compares when run from the palette). */
  readonly view?: vscode.TreeView<TreeNode>;
  readonly runPanels: RunPanels;
  readonly comparePanels: ComparePanels;
}
