"""The sweep lock shared with agents in other languages (docs/sweep-format.md, "The lock").

Node has no ``lockf``, so besides the POSIX lock on ``lock`` every agent holds ``lock.held``: a file
created with ``O_CREAT | O_EXCL`` naming its owner (``{"host", "pid", "time", "token"}``), removed by
its holder when done. A waiter treats it as stale when its owner is a process of this host that no
longer exists, or when it is older than ``STALE_SECONDS``; it breaks a stale lock under a second,
short-lived lock (the directory ``lock.break``) and only if the file is still the one it judged stale,
so two waiters never both break it and both hold it. The same rules are sdk/node/src/sweep/lock.ts.
"""

import json
import os
import random
import socket
import time
import uuid

HELD = "lock.held"
BREAKING = "lock.break"
STALE_SECONDS = 60.0


def _process_gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False
    return False


def _read_owner(path):
    """(owner or None, text, mtime) of the held lock, or None when there is none."""
    try:
        with open(path, "rb") as f:
            text = f.read()
            mtime = os.fstat(f.fileno()).st_mtime
    except FileNotFoundError:
        return None
    try:
        owner = json.loads(text.decode("utf-8"))
    except ValueError:
        owner = None  # being written, or its writer died between creating and writing it
    return (owner if isinstance(owner, dict) else None), text, mtime


def is_stale(owner, mtime, now, host=None):
    """Whether a held lock is stale: its owner died on this host, or it is older than STALE_SECONDS."""
    since = owner.get("time") if owner and isinstance(owner.get("time"), (int, float)) else mtime
    if now - since > STALE_SECONDS:
        return True
    pid = owner.get("pid") if owner else None
    return (bool(owner) and owner.get("host") == (host or socket.gethostname())
            and isinstance(pid, int) and not isinstance(pid, bool) and pid > 0
            and pid != os.getpid() and _process_gone(pid))


def _break_if_stale(folder, seen):
    breaking = os.path.join(folder, BREAKING)
    try:
        os.mkdir(breaking)
    except FileExistsError:
        try:  # a breaker that died leaves its directory; it is stale after the same time
            if time.time() - os.stat(breaking).st_mtime > STALE_SECONDS:
                os.rmdir(breaking)
        except OSError:
            pass
        return
    try:
        path = os.path.join(folder, HELD)
        now = _read_owner(path)
        if (now is not None and now[1] == seen[1] and now[2] == seen[2]
                and is_stale(now[0], now[2], time.time())):
            os.unlink(path)
    finally:
        os.rmdir(breaking)


class HeldLock(object):
    """Holds ``lock.held`` in ``folder`` for a ``with`` block, waiting while another agent holds it."""

    def __init__(self, folder):
        self.folder = folder
        self.path = os.path.join(folder, HELD)
        self.token = None

    def __enter__(self):
        token = uuid.uuid4().hex
        wait = 0.002
        while True:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                seen = _read_owner(self.path)
                if seen is not None and is_stale(seen[0], seen[2], time.time()):
                    _break_if_stale(self.folder, seen)
                else:
                    time.sleep(wait * (0.5 + random.random()))
                    wait = min(wait * 2, 0.05)
                continue
            try:
                owner = {"host": socket.gethostname(), "pid": os.getpid(), "time": time.time(), "token": token}
                os.write(fd, json.dumps(owner).encode("utf-8"))
            finally:
                os.close(fd)
            self.token = token
            return self

    def __exit__(self, *exc):
        seen = _read_owner(self.path)
        if seen is not None and seen[0] and seen[0].get("token") == self.token:
            os.unlink(self.path)
        self.token = None
        return False
