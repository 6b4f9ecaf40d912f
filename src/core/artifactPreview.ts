/**
 * What the run page shows of an artifact inline, read on the host (the webview reads no files):
 * the start of a text, a table or a Markdown file; JSON and YAML parsed into a value; an image,
 * SVG, audio or video file as a data: URL (shown by `<img>`, `<audio>`, `<video>`, where no script
 * runs); a PDF as its bytes, up to a size limit, for the page's PDF.js to draw (nothing of it is
 * parsed here); anything else as its size and SHA-256. Every read goes through the run's fence (no `..`,
 * no absolute path, no link out of the run folder or workspace) and is bounded in size.
 */
import { createHash } from 'crypto';
import { type ArtifactOwner, locateArtifact, openArtifactFile, readArtifactImage } from './artifacts';
import { parseYaml } from './codecs/yaml';

export type PreviewKind = 'image' | 'svg' | 'text' | 'csv' | 'tsv' | 'json' | 'yaml' | 'markdown' | 'audio' | 'video' | 'pdf' | 'binary';

const KINDS: ReadonlyArray<[RegExp, PreviewKind]> = [
  [/\.(png|jpe?g|gif|webp|bmp)$/i, 'image'],
  [/\.svg$/i, 'svg'],
  [/\.csv$/i, 'csv'],
  [/\.tsv$/i, 'tsv'],
  [/\.(json|jsonl|ndjson|ipynb)$/i, 'json'],
  [/\.ya?ml$/i, 'yaml'],
  [/\.(md|markdown)$/i, 'markdown'],
  [/\.(wav|mp3|ogg|oga|flac|m4a|aac)$/i, 'audio'],
  [/\.(mp4|webm|ogv|mov)$/i, 'video'],
  [/\.pdf$/i, 'pdf'],
  // Shown as text, never run or rendered: HTML and scripts are source code here.
  [/\.(txt|log|out|err|py|sh|cfg|ini|toml|conf|html?|xml|js|ts|diff|patch|rst|tex|c|cpp|h|java|go|rs|r|jl|sql|env|properties|gitignore)$/i, 'text'],
];

/** How a file is previewed, from its name (the host checks the bytes before showing an image). */
export function previewKind(name: string): PreviewKind {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (/^(readme|license|makefile|dockerfile|requirements)$/i.test(base)) return 'text';
  return KINDS.find(([re]) => re.test(base))?.[1] ?? 'binary';
}


export const PREVIEW_LIMITS = {
  /** Text, logs and Markdown: the first 256 KB. */
  text: 256 * 1024,
  /** CSV/TSV, JSON and YAML: the first 2 MB (tables show their first rows). */
  structured: 2 * 1024 * 1024,
  /** Audio, video and SVG shown inline up to this size; bigger ones are opened in an editor. */
  media: 16 * 1024 * 1024,
  /** PDFs sent to the page's viewer up to this size unless `labbook.pdfPreviewMaxMB` says otherwise. */
  pdf: 50 * 1024 * 1024,
  /** How far into a PDF its `%PDF-` header may start (as PDF.js and other readers accept). */
  pdfHeaderWindow: 1024,
  /** Files hashed for the binary card up to this size. */
  hash: 512 * 1024 * 1024,
} as const;

export type ArtifactPreview =
  | { readonly kind: 'text' | 'csv' | 'tsv' | 'markdown'; readonly size: number; readonly text: string; readonly truncated: boolean }
  | { readonly kind: 'json' | 'yaml'; readonly size: number; readonly value?: unknown; readonly text: string; readonly truncated: boolean; readonly error?: string }
  | { readonly kind: 'image' | 'svg' | 'audio' | 'video'; readonly size: number; readonly dataUrl: string }
  | { readonly kind: 'pdf'; readonly size: number; readonly data: Uint8Array }
  | { readonly kind: 'binary'; readonly size: number; readonly sha256: string | null };

/** How an artifact is read for its preview. */
export interface PreviewOptions {
  /** Largest PDF sent to the page, in bytes (PREVIEW_LIMITS.pdf by default). */
  readonly pdfMaxBytes?: number;
}

const MEDIA_MIME: Record<string, string> = {
  wav: 'audio/wav', mp3: 'audio/mpeg', ogg: 'audio/ogg', oga: 'audio/ogg', flac: 'audio/flac', m4a: 'audio/mp4', aac: 'audio/aac',
  mp4: 'video/mp4', webm: 'video/webm', ogv: 'video/ogg', mov: 'video/quicktime',
};

function extension(name: string): string {
  const m = /\.([a-z0-9]+)$/i.exec(name);
  return m ? m[1].toLowerCase() : '';
}

async function readStart(handle: import('fs/promises').FileHandle, size: number, limit: number): Promise<Buffer> {
  const n = Math.min(size, limit);
  const buf = Buffer.alloc(n);
  let off = 0;
  while (off < n) {
    const { bytesRead } = await handle.read(buf, off, n - off, off);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  return buf.subarray(0, off);
}

async function sha256Of(handle: import('fs/promises').FileHandle, size: number): Promise<string | null> {
  if (size > PREVIEW_LIMITS.hash) return null;
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let pos = 0; ; ) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) break;
    hash.update(chunk.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return hash.digest('hex');
}

/**
 * A PDF's bytes for the page's viewer, once it is known to be small enough and to start like a PDF
 * (`%PDF-` within its first KB). Its content is not looked at here: the page draws it with PDF.js,
 * scripts off. The bytes get a buffer of their own (sent to the page as a transferable array).
 */
async function readPdf(handle: import('fs/promises').FileHandle, size: number, maxBytes: number): Promise<Uint8Array> {
  if (size > maxBytes) throw new Error(`${mb(size)} MB is over the ${mb(maxBytes)} MB limit for PDFs shown here (the labbook.pdfPreviewMaxMB setting); open it in the system viewer instead`);
  if (size === 0) throw new Error('the file is empty, not a PDF');
  const head = await readStart(handle, size, PREVIEW_LIMITS.pdfHeaderWindow);
  if (!head.includes('%PDF-', 0, 'latin1')) throw new Error('not a PDF file (no %PDF- header at its start)');
  const data = new Uint8Array(size);
  let off = 0;
  while (off < size) {
    const { bytesRead } = await handle.read(data, off, size - off, off);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  return off === size ? data : data.slice(0, off);
}

/** Megabytes as a user reads them: `50`, `1.2`, `60.4`. */
function mb(bytes: number): string {
  const v = bytes / 1048576;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** JSON, or JSON Lines (one value a line, shown as a list), parsed; the error says where it broke. */
function parseJson(text: string, jsonLines: boolean): { value?: unknown; error?: string } {
  try {
    if (!jsonLines) return { value: JSON.parse(text) };
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    return { value: lines.map((l) => JSON.parse(l)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * The preview of artifact `artifactPath` of `run`, as `kind` (told from its name by the page).
 * Throws with a message a user reads when the artifact cannot be read or leaves its fence.
 */
export async function readArtifactPreview(workspaceRoot: string, run: ArtifactOwner, artifactPath: string, kind: PreviewKind, options: PreviewOptions = {}): Promise<ArtifactPreview> {
  const where = locateArtifact(workspaceRoot, run, artifactPath);
  if (!where) throw new Error('the path leaves the run folder');
  if (kind === 'image' || where.kind === 'embedded') {
    const { mime, bytes } = await readArtifactImage(workspaceRoot, run, artifactPath);
    return { kind: 'image', size: bytes.length, dataUrl: `data:${mime};base64,${bytes.toString('base64')}` };
  }
  const handle = await openArtifactFile(workspaceRoot, run, where);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error('not a file');
    const size = st.size;
    switch (kind) {
      case 'text':
      case 'markdown':
      case 'csv':
      case 'tsv': {
        const limit = kind === 'csv' || kind === 'tsv' ? PREVIEW_LIMITS.structured : PREVIEW_LIMITS.text;
        const bytes = await readStart(handle, size, limit);
        return { kind, size, text: bytes.toString('utf8'), truncated: size > bytes.length };
      }
      case 'json':
      case 'yaml': {
        const bytes = await readStart(handle, size, PREVIEW_LIMITS.structured);
        const text = bytes.toString('utf8');
        const truncated = size > bytes.length;
        if (truncated) return { kind, size, text, truncated, error: `only the first ${PREVIEW_LIMITS.structured / 1048576} MB are shown, as text` };
        if (kind === 'json') return { kind, size, text, truncated, ...parseJson(text, /\.(jsonl|ndjson)$/i.test(artifactPath)) };
        try {
          return { kind, size, text, truncated, value: parseYaml(text) };
        } catch (e) {
          return { kind, size, text, truncated, error: (e as Error).message };
        }
      }
      case 'svg':
      case 'audio':
      case 'video': {
        if (size > PREVIEW_LIMITS.media) throw new Error(`${(size / 1048576).toFixed(1)} MB is too big to show here; open it instead`);
        const bytes = await readStart(handle, size, PREVIEW_LIMITS.media);
        if (kind === 'svg') {
          if (!/<svg[\s>]/i.test(bytes.subarray(0, 4096).toString('utf8'))) throw new Error('not an SVG image');
          return { kind, size, dataUrl: `data:image/svg+xml;base64,${bytes.toString('base64')}` };
        }
        const mime = MEDIA_MIME[extension(artifactPath)];
        if (!mime) throw new Error('not an audio or video file this page plays');
        return { kind, size, dataUrl: `data:${mime};base64,${bytes.toString('base64')}` };
      }
      case 'pdf':
        return { kind, size, data: await readPdf(handle, size, options.pdfMaxBytes ?? PREVIEW_LIMITS.pdf) };
      default:
        return { kind: 'binary', size, sha256: await sha256Of(handle, size) };
    }
  } finally {
    await handle.close();
  }
}
