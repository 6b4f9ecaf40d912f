"""A local model registry in plain files under the log root (docs/model-registry.md).

    run = labbook.best_run("mnist", "val/acc")
    labbook.register_model("mnist-cnn", run=run, artifact_path="model/weights.pt", aliases=["champion"])
    weights = labbook.get_model("mnist-cnn", alias="champion").path

``<logdir>/_models/<name>/model.json`` names the model; ``versions.jsonl`` beside it is an
append-only log of ``version`` records (version N → a run's artifact, with its sha256) and
``alias`` records (moving an alias is one more line). Registrations take a file lock, so two
processes registering at once get versions N and N+1.
"""

import contextlib
import hashlib
import json
import os
import re
import time
import warnings

from . import _runfiles, _runs_reader
from ._jsonl import append_line

MODELS_DIR = "_models"
MODEL_FILE = "model.json"
VERSIONS_FILE = "versions.jsonl"
LOCK_FILE = ".lock"
FORMAT = "labbook-model"
FORMAT_VERSION = 1
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
ALIAS_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
RESERVED_ALIAS_RE = re.compile(r"^(latest|v\d+)$", re.I)


class ModelHashWarning(UserWarning):
    """A registered model's file no longer has the hash it was registered with."""


class ModelVersion(object):
    """Version N of a registered model: a run's artifact. ``path`` is the file (or folder) to load;
    the object itself can be passed to ``open()`` and to loaders that take a path."""

    def __init__(self, model, record, logdir, aliases):
        self.model = model
        self.version = record["version"]
        self.run_id = record.get("run_id")
        self.experiment = record.get("experiment")
        self.run_name = record.get("run_name")
        self.artifact = record.get("artifact")
        self.sha256 = record.get("sha256")
        self.size = record.get("size")
        self.kind = record.get("kind", "file")
        self.metrics = dict(record.get("metrics") or {})
        self.description = record.get("description")
        self.time = record.get("time")
        self.aliases = sorted(aliases)
        self.path = os.path.join(logdir, *record["path"].split("/"))
        self.run_path = os.path.join(logdir, *record["run_path"].split("/"))

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return "<labbook.ModelVersion %s v%d%s: %s>" % (
            self.model, self.version, "".join(" @" + a for a in self.aliases), self.path)


class RegisteredModel(object):
    """A named model: its versions (oldest first) and aliases (alias → version)."""

    def __init__(self, name, info, versions, aliases):
        self.name = name
        self.description = info.get("description")
        self.created = info.get("created")
        self.versions = versions
        self.aliases = aliases

    @property
    def latest(self):
        return self.versions[-1] if self.versions else None

    def __repr__(self):
        return "<labbook.RegisteredModel %s: %d versions>" % (self.name, len(self.versions))


def _check_name(name):
    if not isinstance(name, str) or not NAME_RE.match(name) or ".." in name:
        raise ValueError("labbook: model name %r: use letters, digits, '_', '-', '.' "
                         "(starting with a letter or digit, up to 100 characters)" % (name,))


def _check_alias(alias):
    if not isinstance(alias, str) or not ALIAS_RE.match(alias):
        raise ValueError("labbook: alias %r: use letters, digits, '_' and '-', starting with a letter" % (alias,))
    if RESERVED_ALIAS_RE.match(alias):
        raise ValueError("labbook: alias %r is reserved (latest and v<number> name versions)" % (alias,))


def _model_dir(logdir, name):
    _check_name(name)
    return os.path.join(logdir, MODELS_DIR, name)


@contextlib.contextmanager
def _locked(folder):
    """An exclusive lock on ``<folder>/.lock`` for as long as the block runs."""
    fd = os.open(os.path.join(folder, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl
            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # Windows
            import msvcrt
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_hash(folder):
    """(total size, sha256 of the lines ``<relative path>,<size>,<sha256>\\n`` sorted by path), as
    for dataset folders in the run log format."""
    entries = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for name in files:
            full = os.path.join(root, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            rel = os.path.relpath(full, folder).replace(os.sep, "/")
            entries.append((rel.encode("utf-8"), os.path.getsize(full), file_sha256(full)))
    entries.sort()
    h = hashlib.sha256()
    for rel, size, digest in entries:
        h.update(rel + (",%d,%s\n" % (size, digest)).encode("ascii"))
    return sum(e[1] for e in entries), h.hexdigest()


def _hash(path):
    if os.path.isdir(path):
        size, digest = tree_hash(path)
        return "folder", size, digest
    return "file", os.path.getsize(path), file_sha256(path)


def read_model(logdir, name):
    """The RegisteredModel ``name`` from its files, or None when it does not exist.
    Bad and torn lines are skipped; a version number used twice keeps its first record."""
    folder = _model_dir(logdir, name)
    if not os.path.isfile(os.path.join(folder, VERSIONS_FILE)) and not os.path.isfile(os.path.join(folder, MODEL_FILE)):
        return None
    info = {}
    try:
        with open(os.path.join(folder, MODEL_FILE), "rb") as f:
            loaded = json.loads(f.read().decode("utf-8"))
        if isinstance(loaded, dict):
            info = loaded
    except (OSError, ValueError):
        pass
    records, aliases = {}, {}
    for r in _runfiles.read_lines(os.path.join(folder, VERSIONS_FILE)):
        v = r.get("version")
        if r["t"] == "version" and isinstance(v, int) and not isinstance(v, bool) and v > 0:
            if v not in records and isinstance(r.get("path"), str) and isinstance(r.get("run_path"), str):
                records[v] = r
        elif r["t"] == "alias" and isinstance(r.get("alias"), str):
            if v is None:
                aliases.pop(r["alias"], None)
            elif isinstance(v, int) and v in records:
                aliases[r["alias"]] = v
    versions = [ModelVersion(name, records[v], logdir, [a for a, n in aliases.items() if n == v])
                for v in sorted(records)]
    return RegisteredModel(name, info, versions, aliases)


def _resolve_run(run, logdir):
    """(run id, run folder, RunSummary) for a run id, a RunSummary or a labbook Run."""
    if run is None:
        from . import _api
        run = _api.get_run()
        if run is None:
            raise ValueError("labbook: register_model needs run= (a run id or a run) when no run is active")
    if hasattr(run, "flush") and hasattr(run, "path"):
        run.flush()
    run_id = run if isinstance(run, str) else getattr(run, "id", None)
    folder = getattr(run, "path", None)
    if folder is None:
        found = [r for r in _runs_reader.read_runs(logdir)
                 if r.id == run_id or os.path.basename(r.path) == run_id]
        if not found:
            raise ValueError("labbook: no run with id %r under %s" % (run_id, logdir))
        folder = found[0].path
    summary = _runs_reader.read_run(folder)
    if summary is None:
        raise ValueError("labbook: %s has no events.jsonl" % folder)
    real_root, real_folder = os.path.realpath(logdir), os.path.realpath(folder)
    if os.path.commonpath([real_root, real_folder]) != real_root:
        raise ValueError("labbook: run %s is not under the log root %s" % (summary.id, logdir))
    return summary.id, folder, summary


def _resolve_artifact(summary, folder, artifact_path):
    if artifact_path is None:
        files = [a for a in summary.artifacts if not str(a.get("name", "")).startswith("images/")]
        if len(files) != 1:
            raise ValueError("labbook: run %s has %d artifacts; say which with artifact_path="
                             % (summary.id, len(files)))
        artifact_path = files[0]["name"]
    artifact_path = os.fspath(artifact_path).replace("\\", "/").strip("/")
    record = summary.artifact(artifact_path)
    candidates = ([record["path"]] if record else []) + ["artifacts/" + artifact_path, artifact_path]
    real_folder = os.path.realpath(folder)
    for rel in candidates:
        full = os.path.join(folder, *rel.split("/"))
        real = os.path.realpath(full)
        if os.path.exists(full) and os.path.commonpath([real_folder, real]) == real_folder and real != real_folder:
            return artifact_path, full
    raise ValueError("labbook: run %s has no artifact %r (logged: %s)" % (
        summary.id, artifact_path, ", ".join(sorted({a.get("name", "?") for a in summary.artifacts})) or "none"))


def register_model(name, run=None, artifact_path=None, aliases=None, description=None, logdir=None):
    """Registers version N+1 of model ``name``: the artifact ``artifact_path`` of ``run`` (its
    logical name as logged, e.g. ``"model/weights.pt"``, a folder of artifacts, or a path inside
    the run folder), with its sha256 and the run's last metric values. ``aliases`` (e.g.
    ``["champion"]``) are set (or moved) to the new version. Returns the ModelVersion."""
    if logdir is None and hasattr(run, "logdir"):
        logdir = run.logdir
    logdir = _runs_reader.resolve_logdir(logdir)
    aliases = [aliases] if isinstance(aliases, str) else list(aliases or [])
    for alias in aliases:
        _check_alias(alias)
    folder = _model_dir(logdir, name)
    run_id, run_folder, summary = _resolve_run(run, logdir)
    artifact, full = _resolve_artifact(summary, run_folder, artifact_path)
    kind, size, digest = _hash(full)
    os.makedirs(folder, exist_ok=True)
    with _locked(folder):
        model_file = os.path.join(folder, MODEL_FILE)
        if not os.path.exists(model_file):
            tmp = model_file + ".tmp-%d" % os.getpid()
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump({"format": FORMAT, "version": FORMAT_VERSION, "name": name,
                           "created": time.time()}, f)
                f.write("\n")
            os.replace(tmp, model_file)
        existing = read_model(logdir, name)
        number = (existing.latest.version if existing and existing.latest else 0) + 1
        rel = lambda p: os.path.relpath(p, logdir).replace(os.sep, "/")  # noqa: E731
        now = time.time()
        record = {"t": "version", "version": number, "run_id": run_id, "experiment": summary.experiment,
                  "run_name": summary.name, "run_path": rel(run_folder), "artifact": artifact,
                  "path": rel(full), "kind": kind, "size": size, "sha256": digest,
                  "metrics": {k: v for k, v in summary.metrics.items()
                              if not k.startswith("system/") and v == v and abs(v) != float("inf")},
                  "time": now}
        if description is not None:
            record["description"] = str(description)
        path = os.path.join(folder, VERSIONS_FILE)
        append_line(path, record)
        for alias in aliases:
            append_line(path, {"t": "alias", "alias": alias, "version": number, "time": now})
    return ModelVersion(name, record, logdir, aliases)


def set_model_alias(name, alias, version, logdir=None):
    """Points ``alias`` at ``version`` of model ``name`` (moving it if it pointed elsewhere);
    ``version=None`` removes the alias."""
    logdir = _runs_reader.resolve_logdir(logdir)
    _check_alias(alias)
    folder = _model_dir(logdir, name)
    model = read_model(logdir, name)
    if model is None:
        raise ValueError("labbook: no model %r under %s" % (name, logdir))
    if version is not None and version not in {v.version for v in model.versions}:
        raise ValueError("labbook: model %r has no version %r" % (name, version))
    with _locked(folder):
        append_line(os.path.join(folder, VERSIONS_FILE),
                {"t": "alias", "alias": alias, "version": version, "time": time.time()})


def get_model(name, alias=None, version=None, logdir=None, verify=True):
    """The ModelVersion of ``name`` by ``alias`` or ``version`` (else the latest): ``.path`` is the
    file to load. Checks the file against its registered sha256 and warns (ModelHashWarning) when
    it changed; raises FileNotFoundError when it is gone."""
    logdir = _runs_reader.resolve_logdir(logdir)
    model = read_model(logdir, name)
    if model is None or not model.versions:
        raise LookupError("labbook: no model %r under %s" % (name, logdir))
    if alias is not None and version is not None:
        raise ValueError("labbook: give alias= or version=, not both")
    if alias is not None and alias != "latest":
        if alias not in model.aliases:
            raise LookupError("labbook: model %r has no alias %r (aliases: %s)" % (
                name, alias, ", ".join(sorted(model.aliases)) or "none"))
        version = model.aliases[alias]
    found = model.latest if version is None else next((v for v in model.versions if v.version == version), None)
    if found is None:
        raise LookupError("labbook: model %r has no version %r" % (name, version))
    if not os.path.exists(found.path):
        raise FileNotFoundError("labbook: %s v%d: %s is gone" % (name, found.version, found.path))
    if verify and found.sha256:
        digest = _hash(found.path)[2]
        if digest != found.sha256:
            warnings.warn("labbook: %s v%d: %s changed since it was registered (sha256 %s, registered %s)"
                          % (name, found.version, found.path, digest[:12], found.sha256[:12]),
                          ModelHashWarning, stacklevel=2)
    return found


def list_models(logdir=None):
    """Every registered model under the log root, by name."""
    logdir = _runs_reader.resolve_logdir(logdir)
    root = os.path.join(logdir, MODELS_DIR)
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    out = []
    for name in names:
        if NAME_RE.match(name) and ".." not in name and not os.path.islink(os.path.join(root, name)):
            model = read_model(logdir, name)
            if model is not None:
                out.append(model)
    return out
