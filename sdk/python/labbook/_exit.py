"""The status a run ends with when the program exits (docs/python-sdk.md, "Status: how a
run ends").

Python does not tell exit handlers the exit code, so ``sys.exit`` is wrapped to remember
the code given in the main thread; the status follows it: 0 or None -> finished,
128 + SIGHUP/SIGINT/SIGTERM -> killed, any other code -> failed.
"""

import signal
import sys
import threading

_KILLED_CODES = {128 + int(getattr(signal, name)) for name in ("SIGHUP", "SIGINT", "SIGTERM")
                 if hasattr(signal, name)}
_exit_code = []  # [code] once sys.exit(code) was called in the main thread


def status_for(code):
    """(status, message) for a ``SystemExit`` code."""
    if code is None or code is False or code == 0:
        return "finished", None
    if isinstance(code, int):
        return ("killed" if code in _KILLED_CODES else "failed"), "exit code %d" % code
    return "failed", str(code)


def final_status():
    """(status, message) for a program that is exiting now."""
    if not _exit_code:
        return "finished", None
    return status_for(_exit_code[-1])


def install():
    """Wrap ``sys.exit`` (once) so that its code is known at exit."""
    if getattr(sys.exit, "_labbook_wrapped", False):
        return
    original = sys.exit

    def exit(status=None):
        if threading.current_thread() is threading.main_thread():
            _exit_code.append(status)
            del _exit_code[:-1]
        original(status)

    exit._labbook_wrapped = True
    exit.__doc__ = original.__doc__
    sys.exit = exit
