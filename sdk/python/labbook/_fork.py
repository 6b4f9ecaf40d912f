"""Runs in forked processes (``multiprocessing`` with the ``fork`` start method, ``os.fork``).

A forked child gets a copy of the parent's open runs, with the parent's buffer, its locks
in whatever state they were in, and no writer thread. Without care, everything the child
logs would sit in that copied buffer until the child ends with ``os._exit`` (as
``multiprocessing`` workers do), and be lost without a word.

So, around every fork:

- before: each open run's buffer and console capture are flushed, and its locks are taken,
  so the child inherits an empty buffer and no lock held by a thread that does not exist
  in the child;
- in the parent, after: the locks are released;
- in the child, after: the run gets fresh locks and becomes a *forked writer*: every record
  it logs is appended at once, as whole lines, to the same ``events.jsonl`` (opened with
  ``O_APPEND``, so lines from the parent and from any number of children never interleave
  inside a line). A forked writer never writes a final status: the parent owns the run.

Steps are counted per process: children should pass ``step=`` explicitly (a worker's
automatic next step continues from the parent's count at the time of the fork).
"""

import os
import threading

_installed = False


def install(open_runs):
    """Register the fork hooks once; ``open_runs`` is the list of this process's runs."""
    global _installed
    if _installed or not hasattr(os, "register_at_fork"):
        return
    _installed = True
    held = []

    def before():
        for run in list(open_runs):
            if run._finished or run._pid != os.getpid():
                continue
            try:
                run._flush()
            except Exception:
                pass
            locks = [run._io_lock, run._lock]
            console = run._console
            if console is not None:
                locks.append(console._lock)
            for lock in locks:
                lock.acquire()
            held.append(locks)

    def after_in_parent():
        while held:
            for lock in reversed(held.pop()):
                lock.release()

    def after_in_child():
        del held[:]
        for run in list(open_runs):
            adopt(run)

    os.register_at_fork(before=before, after_in_parent=after_in_parent,
                        after_in_child=after_in_child)


def adopt(run):
    """Make the child's copy of ``run`` a forked writer (see the module docstring)."""
    run._lock = threading.RLock()
    run._io_lock = threading.RLock()
    run._buf = []
    run._buf_bytes = 0
    run._forked = True
    run._pid = os.getpid()
    run._stop = threading.Event()
    run._heartbeat = None
    run._env_thread = None
    run._system_thread = None
    console = run._console
    if console is not None:
        console._lock = threading.RLock()
