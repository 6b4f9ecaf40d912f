"""The runs of this process and how they end with it: the current run, the open runs, and
the exit, exception and signal hooks that finish them (killed, failed or finished)."""

import atexit
import os
import signal
import sys
import threading
import time
import traceback

from . import _exit, _fork

_state_lock = threading.RLock()
_current_run = None  # the Run made by the last init(), None after finish()
_hooks_installed = False
_unsaved_runs = []  # ids of runs whose final status could not be written
_unsaved_pid = None  # the process they belong to (not a forked child)
_tls = threading.local()
_open_runs = []  # runs of this process not finished yet


def _in_flush():
    return getattr(_tls, "in_flush", 0)


_previous_excepthook = sys.excepthook
_signals_installed = set()
_deferred_signal = None


def _forget_run(run):
    global _current_run
    with _state_lock:
        try:
            _open_runs.remove(run)
        except ValueError:
            pass
        if _current_run is run:
            _current_run = None


def _finish_all(status, message=None):
    pid = os.getpid()
    for run in list(_open_runs):
        if run._pid == pid and not run._finished:
            try:
                run.finish(status, message)
            except Exception:
                pass


def _atexit_finish():
    _finish_all(*_exit.final_status())
    if _unsaved_runs and _unsaved_pid == os.getpid():
        # A run's final status is missing from its file: the script must not look as if
        # all went well. Exit handlers registered before Labbook's first run do not run.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(1)


def _excepthook(exc_type, exc, tb):
    try:
        _previous_excepthook(exc_type, exc, tb)  # the traceback also reaches console.log
    finally:
        status = "killed" if issubclass(exc_type, KeyboardInterrupt) else "failed"
        _finish_all(status, "".join(traceback.format_exception(exc_type, exc, tb)))


def _holds_our_locks():
    """True if this thread is inside one of our critical sections (a signal arrived there)."""
    if _in_flush():
        return True
    locks = [_state_lock]
    for run in list(_open_runs):
        locks.append(run._lock)
        locks.append(run._io_lock)
        console = run._console
        if console is not None:
            locks.append(console._lock)
    for lock in locks:
        owned = getattr(lock, "_is_owned", None)
        if owned is not None and owned():
            return True
    return False


def _on_signal(signum, frame):
    global _deferred_signal
    if _holds_our_locks():
        # Finishing now could deadlock (the flusher thread may wait for a lock this thread
        # holds): finish as soon as this thread leaves our code, or from a helper thread.
        if _deferred_signal is None:
            _deferred_signal = signum
            helper = threading.Timer(0.5, _deferred_signal_from_thread)
            helper.daemon = True
            helper.start()
        return
    _die_of_signal(signum)


def _handle_deferred_signal():
    global _deferred_signal
    signum = _deferred_signal
    if signum is None or threading.current_thread() is not threading.main_thread():
        return
    if _holds_our_locks():
        return
    _deferred_signal = None
    _die_of_signal(signum)


def _deferred_signal_from_thread():
    signum = _deferred_signal
    if signum is None:
        return
    _finish_all("killed", "killed by %s" % _signal_name(signum))
    os.kill(os.getpid(), signum)  # the main thread's handler now finds nothing open and dies


def _signal_name(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:  # pragma: no cover
        return "signal %d" % signum


def _die_of_signal(signum):
    global _deferred_signal
    _deferred_signal = None
    _finish_all("killed", "killed by %s" % _signal_name(signum))
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    try:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)  # die of the signal, as without Labbook
        time.sleep(1.0)
    except Exception:
        pass
    os._exit(128 + signum)


def _install_signal_handlers():
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None or signum in _signals_installed:
            continue
        try:
            if signal.getsignal(signum) is not signal.SIG_DFL:
                continue  # the program handles it: leave it alone
            signal.signal(signum, _on_signal)
            _signals_installed.add(signum)
        except (ValueError, OSError):  # pragma: no cover
            pass


def _install_hooks(handle_signals=True):
    global _hooks_installed, _previous_excepthook
    with _state_lock:
        if not _hooks_installed:
            _hooks_installed = True
            atexit.register(_atexit_finish)
            _exit.install()
            _fork.install(_open_runs)
            _previous_excepthook = sys.excepthook
            sys.excepthook = _excepthook
        if handle_signals:
            _install_signal_handlers()


def _opened(run, handle_signals):
    """A new run is open: it ends with the process unless it is finished first."""
    with _state_lock:
        _open_runs.append(run)
    _install_hooks(handle_signals)


def _unsaved(run_id):
    """A run's final status could not be written: the process will exit with 1."""
    global _unsaved_pid
    with _state_lock:
        _unsaved_runs.append(run_id)
        _unsaved_pid = os.getpid()
