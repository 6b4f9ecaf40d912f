/**
 * A run's artifacts as a file tree (folders first, names in natural order: `step_2` before
 * `step_10`, sizes summed up the tree), and what kind of inline preview each file gets. Pure.
 */
import { naturalCompare } from './metricLayout';

export interface ArtifactFacts {
  /** As the index keeps it (what the host is asked for). */
  readonly path: string;
  /** Shown name, `/`-separated. */
  readonly name: string;
  readonly size: number | null;
}

export interface TreeFile { readonly kind: 'file'; readonly label: string; readonly artifact: ArtifactFacts }
export interface TreeFolder { readonly kind: 'folder'; readonly label: string; readonly path: string; readonly children: TreeNode[]; size: number; files: number }
export type TreeNode = TreeFile | TreeFolder;

export function artifactTree(artifacts: readonly ArtifactFacts[]): TreeFolder {
  const root: TreeFolder = { kind: 'folder', label: '', path: '', children: [], size: 0, files: 0 };
  for (const a of artifacts) {
    const parts = a.name.split('/').filter((p) => p !== '');
    if (parts.length === 0) continue;
    let folder = root;
    const chain: TreeFolder[] = [root];
    for (const part of parts.slice(0, -1)) {
      let next = folder.children.find((c): c is TreeFolder => c.kind === 'folder' && c.label === part);
      if (!next) {
        next = { kind: 'folder', label: part, path: folder.path ? `${folder.path}/${part}` : part, children: [], size: 0, files: 0 };
        folder.children.push(next);
      }
      folder = next;
      chain.push(folder);
    }
    folder.children.push({ kind: 'file', label: parts[parts.length - 1], artifact: a });
    for (const f of chain) {
      f.size += a.size ?? 0;
      f.files += 1;
    }
  }
  sortTree(root);
  return root;
}

function sortTree(folder: TreeFolder): void {
  folder.children.sort((a, b) => (a.kind === b.kind ? naturalCompare(a.label, b.label) : a.kind === 'folder' ? -1 : 1));
  for (const c of folder.children) if (c.kind === 'folder') sortTree(c);
}

/** Files whose previews compare across steps: the same name with another step number (`samples/step_3.png`). */
export function sameImageAcrossSteps(name: string, all: readonly ArtifactFacts[]): ArtifactFacts[] {
  const pattern = name.replace(/\d+/g, '\u0000');
  if (!pattern.includes('\u0000')) return [];
  return all.filter((a) => a.name.replace(/\d+/g, '\u0000') === pattern).sort((a, b) => naturalCompare(a.name, b.name));
}
