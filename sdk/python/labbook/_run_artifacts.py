"""A run's files: artifacts copied into ``<run>/artifacts/``, images by key and step, the
outputs folder, and datasets the run used (with size and sha256)."""

import os
import time
import warnings

from . import _files, _image
from ._runfiles import _KeySteps
from ._values import _check_step


class _RunArtifacts(object):
    """Part of ``Run``: artifacts, images and datasets."""

    def get_outputs_path(self):
        """The run's ``artifacts/`` folder (created). Files saved there are recorded as
        artifacts when the run finishes."""
        path = os.path.join(self._path, "artifacts")
        os.makedirs(path, exist_ok=True)
        return path

    outputs_path = property(get_outputs_path)

    def _copy_artifact(self, src, name):
        dest = os.path.join(self._path, "artifacts", *name.split("/"))
        size, sha = _files.copy_file(src, dest)
        self._record({"t": "artifact", "path": "artifacts/" + name, "name": name,
                      "size": size, "sha256": sha, "time": time.time()})
        with self._lock:
            self._artifact_names.add(name)
        return name

    def log_image(self, key, image, step=None, caption=None):
        """Log an image under ``key`` at a step; returns its artifact name.

        ``image`` is a path to a PNG/JPEG/GIF/WebP/BMP file, its bytes, a PIL image, or pixels
        (numpy array, torch tensor or nested lists, H×W, H×W×C or C×H×W; floats in 0..1). It is
        stored as ``artifacts/images/<key>/step_<step>.<ext>``; the extension shows each key as a
        card with a slider through the steps. Steps follow the rules of ``log``: without ``step``
        the key's next step, and a second image for a key and step is dropped with a warning.
        """
        self._check_open("log_image()")
        key_path = _files.clean_artifact_path(key)
        if not key_path:
            raise ValueError("labbook.log_image: the key must not be empty")
        if step is not None:
            step = _check_step(step)
        data, ext = _image.image_bytes(image)
        with self._lock:
            ks = self._image_steps.get(key_path)
            if ks is None:
                ks = self._image_steps[key_path] = _KeySteps(self._image_steps_of(key_path))
            s = ks.next_step() if step is None else step
            if ks.has(s):
                warnings.warn("labbook.log_image: %r already has an image at step %d; the new one "
                              "is ignored" % (key_path, s), stacklevel=2)
                return None
            ks.add(s)
        name = "images/%s/step_%d.%s" % (key_path, s, ext)
        dest = os.path.join(self._path, "artifacts", *name.split("/"))
        size, sha = _files.write_bytes(dest, data)
        record = {"t": "artifact", "path": "artifacts/" + name, "name": name, "size": size,
                  "sha256": sha, "time": time.time(), "step": s}
        if caption is not None:
            record["caption"] = str(caption)
        self._record(record)
        with self._lock:
            self._artifact_names.add(name)
        return name

    def _image_steps_of(self, key_path):
        """Steps a key already has images at (a resumed run), from the artifact names."""
        prefix = "images/%s/step_" % key_path
        steps = set()
        for name in self._artifact_names:
            if name.startswith(prefix):
                head = name[len(prefix):].split(".", 1)[0]
                if head.isdigit():
                    steps.add(int(head))
        return sorted(steps)

    def log_artifact(self, path, artifact_path=None):
        """Copy a file into ``<run>/artifacts/[artifact_path/]<file name>``; returns its name.

        A folder is copied as ``log_artifacts`` would, under its own name.
        """
        self._check_open("log_artifact()")
        src = os.fspath(path)
        if os.path.isdir(src):
            base = os.path.basename(os.path.normpath(os.path.abspath(src)))
            prefix = _files.clean_artifact_path(artifact_path)
            return self.log_artifacts(src, prefix + "/" + base if prefix else base)
        if not os.path.isfile(src):
            raise FileNotFoundError("labbook.log_artifact: no such file: %r" % (src,))
        prefix = _files.clean_artifact_path(artifact_path)
        base = os.path.basename(src)
        return self._copy_artifact(src, prefix + "/" + base if prefix else base)

    def log_artifacts(self, local_dir, artifact_path=None):
        """Copy every file below ``local_dir`` into ``<run>/artifacts/[artifact_path/]``.

        Symbolic links are followed only when they point inside ``local_dir``.
        Returns the artifact names.
        """
        self._check_open("log_artifacts()")
        src = os.fspath(local_dir)
        if not os.path.isdir(src):
            raise NotADirectoryError("labbook.log_artifacts: not a folder: %r" % (src,))
        prefix = _files.clean_artifact_path(artifact_path)
        files, skipped = _files.walk_tree(src)
        run_real = os.path.realpath(self._path)
        src_in_run = _files._inside(os.path.realpath(src), run_real)
        names = []
        for rel, abs_path in files:
            if not src_in_run and _files._inside(os.path.realpath(abs_path), run_real):
                continue  # never copy the run's own folder into itself
            names.append(self._copy_artifact(abs_path, prefix + "/" + rel if prefix else rel))
        if skipped:
            warnings.warn("labbook.log_artifacts: skipped %d entr%s that %s not a regular file "
                          "inside %r (links out of the folder are not followed): %s"
                          % (len(skipped), "y" if len(skipped) == 1 else "ies",
                             "is" if len(skipped) == 1 else "are", src,
                             ", ".join(skipped[:10])), stacklevel=2)
        return names

    def _record_outputs(self):
        """Artifacts saved straight into get_outputs_path() get their records."""
        root = os.path.join(self._path, "artifacts")
        if not os.path.isdir(root):
            return
        files, _ = _files.walk_tree(root)
        for rel, abs_path in files:
            if rel in self._artifact_names or ".tmp-" in os.path.basename(rel):
                continue
            size, sha = _files.hash_file(abs_path)
            self._record({"t": "artifact", "path": "artifacts/" + rel, "name": rel,
                          "size": size, "sha256": sha, "time": time.time()}, flush=False)
            self._artifact_names.add(rel)

    def log_dataset(self, name, path=None, uri=None, description=None, context=None):
        """Record data the run used: a local file or folder (size and sha256) or a URI."""
        self._check_open("log_dataset()")
        if name is None or str(name) == "":
            raise ValueError("labbook.log_dataset: a name is required")
        record = {"t": "dataset", "name": str(name)}
        local = os.fspath(path) if path is not None else None
        if local is not None and "://" in local and not os.path.exists(local):
            uri, local = uri or local, None
        if local is not None:
            if os.path.isfile(local):
                size, sha = _files.hash_file(local)
            elif os.path.isdir(local):
                size, sha, skipped = _files.hash_tree(local)
                if skipped:
                    warnings.warn("labbook.log_dataset: %d entries of %r are not hashed (links "
                                  "out of the folder, special files)" % (len(skipped), local),
                                  stacklevel=2)
            else:
                raise FileNotFoundError("labbook.log_dataset: no such file or folder: %r"
                                        % (local,))
            record["path"] = local
            record["size"] = size
            record["sha256"] = sha
        if uri is not None:
            record["uri"] = str(uri)
        if local is None and uri is None:
            raise ValueError("labbook.log_dataset: give a local path= or a remote uri=")
        if description is not None:
            record["description"] = str(description)
        if context is not None:
            record["context"] = str(context)
        record["time"] = time.time()
        self._record(record)
        return record

    log_data_ref = log_dataset
