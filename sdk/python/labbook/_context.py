"""Who and where a run runs (user, conda, container), and how values the program gives
itself win over the ones captured automatically.

The environment is captured by a background thread that may finish after the program
already called ``log_env(...)`` or ``log_code_ref(commit=...)``. ``Overrides`` remembers
what the program gave, so that the captured record leaves those keys out (and, for git,
fills in only the fields the program did not give).
"""

import getpass
import os

CGROUP_HINTS = (("kubepods", "kubernetes"), ("docker", "docker"), ("containerd", "containerd"),
                ("libpod", "podman"), ("lxc", "lxc"))


def user_info():
    """The user who started the run: ``{"name": ..., "uid": ...}`` (what is known)."""
    info = {}
    try:
        info["name"] = getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry (some containers)
        pass
    if hasattr(os, "getuid"):
        info["uid"] = os.getuid()
    return info


def conda_info(environ=None):
    """The active conda environment, or None outside one."""
    environ = os.environ if environ is None else environ
    name = environ.get("CONDA_DEFAULT_ENV")
    prefix = environ.get("CONDA_PREFIX")
    if not name and not prefix:
        return None
    info = {}
    if name:
        info["name"] = name
    if prefix:
        info["prefix"] = prefix
    return info


def container_info(environ=None, root="/"):
    """What says the run is inside a container (docker, podman, kubernetes...), or None."""
    environ = os.environ if environ is None else environ
    hints = []
    kind = None
    if os.path.exists(os.path.join(root, ".dockerenv")):
        hints.append("/.dockerenv")
        kind = "docker"
    if os.path.exists(os.path.join(root, "run", ".containerenv")):
        hints.append("/run/.containerenv")
        kind = kind or "podman"
    try:
        with open(os.path.join(root, "proc", "1", "cgroup"), "r", errors="replace") as f:
            cgroup = f.read(65536)
    except OSError:
        cgroup = ""
    for word, name in CGROUP_HINTS:
        if word in cgroup:
            hints.append("cgroup:" + word)
            kind = kind or name
            break
    if environ.get("KUBERNETES_SERVICE_HOST"):
        hints.append("KUBERNETES_SERVICE_HOST")
        kind = "kubernetes"
    if not hints:
        return None
    info = {"type": kind, "hints": hints}
    pod = environ.get("HOSTNAME") if kind == "kubernetes" else None
    if pod:
        info["pod"] = pod
    return info


def collect():
    """The ``user``, ``conda`` and ``container`` keys of the env record (those present)."""
    out = {"user": user_info()}
    conda = conda_info()
    if conda is not None:
        out["conda"] = conda
    container = container_info()
    if container is not None:
        out["container"] = container
    return out


class Overrides(object):
    """Env keys and git fields the program set itself (guarded by the run's lock)."""

    def __init__(self):
        self.env = set()      # top-level env keys given with log_env(...)
        self.git = {}         # git fields given with log_code_ref(...)
        self.captured_git = None

    def given_env(self, values):
        self.env.update(values)
        if "git" in values:
            self.git = {}

    def given_git(self, fields):
        """The git record to write: what was captured, with the given fields on top."""
        self.git.update(fields)
        self.env.discard("git")
        merged = dict(self.captured_git or {})
        merged.update(self.git)
        return merged

    def recaptured(self, values):
        """``log_env()`` / ``log_code_ref()`` without arguments: capture wins again."""
        if "git" in values:
            self.captured_git = values["git"]
            self.git = {}
        self.env.difference_update(values)

    def apply(self, captured):
        """The captured env values with what the program gave left out or on top."""
        git = captured.get("git")
        if git is not None:
            self.captured_git = git
        out = {k: v for k, v in captured.items() if k not in self.env}
        if self.git and "git" not in self.env:
            merged = dict(git or {})
            merged.update(self.git)
            out["git"] = merged
        return out
