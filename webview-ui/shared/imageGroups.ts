/**
 * Which of a run's artifacts are images, grouped into series by step as TensorBoard, W&B and
 * Labbook users expect (`images/samples/step_12.png`, `media/images/samples_12_3f2a9c.png`,
 * `preds/12.png`, `confusion_12.png`). Pure, in the webview: it shows the groups, the unit tests check them.
 */

export interface ImageEntry {
  /** The artifact's path as the index keeps it (what `getImage` / `openArtifact` take). */
  readonly path: string;
  readonly name: string;
  /** The step the image belongs to, when its name says. */
  readonly step: number | null;
  readonly caption?: string;
}

export interface ImageGroup {
  /** What the images show (a tag); the artifact name for a lone image. */
  readonly key: string;
  /** In step order. */
  readonly entries: ImageEntry[];
}

const IMAGE_NAME = /\.(png|jpe?g|gif|webp|bmp)$/i;

export function isImageName(name: string): boolean {
  return IMAGE_NAME.test(name);
}

/** Patterns that name a tag and a step, most specific first. `generic` ones only count when they group several images. */
const PATTERNS: ReadonlyArray<{ re: RegExp; generic: boolean }> = [
  // Labbook's TensorBoard images: images/<tag>/step_<n>[_<i>].<ext>
  { re: /^(?:images\/)?(.+)\/step_(\d+)(?:_(\d+))?\.[a-z]+$/i, generic: false },
  // W&B media: media/images/<key>_<step>_<hash>.<ext>
  { re: /^(?:.*\/)?media\/images\/(.+?)_(\d+)_[0-9a-f]{6,}\.[a-z]+$/i, generic: false },
  // <tag>/<step>.<ext>
  { re: /^(.+)\/(\d+)\.[a-z]+$/i, generic: true },
  // <tag>_<step>.<ext>, <tag>-<step>.<ext>
  { re: /^(.+?)[_-](\d+)\.[a-z]+$/i, generic: true },
];

export function imageGroups(artifacts: ReadonlyArray<{ readonly path: string; readonly name: string; readonly caption?: string }>): ImageGroup[] {
  const groups = new Map<string, { generic: boolean; entries: ImageEntry[] }>();
  for (const a of artifacts) {
    if (!isImageName(a.name)) continue;
    let key = a.name;
    let step: number | null = null;
    let generic = false;
    for (const p of PATTERNS) {
      const m = p.re.exec(a.name);
      if (!m) continue;
      key = m[3] !== undefined ? `${m[1]} #${m[3]}` : m[1];
      step = Number(m[2]);
      generic = p.generic;
      break;
    }
    const id = `${generic ? 'g' : 's'}:${key}`;
    const g = groups.get(id) ?? { generic, entries: [] };
    g.entries.push({ path: a.path, name: a.name, step, ...(a.caption ? { caption: a.caption } : {}) });
    groups.set(id, g);
  }
  const out: ImageGroup[] = [];
  for (const [id, g] of groups) {
    if (g.generic && g.entries.length === 1) {
      // One `resnet-50.png` is not a series: show it under its own name.
      const e = g.entries[0];
      out.push({ key: e.name, entries: [{ ...e, step: null }] });
    } else {
      out.push({ key: id.slice(2), entries: g.entries.sort((a, b) => (a.step ?? -1) - (b.step ?? -1) || a.name.localeCompare(b.name)) });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}
