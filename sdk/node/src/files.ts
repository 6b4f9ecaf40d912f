// Files: artifact paths, hashing and copying files and folders (links followed only inside).
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';

export function cleanArtifactPath(artifactPath: string | undefined | null): string {
  if (artifactPath === undefined || artifactPath === null) return '';
  const text = String(artifactPath).split('\\').join('/');
  if (text.startsWith('/') || (text.length > 1 && text[1] === ':')) throw new RangeError(`labbook: artifactPath must be relative, not ${JSON.stringify(artifactPath)}`);
  const parts = text.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new RangeError(`labbook: artifactPath must stay inside the run's artifacts, not ${JSON.stringify(artifactPath)}`);
  return parts.join('/');
}

const CHUNK = 1 << 20;

export function hashFile(file: string): { size: number; sha256: string } {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { size, sha256: h.digest('hex') };
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** Copies `src` to `dst` (atomically replaced), hashing on the way. */
export function copyFile(src: string, dst: string): { size: number; sha256: string } {
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  if (sameFile(src, dst)) return hashFile(src);
  const tmp = `${dst}.tmp-${crypto.randomBytes(4).toString('hex')}`;
  const h = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  const fin = fs.openSync(src, 'r');
  let fout: number | undefined;
  try {
    fout = fs.openSync(tmp, 'w', fs.statSync(src).mode & 0o777);
    for (;;) {
      const n = fs.readSync(fin, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      let off = 0;
      while (off < n) off += fs.writeSync(fout, buf, off, n - off);
      size += n;
    }
    fs.closeSync(fout);
    fout = undefined;
    fs.renameSync(tmp, dst);
  } catch (e) {
    if (fout !== undefined) fs.closeSync(fout);
    fs.rmSync(tmp, { force: true });
    throw e;
  } finally {
    fs.closeSync(fin);
  }
  return { size, sha256: h.digest('hex') };
}

export function inside(real: string, realRoot: string): boolean {
  const root = realRoot.endsWith(path.sep) ? realRoot.slice(0, -1) : realRoot;
  return real === root || real.startsWith(root + path.sep);
}

export function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Regular files below `root` as [relative POSIX path, absolute path], in byte order of the relative
 * path, plus what was skipped. Symbolic links are followed only when they point inside `root`.
 */
export function walkTree(root: string): { files: Array<[string, string]>; skipped: string[] } {
  const realRoot = realpath(root);
  const files: Array<[string, string]> = [];
  const skipped: string[] = [];
  const visited = new Set([realRoot]);
  const stack: Array<[string, string]> = [['', root]];
  while (stack.length) {
    const [relDir, absDir] = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch {
      skipped.push(relDir || '.');
      continue;
    }
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const abs = path.join(absDir, entry.name);
      try {
        if (entry.isSymbolicLink()) {
          const real = realpath(abs);
          if (!inside(real, realRoot) || !fs.existsSync(real)) {
            skipped.push(rel);
            continue;
          }
          const st = fs.statSync(real);
          if (st.isDirectory()) {
            if (visited.has(real)) {
              skipped.push(rel);
              continue;
            }
            visited.add(real);
            stack.push([rel, abs]);
          } else if (st.isFile()) files.push([rel, abs]);
          else skipped.push(rel);
        } else if (entry.isDirectory()) {
          const real = realpath(abs);
          if (visited.has(real)) {
            skipped.push(rel);
            continue;
          }
          visited.add(real);
          stack.push([rel, abs]);
        } else if (entry.isFile()) files.push([rel, abs]);
        else skipped.push(rel);
      } catch {
        skipped.push(rel);
      }
    }
  }
  files.sort((a, b) => Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8')));
  return { files, skipped };
}

/** Size and sha256 of a folder: sha256 of the lines `<relative path>,<size>,<sha256>\n`, sorted by path bytes. */
export function hashTree(root: string): { size: number; sha256: string; skipped: string[] } {
  const { files, skipped } = walkTree(root);
  const h = crypto.createHash('sha256');
  let total = 0;
  for (const [rel, abs] of files) {
    const { size, sha256 } = hashFile(abs);
    total += size;
    h.update(`${rel},${size},${sha256}\n`, 'utf8');
  }
  return { size: total, sha256: h.digest('hex'), skipped };
}
