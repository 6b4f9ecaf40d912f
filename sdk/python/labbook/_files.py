"""Files: copying artifacts into a run folder and hashing datasets.

Walking a folder never follows a symbolic link whose target is outside the
folder being walked (such links are skipped and reported), and never loops.
"""

import hashlib
import os
import secrets

CHUNK = 1 << 20


def clean_artifact_path(artifact_path):
    """``artifact_path`` as a relative POSIX path ('' for None); ValueError if it escapes."""
    if artifact_path is None:
        return ""
    text = os.fspath(artifact_path)
    if not isinstance(text, str):
        text = text.decode("utf-8", "surrogateescape")
    text = text.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        raise ValueError("labbook: artifact_path must be relative, not %r" % (artifact_path,))
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ValueError("labbook: artifact_path must stay inside the run's artifacts, "
                         "not %r" % (artifact_path,))
    return "/".join(parts)


def _hash_stream(fin, out=None):
    """(size, sha256 hex) of what ``fin`` holds, copying it to ``out`` on the way when given."""
    h = hashlib.sha256()
    size = 0
    while True:
        chunk = fin.read(CHUNK)
        if not chunk:
            break
        h.update(chunk)
        if out is not None:
            out.write(chunk)
        size += len(chunk)
    return size, h.hexdigest()


def hash_file(path):
    """(size, sha256 hex) of a file's content."""
    with open(path, "rb") as f:
        return _hash_stream(f)


def _replace_atomically(dst, fill):
    """Write ``dst`` through a temporary file that ``fill(file, tmp_path)`` writes, then rename it."""
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = "%s.tmp-%s" % (dst, secrets.token_hex(4))
    try:
        with open(tmp, "wb") as f:
            result = fill(f, tmp)
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return result


def copy_file(src, dst):
    """Copy ``src`` to ``dst`` (atomically replaced), hashing on the way: (size, sha256)."""
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        if os.path.samefile(src, dst):
            return hash_file(src)
    except OSError:
        pass

    def fill(fout, tmp):
        with open(src, "rb") as fin:
            result = _hash_stream(fin, fout)
        try:
            os.chmod(tmp, os.stat(src).st_mode & 0o777)
        except OSError:
            pass
        return result
    return _replace_atomically(dst, fill)


def write_bytes(dst, data):
    """Write ``data`` to ``dst`` (atomically replaced): (size, sha256)."""
    def fill(f, tmp):
        f.write(data)
        return len(data), hashlib.sha256(data).hexdigest()
    return _replace_atomically(dst, fill)


def _inside(real, real_root):
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def walk_tree(root):
    """Regular files below ``root``: a list of (relative POSIX path, absolute path) in
    byte order of the relative path, and a list of skipped relative paths (links that
    leave the tree, special files, loops).

    Symbolic links are followed only when their target is inside ``root``.
    """
    real_root = os.path.realpath(root)
    files = []
    skipped = []
    visited = {real_root}
    stack = [("", root)]
    while stack:
        rel_dir, abs_dir = stack.pop()
        try:
            entries = list(os.scandir(abs_dir))
        except OSError:
            skipped.append(rel_dir or ".")
            continue
        for entry in entries:
            rel = rel_dir + "/" + entry.name if rel_dir else entry.name
            path = entry.path
            try:
                if entry.is_symlink():
                    real = os.path.realpath(path)
                    if not _inside(real, real_root) or not os.path.exists(real):
                        skipped.append(rel)
                        continue
                    if os.path.isdir(real):
                        if real in visited:
                            skipped.append(rel)
                            continue
                        visited.add(real)
                        stack.append((rel, path))
                    elif os.path.isfile(real):
                        files.append((rel, path))
                    else:
                        skipped.append(rel)
                elif entry.is_dir(follow_symlinks=False):
                    real = os.path.realpath(path)
                    if real in visited:
                        skipped.append(rel)
                        continue
                    visited.add(real)
                    stack.append((rel, path))
                elif entry.is_file(follow_symlinks=False):
                    files.append((rel, path))
                else:
                    skipped.append(rel)
            except OSError:
                skipped.append(rel)
    files.sort(key=lambda f: f[0].encode("utf-8", "surrogateescape"))
    return files, skipped


def hash_tree(root):
    """(total size, sha256, skipped) of a folder.

    The sha256 is that of the lines ``<relative path>,<size>,<sha256 hex>\\n`` of its
    files, sorted by the UTF-8 bytes of the relative path (``/`` separators).
    """
    files, skipped = walk_tree(root)
    h = hashlib.sha256()
    total = 0
    for rel, path in files:
        size, digest = hash_file(path)
        total += size
        h.update(("%s,%d,%s\n" % (rel, size, digest)).encode("utf-8", "surrogateescape"))
    return total, h.hexdigest(), skipped
