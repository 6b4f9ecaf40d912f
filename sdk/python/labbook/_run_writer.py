"""How a run writes: records are buffered as complete lines and written by a flusher thread
(every flush interval, or at once past ``MAX_BUFFER_BYTES``); metrics are checked and
turned into lines here, with the rules for steps."""

import json
import os
import time
import warnings

from . import _capture, _context, _lifecycle, _options
from ._runfiles import _KeySteps
from ._values import _check_step, _dumps, _frepr, _irepr, _jsonable, _metric_value, _number_text

try:  # Python 3.3+
    from collections.abc import Mapping
except ImportError:  # pragma: no cover
    from collections import Mapping

_time = time.time


class _RunWriter(object):
    """The writing half of ``Run``: the buffer, the flusher thread, ``log`` and ``flush``."""

    def _append(self, line, flush=False):
        """Buffer one complete line; the flusher thread writes it within the flush interval."""
        with self._lock:
            if self._file is None or self._finished:
                raise RuntimeError("labbook: run %s is finished" % self._id)
            if not self._keep(line):
                return
            self._buf.append(line)
            self._buf_bytes += len(line)
            big = self._buf_bytes > _options.MAX_BUFFER_BYTES
            # while writes fail, the flusher thread retries: no write attempt per record
            failing = self._writer.failing
        if (flush or big or self._forked) and not failing:
            self._flush()
        elif _lifecycle._deferred_signal is not None:
            _lifecycle._handle_deferred_signal()

    def _keep(self, line):
        """False (and the line counted as lost) when writes fail and memory holds enough."""
        if not self._writer.failing or line.startswith('{"t":"status"'):
            return True
        if not self._dropping and self._buf_bytes + len(line) <= self._max_pending:
            return True
        self._dropping = True  # until the lines kept are written: what is kept has no gap
        self._lost += 1
        return False

    def _record(self, record, flush=True):
        self._append(_dumps(record), flush)

    def _write(self, record):  # kept for callers of the first SDK version
        self._record(record)

    def flush(self):
        """Write everything logged so far to disk now (also done at least every 0.5 s)."""
        self._flush()

    def _flush(self):
        if os.getpid() != self._pid:
            return  # a forked child must never write its copy of the parent's buffer
        with self._io_lock:
            _lifecycle._tls.in_flush = _lifecycle._in_flush() + 1
            try:
                # The buffer is swapped out in O(1), so threads that log never wait for a
                # copy. Lines not written (or all of them, if an exception such as
                # KeyboardInterrupt interrupts the write) go back to its front: a line can be
                # repeated, never lost.
                with self._lock:
                    lines, f = self._buf, self._file
                    if lines and f is not None:
                        self._buf, self._buf_bytes = [], 0
                if lines and f is not None:
                    written = 0
                    try:
                        written = self._writer.write(f, lines)
                    finally:
                        rest = lines[written:]
                        with self._lock:
                            if not self._writer.failing:
                                self._dropping = False
                            if rest:
                                self._buf[:0] = rest
                                self._buf_bytes += sum(len(line) for line in rest)
                console = self._console
                if console is not None:
                    console.flush()
            finally:
                _lifecycle._tls.in_flush -= 1
        if _lifecycle._deferred_signal is not None:
            _lifecycle._handle_deferred_signal()

    def _check_open(self, what):
        if self._finished:
            raise RuntimeError("labbook: %s on run %s, which is already finished"
                               % (what, self._id))

    def _write_params(self, flat_values, reset=False):
        self._check_open("changing the config")
        record = {"t": "params", "values": flat_values}
        if reset:
            record["reset"] = True
        record["time"] = time.time()
        self._record(record)

    def _background_loop(self):
        """Flushes the buffer every flush interval and appends heartbeats."""
        stop = self._stop
        flush_every = self._flush_interval
        beat_every = self._heartbeat_interval
        next_beat = time.monotonic() + beat_every
        while True:
            wait = min(flush_every, max(0.0, next_beat - time.monotonic()))
            if stop.wait(wait):
                return
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + beat_every
                with self._lock:
                    if self._finished or self._file is None:
                        return
                    line = '{"t":"heartbeat","time":%s}\n' % _frepr(time.time())
                    if self._keep(line):
                        self._buf.append(line)
                        self._buf_bytes += len(line)
            try:
                self._flush()
            except Exception:  # never let the flusher die on a surprise
                pass

    def _capture_env(self, capture_git, capture_packages, background=False):
        try:
            values = _capture.collect_env(self._path, self._start_time, capture_git,
                                          capture_packages)
            values.update(_context.collect())
        except Exception:
            if not background:
                raise
            return
        with self._lock:  # what the program gave meanwhile wins over what was captured
            values = self._overrides.apply(values) if background else values
            if not background:
                self._overrides.recaptured(values)
            if not self._finished:
                self._record({"t": "env", "values": _jsonable(values), "time": time.time()},
                             flush=False)
        self._flush()

    def _log_system(self, values):
        with self._lock:
            if self._finished:
                raise RuntimeError("finished")
            step = self._system_step
            self._system_step += 1
        self._log(values, step, 3, warn=False)

    # -- metrics
    def log(self, data, step=None):
        """Log metrics: ``run.log({"loss": 0.5, "acc": 0.8}, step=None)``.

        Without ``step`` every metric goes to its own next step (0, 1, 2, ...);
        with ``step`` all metrics go to that step. A second value for a metric
        at a step it already has is dropped with a warning. Values must be
        numbers (bool, int, float, numpy/torch scalars, numeric strings);
        NaN and infinities are kept.
        """
        self._log(data, step, 3)

    def log_metrics(self, metrics, step=None):
        """MLflow-style alias of ``log``."""
        self._log(metrics, step, 3)

    def log_metric(self, key, value, step=None):
        """One metric: ``run.log_metric("loss", 0.5, step=3)``."""
        self._log({key: value}, step, 3)

    def _log(self, data, step, stacklevel, warn=True):
        if type(data) is not dict and not isinstance(data, Mapping):
            raise TypeError("labbook.log expects a dict of metric name -> number, not %s"
                            % type(data).__name__)
        if step is not None:
            step = _check_step(step)
        items = []
        for key, value in data.items():
            if type(key) is not str:
                raise TypeError("labbook.log: metric names must be strings, got %r" % (key,))
            if not key:
                raise ValueError("labbook.log: metric names must not be empty")
            tv = type(value)
            if tv is float:
                if value - value == 0.0:
                    text = _frepr(value)
                elif value != value:
                    text = '"NaN"'
                else:
                    text = '"Infinity"' if value > 0 else '"-Infinity"'
            elif tv is int:
                text = _irepr(value)
            else:
                text = _number_text(_metric_value(key, value))
            items.append((key, text))
        now = _time()
        dropped = None
        with self._lock:
            if self._finished:
                raise RuntimeError("labbook: log() on run %s, which is already finished"
                                   % self._id)
            steps = self._steps
            keyjs = self._keyjs
            by_step = {}
            for key, text in items:
                ks = steps.get(key)
                if ks is None:
                    ks = steps[key] = _KeySteps()
                last = ks.last
                s = last + 1 if step is None else step
                if s > last:
                    ks.steps.append(s)
                    ks.last = s
                elif ks.has(s):
                    if dropped is None:
                        dropped = []
                    dropped.append((key, s))
                    continue
                else:
                    ks.add(s)
                kj = keyjs.get(key)
                if kj is None:
                    kj = keyjs[key] = json.dumps(key, ensure_ascii=False)
                group = by_step.get(s)
                if group is None:
                    by_step[s] = [kj + ":" + text]
                else:
                    group.append(kj + ":" + text)
            if by_step:
                tstr = _frepr(now)
                buf = self._buf
                failing = self._writer.error is not None
                for s in (sorted(by_step) if len(by_step) > 1 else by_step):
                    line = '{"t":"metrics","step":%d,"time":%s,"values":{%s}}\n' % (
                        s, tstr, ",".join(by_step[s]))
                    if failing and not self._keep(line):
                        continue
                    buf.append(line)
                    self._buf_bytes += len(line)
                # while writes fail, the flusher thread retries: no write attempt per call
                big = (self._buf_bytes > _options.MAX_BUFFER_BYTES or self._forked) and not failing
            else:
                big = False
        if big:
            self._flush()
        elif _lifecycle._deferred_signal is not None:
            _lifecycle._handle_deferred_signal()
        if dropped and warn:
            for key, s in dropped:
                warnings.warn("labbook.log: metric %r already has a value at step %d; "
                              "the new value is ignored" % (key, s), stacklevel=stacklevel)
