"""Read runs straight from the run log files, without VS Code or the index.

``read_runs(logdir)`` walks ``logdir`` as the extension does (run folders up to four levels
deep that hold an ``events.jsonl``), folds each log into a :class:`RunSummary`, and applies
what users changed in the UI (``labbook.edits.jsonl`` beside the log: renames, tags,
note, archive). A torn last line or a bad line is skipped alone; the rest of the run still
loads. See docs/run-log-format.md.
"""

import math
import os
import time

from ._options import resolve_logdir
from ._runfiles import EVENTS_FILE, read_lines as _lines, run_folders

EDITS_FILE = "labbook.edits.jsonl"
HEARTBEAT_TIMEOUT = 120.0
_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


class RunSummary(object):
    """One run as its log says (after the user's edits): what search_runs returns."""

    __slots__ = ("id", "name", "experiment", "status", "params", "tags", "metrics", "path",
                 "description", "note", "archived", "start_time", "end_time", "artifacts",
                 "_last_step")

    def __init__(self, run_id, path):
        self.id = run_id
        self.name = run_id
        self.experiment = "default"
        self.status = "running"
        self.params = {}
        self.tags = []
        self.metrics = {}
        self.path = path
        self.description = None
        self.note = None
        self.archived = False
        self.start_time = None
        self.end_time = None
        self.artifacts = []
        self._last_step = {}

    @property
    def duration(self):
        """Seconds from start to end (to now while running), or None without a start time."""
        if self.start_time is None:
            return None
        end = self.end_time if self.end_time is not None else time.time()
        return max(0.0, end - self.start_time)

    @property
    def tag_values(self):
        """Tags as MLflow keys: label ``stage:final`` is tag ``stage`` = ``final``, ``baseline`` is ``""``."""
        out = {}
        for label in self.tags:
            key, sep, value = label.partition(":")
            out[key if sep else label] = value if sep else ""
        return out

    def artifact(self, name):
        """The artifact record named ``name`` (its logical name or its path in the run folder)."""
        for a in reversed(self.artifacts):
            if a.get("name") == name or a.get("path") == name:
                return a
        return None

    def to_dict(self):
        return {"id": self.id, "name": self.name, "experiment": self.experiment,
                "status": self.status, "params": dict(self.params), "tags": list(self.tags),
                "metrics": dict(self.metrics), "path": self.path,
                "description": self.description, "note": self.note, "archived": self.archived,
                "start_time": self.start_time, "end_time": self.end_time}

    def __repr__(self):
        return "<labbook.RunSummary %s %r in %r, %s>" % (self.id, self.name, self.experiment, self.status)


def _number(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and v in _CONSTANTS:
        return _CONSTANTS[v]
    return None


def _is_step(v):
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 9007199254740991


def _apply(run, r, folder):
    t = r["t"]
    if t == "header":
        if isinstance(r.get("run_id"), str) and r["run_id"]:
            run.id = run.name = r["run_id"]
        for field in ("project", "name", "description"):
            if isinstance(r.get(field), str) and r[field]:
                setattr(run, "experiment" if field == "project" else field, r[field])
        if isinstance(r.get("tags"), list):
            run.tags = [x for x in r["tags"] if isinstance(x, str)]
        if _number(r.get("time")) is not None:
            run.start_time = _number(r["time"])
    elif t == "params" and isinstance(r.get("values"), dict):
        if r.get("reset") is True:
            run.params = {}
        run.params.update(r["values"])
    elif t == "metrics" and isinstance(r.get("values"), dict) and _is_step(r.get("step")):
        step = r["step"]
        for key, value in r["values"].items():
            number = _number(value)
            if number is not None and step >= run._last_step.get(key, -1):
                if step == run._last_step.get(key):
                    continue  # the first value at a step is kept
                run._last_step[key] = step
                run.metrics[key] = number
    elif t == "status" and isinstance(r.get("status"), str):
        run.status = r["status"]
        run.end_time = _number(r.get("time")) if r["status"] != "running" else None
    elif t == "tags" and isinstance(r.get("tags"), list):
        tags = [x for x in r["tags"] if isinstance(x, str)]
        run.tags = tags if r.get("reset") is True else run.tags + [x for x in tags if x not in run.tags]
    elif t == "set":
        if isinstance(r.get("name"), str) and r["name"].strip():
            run.name = r["name"]
        if isinstance(r.get("description"), str):
            run.description = r["description"]
    elif t == "note" and isinstance(r.get("text"), str):
        run.note = r["text"]
    elif t == "artifact" and isinstance(r.get("path"), str):
        p = r["path"]
        if p and not os.path.isabs(p) and ".." not in p.replace("\\", "/").split("/") and "\x00" not in p:
            run.artifacts.append(r)


def read_run(folder, now=None):
    """The RunSummary of one run folder, or None when it has no events.jsonl."""
    events = os.path.join(folder, EVENTS_FILE)
    if not os.path.isfile(events):
        return None
    run = RunSummary(os.path.basename(folder), os.path.abspath(folder))
    last_time = None
    for r in _lines(events):
        _apply(run, r, folder)
        stamp = _number(r.get("time"))
        if stamp is not None and math.isfinite(stamp):
            last_time = stamp if last_time is None else max(last_time, stamp)
    for r in _lines(os.path.join(folder, EDITS_FILE)):
        if r["t"] == "set" and isinstance(r.get("name"), str) and r["name"].strip():
            run.name = r["name"]
        elif r["t"] == "note" and isinstance(r.get("text"), str):
            run.note = r["text"]
        elif r["t"] == "tags" and isinstance(r.get("tags"), list):
            run.tags = [x for x in r["tags"] if isinstance(x, str)]
        elif r["t"] == "archive" and isinstance(r.get("archived"), bool):
            run.archived = r["archived"]
    if run.status == "running":
        # Silent longer than the heartbeat timeout: shown as killed, as the extension does.
        try:
            mtime = os.stat(events).st_mtime
        except OSError:
            mtime = 0.0
        active = max(mtime, last_time or 0.0)
        if (now if now is not None else time.time()) - active > HEARTBEAT_TIMEOUT:
            run.status = "killed"
    return run


def read_runs(logdir=None):
    """Every run below the log root, in folder order."""
    runs = []
    for folder in run_folders(resolve_logdir(logdir)):
        run = read_run(folder)
        if run is not None:
            runs.append(run)
    return runs
