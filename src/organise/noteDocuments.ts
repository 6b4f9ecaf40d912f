import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { IndexService } from '../indexService';
import type { ExperimentsTree } from '../tree/experimentsTree';
import type { ExperimentCatalog } from './experimentCatalog';
import { editRun } from '../runEdits';
import { notify } from '../notifications';
import { trustedOrExplain } from '../workspaceTrust';
import { isNoteFolder, NOTE_SCHEME, noteFromBytes, notePath, parseNotePath, type NoteTarget } from '../core/organise/noteDocs';
import { experimentTarget, runTargets } from './runTargets';

/**
 * Notes of runs and experiments as Markdown documents: "Edit Note" opens the note in an editor
 * tab (a `labbook-note:` document, with Markdown preview and everything an editor has); saving it
 * writes the note where it lives, a run's edits file or its experiment's file, and the index and
 * tree follow. The document is a view of the file, never a second copy.
 */
class NoteFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly indexes: WorkspaceIndexes, private readonly catalog: ExperimentCatalog, private readonly tree: ExperimentsTree) {}

  private resolve(uri: vscode.Uri): { target: NoteTarget; index: IndexService } {
    const target = parseNotePath(uri.path);
    const index = target && this.indexes.all().find((i) => i.folder.index === target.folder);
    if (!target || !index) throw vscode.FileSystemError.FileNotFound(uri);
    return { target, index };
  }

  private async current(uri: vscode.Uri): Promise<string> {
    const { target, index } = this.resolve(uri);
    if (target.kind === 'run') {
      const run = await index.reads.getRun(target.id);
      if (!run) throw vscode.FileSystemError.FileNotFound(uri);
      return run.note;
    }
    return this.catalog.of(index).get(target.id)?.note ?? '';
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  /** The note text each document last saw and when it changed: the editor tells a note changed elsewhere by its time. */
  private readonly seen = new Map<string, { text: string; mtime: number }>();

  private version(uri: vscode.Uri, text: string): { text: string; mtime: number } {
    const key = uri.toString();
    let v = this.seen.get(key);
    if (!v || v.text !== text) this.seen.set(key, (v = { text, mtime: Math.max(Date.now(), (v?.mtime ?? 0) + 1) }));
    return v;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    if (isNoteFolder(uri.path)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const v = this.version(uri, await this.current(uri));
    return { type: vscode.FileType.File, ctime: 0, mtime: v.mtime, size: Buffer.byteLength(v.text, 'utf8') };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return Buffer.from(await this.current(uri), 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    if (!vscode.workspace.isTrusted) throw vscode.FileSystemError.NoPermissions('Restricted Mode: Labbook changes no files until the folder is trusted');
    const { target, index } = this.resolve(uri);
    const note = noteFromBytes(content);
    if ('problem' in note) throw vscode.FileSystemError.NoPermissions(`The note was not saved: ${note.problem}`);
    if (target.kind === 'run') {
      await editRun(index, target.id, { t: 'note', text: note.text });
      await index.refresh();
    } else await this.catalog.change(index, target.id, { note: note.text });
    this.tree.reload();
    this.version(uri, note.text);
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

/** The `labbook-note:` documents and the commands that open them (a run's or an experiment's note). */
export function registerNoteDocuments(indexes: WorkspaceIndexes, catalog: ExperimentCatalog, tree: ExperimentsTree, view?: vscode.TreeView<unknown>): vscode.Disposable[] {
  const fs = new NoteFileSystem(indexes, catalog, tree);
  const open = async (target: NoteTarget, label: string) => {
    const uri = vscode.Uri.from({ scheme: NOTE_SCHEME, path: notePath(target, label) });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: false });
  };
  return [
    vscode.workspace.registerFileSystemProvider(NOTE_SCHEME, fs, { isCaseSensitive: true }),
    vscode.commands.registerCommand(COMMANDS.editRunNoteDocument, async (arg?: unknown) => {
      if (!trustedOrExplain('Editing a note')) return;
      const [ref] = runTargets(arg, undefined, indexes, arg === undefined ? view as vscode.TreeView<never> : undefined);
      const run = ref && await ref.index.reads.getRun(ref.uid);
      if (!ref || !run) {
        void notify('info', 'Labbook: select a run to edit its note.');
        return;
      }
      await open({ folder: ref.index.folder.index, kind: 'run', id: ref.uid }, run.name);
    }),
    vscode.commands.registerCommand(COMMANDS.editExperimentNote, async (arg?: unknown, given?: unknown) => {
      if (!trustedOrExplain('Editing a note')) return;
      const target = experimentTarget(arg, tree, indexes);
      if (!target) return;
      try {
        // Scripts and tests pass the text: written at once.
        if (typeof given === 'string') {
          await catalog.change(target.index, target.name, { note: given });
          tree.reload();
        } else await open({ folder: target.index.folder.index, kind: 'experiment', id: target.name }, target.name);
      } catch (e) {
        void notify('error', `Labbook: ${(e as Error).message}`);
      }
    }),
  ];
}
