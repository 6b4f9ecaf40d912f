"""Console capture: sys.stdout and sys.stderr are teed into each open run's console.log.

The tee always writes to the real stream first, and a sink that fails is skipped.
"""

import sys
import threading


class ConsoleSink(object):
    """Appends text to a run's console.log (buffered; the run's flusher calls flush())."""

    def __init__(self, path):
        self._lock = threading.RLock()  # re-entered by a signal handler that finishes the run
        self._file = open(path, "a", encoding="utf-8", errors="replace", newline="")

    def write(self, text):
        with self._lock:
            f = self._file
            if f is not None:
                f.write(text)

    def flush(self):
        with self._lock:
            if self._file is not None:
                try:
                    self._file.flush()
                except (OSError, ValueError):
                    pass

    def close(self):
        with self._lock:
            f, self._file = self._file, None
        if f is not None:
            try:
                f.close()
            except (OSError, ValueError):
                pass


class ConsoleTee(object):
    """Stands in for sys.stdout / sys.stderr: writes to the real stream, then to the sinks."""

    def __init__(self, inner):
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_sinks", ())

    def write(self, text):
        n = self._inner.write(text)
        sinks = self._sinks
        if sinks and isinstance(text, str):
            for sink in sinks:
                try:
                    sink.write(text)
                except Exception:
                    pass
        return n

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        return self._inner.flush()

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __setattr__(self, name, value):
        setattr(self._inner, name, value)

    def __iter__(self):
        return iter(self._inner)

    def __repr__(self):
        return "<labbook console tee of %r>" % (self._inner,)


_console_lock = threading.RLock()
_tees = {}  # "stdout"/"stderr" -> the ConsoleTee we installed


def attach_console(sink):
    with _console_lock:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is None:
                continue
            tee = _tees.get(name)
            if tee is None or stream is not tee:
                if isinstance(stream, ConsoleTee):
                    tee = stream
                else:
                    tee = ConsoleTee(stream)
                    setattr(sys, name, tee)
                _tees[name] = tee
            object.__setattr__(tee, "_sinks", tee._sinks + (sink,))


def detach_console(sink):
    with _console_lock:
        for name in ("stdout", "stderr"):
            for tee in (_tees.get(name), getattr(sys, name)):
                if isinstance(tee, ConsoleTee) and sink in tee._sinks:
                    object.__setattr__(tee, "_sinks",
                                       tuple(s for s in tee._sinks if s is not sink))
            tee = _tees.get(name)
            if tee is not None and not tee._sinks:
                if getattr(sys, name) is tee:
                    setattr(sys, name, tee._inner)
                # else someone wrapped our tee: it stays, writing through with no sinks
                del _tees[name]
