// A run's files: artifacts copied into `<run>/artifacts/`, images by key and step, files saved
// straight into the outputs folder, and datasets the run used (with size and sha256).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { EventLog } from './eventLog';
import { cleanArtifactPath, copyFile, hashFile, hashTree, inside, realpath, walkTree } from './files';
import { type RawImage, imageBytes } from './images';
import type { DatasetOptions, DatasetRecord } from './options';
import { KeySteps } from './runState';
import { checkStep, now, warn } from './values';

export class RunFiles {
  private readonly imageSteps = new Map<string, KeySteps>();

  constructor(
    private readonly folder: string,
    private readonly log: EventLog,
    /** Artifact names the run has (a resumed run starts with those of its log). */
    private readonly artifactNames = new Set<string>(),
  ) {}

  /** The run's `artifacts/` folder (created). Files saved there are recorded when the run finishes. */
  outputsPath(): string {
    const p = path.join(this.folder, 'artifacts');
    fs.mkdirSync(p, { recursive: true });
    return p;
  }

  copyArtifact(src: string, name: string): string {
    const dest = path.join(this.folder, 'artifacts', ...name.split('/'));
    const { size, sha256 } = copyFile(src, dest);
    this.log.record({ t: 'artifact', path: 'artifacts/' + name, name, size, sha256, time: now() });
    this.artifactNames.add(name);
    return name;
  }

  /**
   * Logs an image under `key` at a step (the key's next step by default; a second image for a key
   * and step is dropped with a warning), stored as `artifacts/images/<key>/step_<step>.<ext>`.
   * `image`: a path to an image file, its bytes, or raw pixels `{ width, height, channels, data }`.
   * Returns the artifact name, or undefined when dropped.
   */
  logImage(key: string, image: string | Uint8Array | RawImage, step?: number, caption?: string): string | undefined {
    const keyPath = cleanArtifactPath(key);
    if (!keyPath) throw new RangeError('labbook.logImage: the key must not be empty');
    if (step !== undefined) checkStep(step);
    const { data, ext } = imageBytes(image);
    let ks = this.imageSteps.get(keyPath);
    if (!ks) {
      const prefix = `images/${keyPath}/step_`;
      const known = [...this.artifactNames].filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length).split('.')[0]).filter((h) => /^\d+$/.test(h)).map(Number).sort((a, b) => a - b);
      ks = new KeySteps([...new Set(known)]);
      this.imageSteps.set(keyPath, ks);
    }
    const s = step ?? ks.last + 1;
    if (ks.has(s)) {
      warn(`labbook.logImage: ${JSON.stringify(keyPath)} already has an image at step ${s}; the new one is ignored`);
      return undefined;
    }
    ks.add(s);
    const name = `images/${keyPath}/step_${s}.${ext}`;
    const dest = path.join(this.folder, 'artifacts', ...name.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, dest);
    const rec: Record<string, unknown> = { t: 'artifact', path: 'artifacts/' + name, name, size: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), time: now(), step: s };
    if (caption !== undefined) rec.caption = String(caption);
    this.log.record(rec);
    this.artifactNames.add(name);
    return name;
  }

  /** Copies a file into `<run>/artifacts/[artifactPath/]<file name>`; returns its artifact name. */
  logArtifact(file: string, artifactPath?: string): string;
  logArtifact(folder: string, artifactPath?: string): string | string[];
  logArtifact(file: string, artifactPath?: string): string | string[] {
    const prefix = cleanArtifactPath(artifactPath);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new Error(`labbook.logArtifact: no such file: ${JSON.stringify(file)}`);
    }
    const base = path.basename(path.resolve(file));
    if (st.isDirectory()) return this.logArtifacts(file, prefix ? `${prefix}/${base}` : base);
    if (!st.isFile()) throw new Error(`labbook.logArtifact: not a regular file: ${JSON.stringify(file)}`);
    return this.copyArtifact(file, prefix ? `${prefix}/${base}` : base);
  }

  /** Copies every file below `folder` into `<run>/artifacts/[artifactPath/]`; links out of the folder are skipped. */
  logArtifacts(folder: string, artifactPath?: string): string[] {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(folder);
    } catch {
      st = undefined;
    }
    if (!st?.isDirectory()) throw new Error(`labbook.logArtifacts: not a folder: ${JSON.stringify(folder)}`);
    const prefix = cleanArtifactPath(artifactPath);
    const { files, skipped } = walkTree(folder);
    const runReal = realpath(this.folder);
    const srcInRun = inside(realpath(folder), runReal);
    const names: string[] = [];
    for (const [rel, abs] of files) {
      if (!srcInRun && inside(realpath(abs), runReal)) continue; // never copy the run into itself
      names.push(this.copyArtifact(abs, prefix ? `${prefix}/${rel}` : rel));
    }
    if (skipped.length) warn(`labbook.logArtifacts: skipped ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} that ${skipped.length === 1 ? 'is' : 'are'} not a regular file inside ${JSON.stringify(folder)} (links out of the folder are not followed): ${skipped.slice(0, 10).join(', ')}`);
    return names;
  }

  recordOutputs(): void {
    const root = path.join(this.folder, 'artifacts');
    if (!fs.existsSync(root)) return;
    for (const [rel, abs] of walkTree(root).files) {
      if (this.artifactNames.has(rel) || path.basename(rel).includes('.tmp-')) continue;
      const { size, sha256 } = hashFile(abs);
      this.log.record({ t: 'artifact', path: 'artifacts/' + rel, name: rel, size, sha256, time: now() }, false);
      this.artifactNames.add(rel);
    }
  }

  /** Records data the run used: a local file or folder (size and sha256) or a remote URI. */
  logDataset(name: string, options: DatasetOptions = {}): DatasetRecord {
    if (name === undefined || name === null || String(name) === '') throw new RangeError('labbook.logDataset: a name is required');
    const rec: Record<string, unknown> = { t: 'dataset', name: String(name) };
    let local = options.path;
    let uri = options.uri;
    if (local !== undefined && local.includes('://') && !fs.existsSync(local)) {
      uri = uri ?? local;
      local = undefined;
    }
    if (local !== undefined) {
      let st: fs.Stats;
      try {
        st = fs.statSync(local);
      } catch {
        throw new Error(`labbook.logDataset: no such file or folder: ${JSON.stringify(local)}`);
      }
      let size: number;
      let sha256: string;
      if (st.isDirectory()) {
        const h = hashTree(local);
        ({ size, sha256 } = h);
        if (h.skipped.length) warn(`labbook.logDataset: ${h.skipped.length} entries of ${JSON.stringify(local)} are not hashed (links out of the folder, special files)`);
      } else ({ size, sha256 } = hashFile(local));
      rec.path = local;
      rec.size = size;
      rec.sha256 = sha256;
    }
    if (uri !== undefined) rec.uri = String(uri);
    if (local === undefined && uri === undefined) throw new RangeError('labbook.logDataset: give a local path or a remote uri');
    if (options.description !== undefined) rec.description = String(options.description);
    if (options.context !== undefined) rec.context = String(options.context);
    rec.time = now();
    this.log.record(rec);
    return rec as unknown as DatasetRecord;
  }
}
