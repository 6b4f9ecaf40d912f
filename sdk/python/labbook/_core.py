"""Run, Config and the module-level state of the Labbook Python writer.

Writes the Labbook run log format, version 1 (docs/run-log-format.md):
one JSON object per line in ``<logdir>/run-<local time>-<id>/events.jsonl``.
Standard library only; Python 3.8+.
"""

import atexit
import bisect
import copy
import datetime
import json
import math
import operator
import os
import secrets
import sys
import threading
import time
import traceback
import warnings
from array import array

try:  # Python 3.3+
    from collections.abc import Mapping, MutableMapping
except ImportError:  # pragma: no cover
    from collections import Mapping, MutableMapping

FORMAT = "labbook-run"
FORMAT_VERSION = 1
DEFAULT_LOGDIR = "labbook"
DEFAULT_HEARTBEAT_SECONDS = 10.0
STATUSES = ("running", "finished", "failed", "killed")

_state_lock = threading.RLock()
_current_run = None  # the Run made by the last init(), None after finish()
_hooks_installed = False


# --------------------------------------------------------------------------- values


def _float_to_json(x):
    """A float as JSON can hold it: NaN and infinities become strings."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _jsonable(value, _depth=0):
    """Any value turned into something json.dumps writes without NaN tokens."""
    if _depth > 50:
        return str(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float_to_json(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, _depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [_jsonable(v, _depth + 1) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    # numpy / torch scalars and arrays
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        try:
            return _jsonable(tolist(), _depth + 1)
        except Exception:
            pass
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return _jsonable(item(), _depth + 1)
        except Exception:
            pass
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


def _flatten(mapping, prefix=""):
    """Nested mappings flattened with '.': {"a": {"b": 1}} -> {"a.b": 1}."""
    out = {}
    for key, value in mapping.items():
        name = prefix + str(key)
        if isinstance(value, Mapping) and len(value) > 0:
            out.update(_flatten(value, name + "."))
        elif isinstance(value, Mapping):
            out[name] = {}
        else:
            out[name] = _jsonable(value)
    return out


def _as_dict(obj, what):
    """A mapping, argparse.Namespace or similar object as a plain dict."""
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    raise TypeError("%s must be a dict (or an object with attributes), not %s"
                    % (what, type(obj).__name__))


def _metric_value(key, value):
    """A metric value as int/float, or raise TypeError/ValueError naming the key."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    if value is None:
        raise TypeError("labbook.log: metric %r is None; values must be numbers" % key)
    if isinstance(value, (str, bytes)):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        try:
            return float(text)
        except ValueError:
            raise ValueError("labbook.log: metric %r has the value %r, which is not a number"
                             % (key, value)) from None
    # torch tensors, numpy scalars and 0-d arrays have .item()
    item = getattr(value, "item", None)
    if callable(item):
        try:
            value = item()
        except Exception as exc:
            raise TypeError("labbook.log: metric %r: cannot take a single number from %s (%s)"
                            % (key, type(value).__name__, exc)) from None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return value
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError("labbook.log: metric %r has a value of type %s, which is not a number (%s)"
                        % (key, type(value).__name__, exc)) from None


def _check_step(step):
    if isinstance(step, bool):
        raise TypeError("labbook.log: step must be an integer, not bool")
    try:
        step = operator.index(step)
    except TypeError:
        raise TypeError("labbook.log: step must be an integer, not %s"
                        % type(step).__name__) from None
    if step < 0:
        raise ValueError("labbook.log: step must be >= 0, got %d" % step)
    return step


def _new_run_id():
    return secrets.token_hex(5)  # 10 hex characters


def _heartbeat_seconds():
    raw = os.environ.get("LABBOOK_HEARTBEAT_SECONDS")
    if not raw:
        return DEFAULT_HEARTBEAT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        warnings.warn("labbook: LABBOOK_HEARTBEAT_SECONDS=%r is not a number; using %g"
                      % (raw, DEFAULT_HEARTBEAT_SECONDS))
        return DEFAULT_HEARTBEAT_SECONDS
    if not seconds > 0:
        return DEFAULT_HEARTBEAT_SECONDS
    return seconds


# --------------------------------------------------------------------------- config


class Config(MutableMapping):
    """A run's configuration: a dict with attribute access.

    Every change (``config.lr = 0.1``, ``config["lr"] = 0.1``, ``update``)
    appends a ``params`` record; nested dicts are flattened with ``.``.
    Values are copied when set: changing a nested dict you got back from the
    config afterwards is not logged (set the key again instead).
    """

    def __init__(self, data=None, run=None):
        object.__setattr__(self, "_data", {})
        object.__setattr__(self, "_run", run)
        if data:
            self._data.update(copy.deepcopy(_as_dict(data, "config")))

    # -- writing
    def _emit(self, changed, replaced_nested):
        run = self._run
        if run is None:
            return
        if replaced_nested:
            run._write_params(_flatten(self._data), reset=True)
        elif changed:
            run._write_params(_flatten(changed), reset=False)

    def _check_open(self):
        if self._run is not None:
            self._run._check_open("changing the config")

    def _set_many(self, items):
        self._check_open()
        changed = {}
        replaced_nested = False
        for key, value in items:
            if not isinstance(key, str):
                key = str(key)
            if isinstance(self._data.get(key), Mapping):
                replaced_nested = True
            if isinstance(value, Mapping):
                value = copy.deepcopy(dict(value))
            else:
                try:
                    value = copy.deepcopy(value)
                except Exception:
                    pass
            self._data[key] = value
            changed[key] = value
        self._emit(changed, replaced_nested)

    # -- MutableMapping
    def __getitem__(self, key):
        return self._data[key]

    def __setitem__(self, key, value):
        self._set_many([(key, value)])

    def __delitem__(self, key):
        self._check_open()
        del self._data[key]
        if self._run is not None:
            self._run._write_params(_flatten(self._data), reset=True)

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data

    def update(self, *args, **kwargs):  # one params record for the whole update
        if len(args) > 1:
            raise TypeError("update expected at most 1 positional argument")
        items = []
        if args:
            items.extend(_as_dict(args[0], "config").items())
        items.extend(kwargs.items())
        if items:
            self._set_many(items)

    def clear(self):
        self._check_open()
        self._data.clear()
        if self._run is not None:
            self._run._write_params({}, reset=True)

    # -- attribute access
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError("config has no key %r" % name) from None

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __delattr__(self, name):
        if name.startswith("_"):
            object.__delattr__(self, name)
            return
        try:
            del self[name]
        except KeyError:
            raise AttributeError("config has no key %r" % name) from None

    def to_dict(self):
        """A deep copy of the configuration as a plain (nested) dict."""
        return copy.deepcopy(self._data)

    def __repr__(self):
        return "Config(%r)" % (self._data,)


class _ConfigProxy(MutableMapping):
    """``labbook.config``: the current run's Config.

    Before ``init()`` it collects values that the next ``init()`` takes over.
    """

    def __init__(self):
        object.__setattr__(self, "_pending", Config())

    def _target(self):
        run = _current_run
        if run is not None and not run._finished:
            return run.config
        return self._pending

    def _take_pending(self):
        data = self._pending.to_dict()
        object.__setattr__(self, "_pending", Config())
        return data

    def __getitem__(self, key):
        return self._target()[key]

    def __setitem__(self, key, value):
        self._target()[key] = value

    def __delitem__(self, key):
        del self._target()[key]

    def __iter__(self):
        return iter(self._target())

    def __len__(self):
        return len(self._target())

    def __contains__(self, key):
        return key in self._target()

    def update(self, *args, **kwargs):
        self._target().update(*args, **kwargs)

    def clear(self):
        self._target().clear()

    def to_dict(self):
        return self._target().to_dict()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._target(), name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._target(), name, value)

    def __delattr__(self, name):
        delattr(self._target(), name)

    def __repr__(self):
        return repr(self._target())


_config_proxy = _ConfigProxy()


# --------------------------------------------------------------------------- run


class _KeySteps(object):
    """The steps one metric has values at: sorted, 8 bytes a step."""

    __slots__ = ("steps",)

    def __init__(self):
        self.steps = array("q")

    def next_step(self):
        return self.steps[-1] + 1 if self.steps else 0

    def has(self, step):
        steps = self.steps
        if not steps or step > steps[-1]:
            return False
        i = bisect.bisect_left(steps, step)
        return i < len(steps) and steps[i] == step

    def add(self, step):
        steps = self.steps
        if not steps or step > steps[-1]:
            steps.append(step)
        else:
            steps.insert(bisect.bisect_left(steps, step), step)


class Run(object):
    """One run: a folder holding an append-only ``events.jsonl``.

    Use ``labbook.init()`` to make one. Usable as a context manager: leaving
    the ``with`` block finishes the run, as ``failed`` (with the traceback in
    the status message) if an exception escaped.
    """

    def __init__(self, project=None, name=None, description=None, tags=None,
                 config=None, logdir=None):
        if logdir is None:
            logdir = os.environ.get("LABBOOK_DIR") or DEFAULT_LOGDIR
        self._logdir = os.path.abspath(os.fspath(logdir))
        self.project = str(project) if project is not None else "default"
        self.name = str(name) if name is not None else None
        self.description = str(description) if description is not None else None
        if isinstance(tags, str):
            tags = [tags]
        self.tags = [str(t) for t in tags] if tags is not None else None

        self._lock = threading.RLock()
        self._steps = {}  # metric name -> _KeySteps
        self._finished = False
        self.status = "running"
        self._pid = os.getpid()

        start = time.time()
        os.makedirs(self._logdir, exist_ok=True)
        stamp = datetime.datetime.fromtimestamp(start).strftime("%Y%m%d_%H%M%S")
        for _ in range(100):
            run_id = _new_run_id()
            path = os.path.join(self._logdir, "run-%s-%s" % (stamp, run_id))
            try:
                os.mkdir(path)
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover
            raise RuntimeError("labbook: could not create a new run folder in %s" % self._logdir)
        self._id = run_id
        self._path = path
        self._file = open(os.path.join(path, "events.jsonl"), "ab")

        self.config = Config(config, run=None)

        header = {"t": "header", "format": FORMAT, "version": FORMAT_VERSION,
                  "run_id": run_id, "project": self.project}
        if self.name is not None:
            header["name"] = self.name
        if self.description is not None:
            header["description"] = self.description
        if self.tags is not None:
            header["tags"] = list(self.tags)
        header["time"] = start
        self._write(header)
        self._write({"t": "params", "values": _flatten(self.config._data), "time": time.time()})
        self._write({"t": "status", "status": "running", "time": time.time()})
        object.__setattr__(self.config, "_run", self)

        self._heartbeat_interval = _heartbeat_seconds()
        self._stop = threading.Event()
        self._heartbeat = threading.Thread(target=self._heartbeat_loop,
                                           name="labbook-heartbeat-" + run_id, daemon=True)
        self._heartbeat.start()

    # -- properties
    @property
    def id(self):
        """The run id (also the last part of the folder name)."""
        return self._id

    @property
    def path(self):
        """Absolute path of the run folder."""
        return self._path

    @property
    def logdir(self):
        """Absolute path of the log root the run folder is in."""
        return self._logdir

    @property
    def events_path(self):
        return os.path.join(self._path, "events.jsonl")

    @property
    def finished(self):
        return self._finished

    def __repr__(self):
        return "<labbook.Run %s project=%r name=%r status=%s>" % (
            self._id, self.project, self.name, self.status)

    # -- writing
    def _write(self, record):
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False) + "\n"
        data = line.encode("utf-8")
        with self._lock:
            if self._file is None:
                raise RuntimeError("labbook: run %s is finished" % self._id)
            self._file.write(data)
            self._file.flush()

    def _write_many(self, records):
        data = b"".join(
            (json.dumps(r, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
             + "\n").encode("utf-8") for r in records)
        with self._lock:
            if self._file is None:
                raise RuntimeError("labbook: run %s is finished" % self._id)
            self._file.write(data)
            self._file.flush()

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
        self._write(record)

    def _heartbeat_loop(self):
        while not self._stop.wait(self._heartbeat_interval):
            with self._lock:
                if self._finished or self._file is None:
                    return
                try:
                    self._write({"t": "heartbeat", "time": time.time()})
                except Exception:  # disk full, file gone: keep the program running
                    return

    # -- public API
    def log(self, data, step=None):
        """Log metrics: ``run.log({"loss": 0.5, "acc": 0.8}, step=None)``.

        Without ``step`` every metric goes to its own next step (0, 1, 2, ...);
        with ``step`` all metrics go to that step. A second value for a metric
        at a step it already has is dropped with a warning. Values must be
        numbers (bool, int, float, numpy/torch scalars, numeric strings);
        NaN and infinities are kept.
        """
        self._log(data, step, 3)

    def _log(self, data, step, stacklevel):
        if not isinstance(data, Mapping):
            raise TypeError("labbook.log expects a dict of metric name -> number, not %s"
                            % type(data).__name__)
        if step is not None:
            step = _check_step(step)
        values = []
        for key, value in data.items():
            if not isinstance(key, str):
                raise TypeError("labbook.log: metric names must be strings, got %r" % (key,))
            if not key:
                raise ValueError("labbook.log: metric names must not be empty")
            values.append((key, _metric_value(key, value)))
        dropped = []
        with self._lock:
            self._check_open("log()")
            now = time.time()
            by_step = {}
            for key, value in values:
                steps = self._steps.get(key)
                if steps is None:
                    steps = self._steps[key] = _KeySteps()
                s = steps.next_step() if step is None else step
                if steps.has(s) or key in by_step.get(s, ()):
                    dropped.append((key, s))
                    continue
                by_step.setdefault(s, {})[key] = value
            records = []
            for s in sorted(by_step):
                vals = by_step[s]
                records.append({"t": "metrics", "step": s, "time": now,
                                "values": {k: _float_to_json(v) if isinstance(v, float) else v
                                           for k, v in vals.items()}})
            if records:
                self._write_many(records)
                for s, vals in by_step.items():
                    for key in vals:
                        self._steps[key].add(s)
        for key, s in dropped:
            warnings.warn("labbook.log: metric %r already has a value at step %d; "
                          "the new value is ignored" % (key, s), stacklevel=stacklevel)

    def log_params(self, params):
        """Add or override configuration values (same as ``run.config.update``)."""
        self._check_open("log_params()")
        self.config.update(params)

    def log_tags(self, tags, reset=False):
        """Add tags (or replace all tags with ``reset=True``)."""
        self._check_open("log_tags()")
        if isinstance(tags, str):
            tags = [tags]
        tags = [str(t) for t in tags]
        with self._lock:
            if reset or self.tags is None:
                self.tags = list(tags)
            else:
                self.tags.extend(t for t in tags if t not in self.tags)
            self._write({"t": "tags", "tags": tags, "reset": bool(reset)})

    def set_name(self, name):
        self._check_open("set_name()")
        self.name = str(name)
        self._write({"t": "set", "name": self.name})

    def set_description(self, description):
        self._check_open("set_description()")
        self.description = str(description)
        self._write({"t": "set", "description": self.description})

    def note(self, text):
        """Set the run's markdown note (the last note is the run's note)."""
        self._check_open("note()")
        self._write({"t": "note", "text": str(text), "time": time.time()})

    def finish(self, status="finished", message=None):
        """End the run with status ``finished``, ``failed`` or ``killed``.

        Finishing twice does nothing. Returns True if this call ended the run.
        """
        if status not in ("finished", "failed", "killed"):
            raise ValueError("labbook: finish status must be 'finished', 'failed' or "
                             "'killed', not %r" % (status,))
        global _current_run
        with self._lock:
            if self._finished:
                return False
            self._finished = True
            self.status = status
            self._stop.set()
            record = {"t": "status", "status": status, "time": time.time()}
            if message is not None:
                record["message"] = str(message)
            try:
                self._write(record)
            finally:
                f, self._file = self._file, None
                f.close()
        if self._heartbeat is not threading.current_thread():
            self._heartbeat.join(timeout=1.0)
        with _state_lock:
            if _current_run is self:
                _current_run = None
        return True

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish("finished")
        elif issubclass(exc_type, KeyboardInterrupt):
            self.finish("killed", "".join(traceback.format_exception(exc_type, exc, tb)))
        elif issubclass(exc_type, SystemExit) and (exc.code is None or exc.code == 0):
            self.finish("finished")
        else:
            self.finish("failed", "".join(traceback.format_exception(exc_type, exc, tb)))
        return False


# --------------------------------------------------------------------------- module functions


def _atexit_finish():
    run = _current_run
    if run is not None and not run._finished and run._pid == os.getpid():
        try:
            run.finish("finished")
        except Exception:
            pass


def _excepthook(exc_type, exc, tb):
    run = _current_run
    if run is not None and not run._finished and run._pid == os.getpid():
        try:
            if issubclass(exc_type, KeyboardInterrupt):
                status = "killed"
            else:
                status = "failed"
            run.finish(status, "".join(traceback.format_exception(exc_type, exc, tb)))
        except Exception:
            pass
    _previous_excepthook(exc_type, exc, tb)


_previous_excepthook = sys.excepthook


def _install_hooks():
    global _hooks_installed, _previous_excepthook
    if _hooks_installed:
        return
    _hooks_installed = True
    atexit.register(_atexit_finish)
    _previous_excepthook = sys.excepthook
    sys.excepthook = _excepthook


def init(project=None, name=None, description=None, tags=None, config=None, logdir=None):
    """Start a run and make it the current one (``labbook.run``).

    The run folder goes under ``logdir``, else ``$LABBOOK_DIR``, else
    ``./labbook``. A run that is still open is finished first. Values set on
    ``labbook.config`` before ``init`` are taken into the new run's config
    (``config=`` wins on equal keys).
    """
    global _current_run
    with _state_lock:
        previous = _current_run
        if previous is not None and not previous._finished:
            previous.finish("finished")
        merged = config_pending = _config_proxy._take_pending()
        if config is not None:
            merged = dict(config_pending)
            merged.update(_as_dict(config, "config"))
        run = Run(project=project, name=name, description=description, tags=tags,
                  config=merged, logdir=logdir)
        _current_run = run
        _install_hooks()
        return run


def _require_run(what):
    run = _current_run
    if run is None:
        raise RuntimeError("labbook.%s: no run is active; call labbook.init() first" % what)
    return run


def log(data, step=None):
    """Log metrics to the current run; see ``Run.log``."""
    _require_run("log")._log(data, step, 3)


def finish(status="finished", message=None):
    """Finish the current run (no-op if there is none)."""
    run = _current_run
    if run is None:
        return False
    return run.finish(status, message)


def get_run():
    """The current run, or None."""
    return _current_run
