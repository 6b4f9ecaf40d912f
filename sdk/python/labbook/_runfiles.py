"""Reading run folders: finding them below a log root as the extension does, their lines,
a run to resume, what its log says so far, and the steps each metric already has
(docs/run-log-format.md)."""

import bisect
import json
import os
import re
from array import array

from ._values import STATUSES

EVENTS_FILE = "events.jsonl"
MAX_RUN_DEPTH = 4
_SKIP = {"node_modules", "artifacts"}
_RUN_ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")


class _KeySteps(object):
    """The steps one metric has values at: sorted, 8 bytes a step."""

    __slots__ = ("steps", "last")

    def __init__(self, steps=None):
        self.steps = array("q", steps or ())
        self.last = self.steps[-1] if self.steps else -1

    def next_step(self):
        return self.last + 1

    def has(self, step):
        if step > self.last:
            return False
        steps = self.steps
        i = bisect.bisect_left(steps, step)
        return i < len(steps) and steps[i] == step

    def add(self, step):
        if step > self.last:
            self.steps.append(step)
            self.last = step
        else:
            steps = self.steps
            steps.insert(bisect.bisect_left(steps, step), step)


def run_folders(logdir, max_depth=MAX_RUN_DEPTH):
    """Folders below ``logdir`` that hold an events.jsonl, sorted (links are not followed;
    hidden folders, node_modules and artifacts are not entered)."""
    out = []
    stack = [(logdir, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        if folder != logdir and any(e.name == EVENTS_FILE and e.is_file(follow_symlinks=False)
                                    for e in entries):
            out.append(folder)
        if depth < max_depth:
            for e in entries:
                try:
                    if (e.is_dir(follow_symlinks=False) and not e.name.startswith(".")
                            and e.name not in _SKIP):
                        stack.append((e.path, depth + 1))
                except OSError:
                    pass
    return sorted(out)


_run_folders = run_folders  # the name the writer has always used


def read_lines(path):
    """The complete lines of a file as parsed records (dicts with a string ``t``); a torn
    last line and bad lines are skipped."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    parts = data.split(b"\n")
    last = parts.pop()  # after the last newline: empty, or a line still being written
    if last.strip():
        parts.append(last)  # read it if it is complete JSON (a writer that exited without \n)
    for raw in parts:
        try:
            record = json.loads(raw.decode("utf-8", "replace").rstrip("\r"))
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("t"), str):
            yield record


def _read_header(events):
    try:
        with open(events, "rb") as f:
            line = f.readline()
        record = json.loads(line.decode("utf-8"))
        return record if isinstance(record, dict) and record.get("t") == "header" else None
    except (OSError, ValueError):
        return None


def _find_run_folder(logdir, resume):
    """The folder of the run ``resume`` (a run id, or the path of a run folder)."""
    text = os.fspath(resume)
    if os.path.isfile(os.path.join(text, "events.jsonl")):
        return os.path.abspath(text)
    if not _RUN_ID_RE.match(text):
        raise ValueError("labbook: resume=%r is neither a run id nor a run folder" % (resume,))
    folders = _run_folders(logdir)
    by_name = [f for f in folders
               if os.path.basename(f) == text or os.path.basename(f).endswith("-" + text)]
    for folder in by_name + folders:
        header = _read_header(os.path.join(folder, "events.jsonl"))
        if header is not None and header.get("run_id") == text:
            return folder
    if by_name:
        return by_name[0]
    raise ValueError("labbook: no run with id %r under %s" % (text, logdir))


def _read_state(events):
    """What a run's log says so far: header fields, params, tags, metric steps."""
    with open(events, "rb") as f:
        data = f.read()
    complete = data == b"" or data.endswith(b"\n")
    lines = data.split(b"\n")
    if not complete:
        lines = lines[:-1]
    state = {"run_id": None, "project": "default", "name": None, "description": None,
             "tags": None, "params": {}, "complete": complete, "artifacts": set()}
    steps = {}
    for raw in lines:
        raw = raw.rstrip(b"\r")
        if not raw:
            continue
        try:
            rec = json.loads(raw.decode("utf-8", "replace"))
        except ValueError:
            continue
        if not isinstance(rec, dict):
            continue
        t = rec.get("t")
        if t == "metrics":
            step = rec.get("step")
            values = rec.get("values")
            if isinstance(step, int) and isinstance(values, dict):
                for key in values:
                    lst = steps.get(key)
                    if lst is None:
                        steps[key] = [step]
                    else:
                        lst.append(step)
        elif t == "header":
            for field in ("run_id", "project", "name", "description"):
                if isinstance(rec.get(field), str):
                    state[field] = rec[field]
            if isinstance(rec.get("tags"), list):
                state["tags"] = [str(x) for x in rec["tags"]]
        elif t == "params" and isinstance(rec.get("values"), dict):
            if rec.get("reset"):
                state["params"] = {}
            state["params"].update(rec["values"])
        elif t == "tags" and isinstance(rec.get("tags"), list):
            tags = [str(x) for x in rec["tags"]]
            if rec.get("reset") or state["tags"] is None:
                state["tags"] = tags
            else:
                state["tags"].extend(x for x in tags if x not in state["tags"])
        elif t == "set":
            for field in ("name", "description"):
                if isinstance(rec.get(field), str):
                    state[field] = rec[field]
        elif t == "artifact" and isinstance(rec.get("name"), str):
            state["artifacts"].add(rec["name"])
    state["steps"] = {k: _KeySteps(sorted(set(v))) for k, v in steps.items()}
    system = [ks.last for k, ks in state["steps"].items() if k.startswith("system/")]
    state["system_step"] = max(system) + 1 if system else 0
    return state


def _read_status(events):
    status, name = "running", None
    try:
        with open(events, "rb") as f:
            for raw in f:
                if b'"status"' not in raw and b'"set"' not in raw:
                    continue
                try:
                    rec = json.loads(raw.decode("utf-8", "replace"))
                except ValueError:
                    continue
                if rec.get("t") == "status" and rec.get("status") in STATUSES:
                    status = rec["status"]
                elif rec.get("t") == "set" and isinstance(rec.get("name"), str):
                    name = rec["name"]
    except OSError:
        pass
    return status, name
