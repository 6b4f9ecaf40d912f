"""A sweep on disk: ``<log root>/_sweeps/<sweep id>/`` holding

- ``sweep.json``: the definition, written once (atomically) when the sweep is created;
- ``trials.jsonl``: the append-only trial log, one JSON object a line (docs/sweep-format.md);
- ``lock``: the file agents lock exclusively around "read the trial log, suggest, append";
- ``lock.held``: the lock shared with agents in other languages (heldlock.py), taken inside it.

The lock is a POSIX record lock (``fcntl.lockf``), which network filesystems honour too, so agents
in several terminals or on several machines sharing the folder never hand out a trial twice; Node
agents cannot take it, so every agent also holds ``lock.held``, which any language can take.
"""

import json
import os
import socket
import time

from .._jsonl import append_line
from .heldlock import HeldLock

SWEEPS_DIR = "_sweeps"
DEFINITION = "sweep.json"
TRIALS = "trials.jsonl"
LOCK = "lock"
FORMAT = "labbook-sweep"
FORMAT_VERSION = 1

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


class FileLock(object):
    """An exclusive lock on ``path`` held for a ``with`` block (blocking), together with the
    cross-language ``lock.held`` of the same folder (taken after it, released before it)."""

    def __init__(self, path):
        self.path = path
        self.fd = None
        self.held = HeldLock(os.path.dirname(os.path.abspath(path)))

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            fcntl.lockf(self.fd, fcntl.LOCK_EX)
        else:
            while True:
                try:
                    msvcrt.locking(self.fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
        try:
            self.held.__enter__()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc):
        try:
            self.held.__exit__(*exc)
        finally:
            self._unlock()
        return False

    def _unlock(self):
        try:
            if fcntl is not None:
                fcntl.lockf(self.fd, fcntl.LOCK_UN)
            else:
                os.lseek(self.fd, 0, 0)
                msvcrt.locking(self.fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(self.fd)
            self.fd = None


def agent_name():
    return "%s:%d" % (socket.gethostname(), os.getpid())


def write_definition(folder, definition):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, DEFINITION)
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(definition, f, indent=2, sort_keys=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_definition(folder):
    with open(os.path.join(folder, DEFINITION), encoding="utf-8") as f:
        d = json.load(f)
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ValueError("%s is not a Labbook sweep definition" % os.path.join(folder, DEFINITION))
    return d


def append(folder, record):
    """Appends one record to the sweep's trial log as a whole line."""
    append_line(os.path.join(folder, TRIALS), record)


def _parse(raw, out):
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            rec = json.loads(line.decode("utf-8"))
        except ValueError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("t"), str):
            out.append(rec)
    return out


def read_records(folder):
    """The trial log's records, skipping a torn or damaged line."""
    try:
        with open(os.path.join(folder, TRIALS), "rb") as f:
            return _parse(f.read(), [])
    except FileNotFoundError:
        return []


class TrialLog(object):
    """The trial log read incrementally: each call parses only the complete lines added since."""

    def __init__(self, folder):
        self.path = os.path.join(folder, TRIALS)
        self.records = []
        self.offset = 0

    def read(self):
        try:
            with open(self.path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size < self.offset:
                    self.records, self.offset = [], 0
                f.seek(self.offset)
                raw = f.read(size - self.offset)
        except FileNotFoundError:
            return self.records
        end = raw.rfind(b"\n") + 1
        if end:
            _parse(raw[:end], self.records)
            self.offset += end
        return self.records


class TrialState(object):
    __slots__ = ("number", "params", "status", "value", "metrics", "reports", "last_seen",
                 "retry_of", "grid_index", "agent", "run_id", "reason", "started")

    def __init__(self, number):
        self.number = number
        self.params = {}
        self.status = "running"
        self.value = None
        self.metrics = {}
        self.reports = []
        self.last_seen = 0.0
        self.retry_of = None
        self.grid_index = None
        self.agent = None
        self.run_id = None
        self.reason = None
        self.started = 0.0


class SweepState(object):
    """What the trial log says: every trial's state, and whether the sweep is stopped."""

    def __init__(self, records):
        self.trials = {}
        self.stopped = False
        self.retried = set()
        for rec in records:
            t = rec.get("t")
            if t == "stop":
                self.stopped = True
                continue
            if t == "resume":
                self.stopped = False
                continue
            n = rec.get("trial")
            if not isinstance(n, int):
                continue
            when = rec.get("time") if isinstance(rec.get("time"), (int, float)) else 0.0
            if t == "suggest":
                s = self.trials[n] = TrialState(n)
                s.params = rec.get("params") or {}
                s.last_seen = s.started = when
                s.retry_of = rec.get("retry_of")
                s.grid_index = rec.get("grid_index")
                s.agent = rec.get("agent")
                if isinstance(s.retry_of, int):
                    self.retried.add(s.retry_of)
                continue
            s = self.trials.get(n)
            if s is None:
                continue
            s.last_seen = max(s.last_seen, when)
            if t == "report" and isinstance(rec.get("step"), int) and _finite(rec.get("value")):
                s.reports.append((rec["step"], float(rec["value"])))
            elif t == "run":
                s.run_id = rec.get("run_id")
            elif s.status != "running":
                continue
            elif t == "complete":
                s.status = "completed"
                s.value = rec.get("value") if _finite(rec.get("value")) else None
                s.metrics = rec.get("metrics") or {}
                s.run_id = rec.get("run_id") or s.run_id
            elif t in ("fail", "prune", "abandon"):
                s.status = {"fail": "failed", "prune": "pruned", "abandon": "abandoned"}[t]
                s.reason = rec.get("reason")
                if t == "prune" and _finite(rec.get("value")):
                    s.value = float(rec["value"])

    def ordered(self):
        return [self.trials[n] for n in sorted(self.trials)]

    def next_number(self):
        return max(self.trials) + 1 if self.trials else 0


def _finite(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and v not in (
        float("inf"), float("-inf"))
