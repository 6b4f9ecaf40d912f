import * as path from 'path';
import * as vscode from 'vscode';
import type { SqlJsStatic } from 'sql.js';
import type { Problems } from '../core/problems';
import { setLabbookAlias, MODELS_DIR } from '../core/models/labbookRegistry';
import { aliasError } from '../core/models/model';
import { containedRealPath } from '../core/safePath';
import { notify } from '../notifications';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import { trustedOrExplain } from '../workspaceTrust';
import { ModelsTree, type ModelNode } from './modelsTree';
import { COMMANDS } from '../commands/ids';

export const MODELS_VIEW = 'labbook.models';

/** A version named without the tree (palette, tests): `{ model, version, alias? }`. */
interface VersionRef {
  readonly model: string;
  readonly version: number;
  readonly alias?: string;
}

type VersionNode = Extract<ModelNode, { kind: 'version' }>;

function isVersionRef(arg: unknown): arg is VersionRef {
  const r = arg as VersionRef | undefined;
  return !!r && typeof r === 'object' && typeof r.model === 'string' && typeof r.version === 'number';
}

/** The Models view (models → versions) and its commands: set or move an alias, open the run, reveal the artifact. */
export function registerModelsView(context: vscode.ExtensionContext, indexes: WorkspaceIndexes, SQL: SqlJsStatic, problems: Problems): ModelsTree {
  const tree = new ModelsTree(indexes, SQL, problems);
  const view = vscode.window.createTreeView<ModelNode>(MODELS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, view);

  let timer: NodeJS.Timeout | undefined;
  const soon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tree.reload(), 300);
  };
  context.subscriptions.push({ dispose: () => timer && clearTimeout(timer) });
  // Registry files change (the SDK registers, an alias moves); runs appear in the index (a version's run becomes openable).
  const watchers = new Map<string, vscode.Disposable>();
  const watch = () => {
    for (const index of indexes.all()) {
      const key = `${index.folder.uri.toString()}|${index.logRoot}`;
      if (watchers.has(key)) continue;
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(index.folder, `${index.logRoot}/${MODELS_DIR}/**`));
      w.onDidCreate(soon);
      w.onDidChange(soon);
      w.onDidDelete(soon);
      watchers.set(key, w);
    }
  };
  context.subscriptions.push({ dispose: () => watchers.forEach((w) => w.dispose()) });
  context.subscriptions.push(indexes.onDidChange(() => {
    watch();
    soon();
  }));
  watch();
  void tree.reload();

  /** The version a command is about: the clicked node, a `{ model, version }` reference, the selection, else a pick. */
  const resolveVersion = async (arg: unknown, writableOnly: boolean, placeHolder: string): Promise<VersionNode | undefined> => {
    await tree.reload();
    const all = tree.getChildren().flatMap((m) => tree.getChildren(m)) as VersionNode[];
    const usable = all.filter((n) => !writableOnly || n.model.writable);
    if ((arg as ModelNode | undefined)?.kind === 'version') return arg as VersionNode;
    if (isVersionRef(arg)) {
      const found = usable.find((n) => n.model.name === arg.model && n.version.version === arg.version);
      if (!found) void notify('warning', `Labbook: no ${writableOnly ? 'Labbook ' : ''}model ${arg.model} with a version ${arg.version}.`);
      return found;
    }
    const selected = view.selection[0];
    if (selected?.kind === 'version' && usable.includes(selected as VersionNode)) return selected as VersionNode;
    if (usable.length === 0) {
      void notify('info', writableOnly ? 'Labbook: no Labbook model yet. Register one with labbook.register_model(...) in Python.' : 'Labbook: no registered model in this workspace.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      usable.map((n) => ({ label: `${n.model.name} v${n.version.version}`, description: n.version.aliases.map((a) => `@${a}`).join(' '), node: n })),
      { placeHolder },
    );
    return picked?.node;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.refreshModels, () => tree.reload(true)),
    vscode.commands.registerCommand(COMMANDS.openModelRegistryDocs, () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'docs', 'model-registry.md')),
    ),
    vscode.commands.registerCommand(COMMANDS.setModelAlias, async (arg?: unknown) => {
      if (!trustedOrExplain('Setting a model alias')) return;
      const node = await resolveVersion(arg, true, 'Point an alias at which model version?');
      if (!node) return;
      let alias = isVersionRef(arg) ? arg.alias : undefined;
      if (alias === undefined) {
        const NEW = 'New alias…';
        const existing = Object.entries(node.model.aliases).map(([a, v]) => ({ label: a, description: v === node.version.version ? 'already here' : `now on v${v}: move it here` }));
        const choice = await vscode.window.showQuickPick([...existing, { label: NEW, description: '' }], { placeHolder: `Alias for ${node.model.name} v${node.version.version}` });
        if (!choice) return;
        alias = choice.label === NEW
          ? await vscode.window.showInputBox({ prompt: `New alias for ${node.model.name} v${node.version.version}`, placeHolder: 'champion', validateInput: (v) => aliasError(v.trim()) })
          : choice.label;
        if (!alias) return;
        alias = alias.trim();
      }
      const root = node.index.folder.uri.fsPath;
      const from = node.model.aliases[alias];
      try {
        await setLabbookAlias(root, node.model, alias, node.version.version);
      } catch (e) {
        void notify('error', `Labbook: could not set @${alias} on ${node.model.name} v${node.version.version}: ${(e as Error).message}`);
        return;
      }
      await tree.reload();
      const moved = from !== undefined && from !== node.version.version ? ` (moved from v${from})` : '';
      void notify('info', `Labbook: @${alias} now points at ${node.model.name} v${node.version.version}${moved}.`);
    }),
    vscode.commands.registerCommand(COMMANDS.openModelRun, async (arg?: unknown) => {
      const node = await resolveVersion(arg, false, 'Open the run of which model version?');
      if (!node) return;
      const uid = node.version.runUid;
      if (!uid || !node.index.run(uid)) {
        void notify('warning', `Labbook: the run of ${node.model.name} v${node.version.version} (${node.version.runId ?? 'unknown'}) is not in this workspace.`);
        return;
      }
      await vscode.commands.executeCommand(COMMANDS.openRun, uid);
    }),
    vscode.commands.registerCommand(COMMANDS.revealModelArtifact, async (arg?: unknown) => {
      const node = await resolveVersion(arg, false, 'Reveal the file of which model version?');
      if (!node) return;
      const root = node.index.folder.uri.fsPath;
      const rel = node.version.path;
      try {
        if (!rel) throw new Error(`its artifact (${node.version.artifact ?? 'unknown'}) is not a file in this workspace`);
        await containedRealPath(root, path.join(root, ...rel.split('/')));
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${rel} is gone` : (e as Error).message;
        void notify('warning', `Labbook: cannot reveal the file of ${node.model.name} v${node.version.version}: ${why}.`);
        return;
      }
      await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.joinPath(node.index.folder.uri, ...rel.split('/')));
    }),
  );
  return tree;
}
