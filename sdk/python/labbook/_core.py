"""Run, Config and the module-level state of the Labbook Python writer.

Writes the Labbook run log format, version 1 (docs/run-log-format.md):
one JSON object per line in ``<logdir>/run-<local time>-<id>/events.jsonl``.
Standard library only; Python 3.8+.
"""

import atexit
import copy
import datetime
import json
import math
import operator
import os
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import warnings

from ._alerts import ALERT_LEVELS, parse_condition  # noqa: F401 (labbook.parse_condition)
from ._runfiles import (  # noqa: F401 (kept importable from here)
    _KeySteps, _RUN_ID_RE, _find_run_folder, _read_header, _read_state, _read_status,
    _run_folders)
from . import _capture, _context, _exit, _files, _fork, _image, _writer
from .sweep import env as _sweep_env

try:  # Python 3.3+
    from collections.abc import Mapping, MutableMapping
except ImportError:  # pragma: no cover
    from collections import Mapping, MutableMapping

FORMAT = "labbook-run"
FORMAT_VERSION = 1
DEFAULT_LOGDIR = "labbook"
DEFAULT_HEARTBEAT_SECONDS = 10.0
DEFAULT_FLUSH_SECONDS = 0.5
DEFAULT_SYSTEM_SECONDS = 10.0
MAX_BUFFER_BYTES = 8 * 1024 * 1024  # flush from the logging thread past this
MAX_PENDING_BYTES = 64 * 1024 * 1024  # lines kept while writes fail (full disk); newer ones are lost
MAX_STEP = 2 ** 53 - 1  # steps must be exact in JavaScript (the extension)
STATUSES = ("running", "finished", "failed", "killed")

_state_lock = threading.RLock()
_current_run = None  # the Run made by the last init(), None after finish()
_hooks_installed = False
_unsaved_runs = []  # ids of runs whose final status could not be written
_unsaved_pid = None  # the process they belong to (not a forked child)


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


def _process_identity():
    """Where the run's process is (header ``host`` and ``pid``): the extension marks a running
    run killed at once when this process is gone from this machine."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


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
    if step > MAX_STEP:
        raise ValueError("labbook.log: step must be <= %d (2**53 - 1), got %d" % (MAX_STEP, step))
    return step


def _new_run_id():
    return secrets.token_hex(5)  # 10 hex characters


_NAME_ADJECTIVES = ("amber", "bold", "brisk", "calm", "clever", "cosmic", "crisp", "dapper", "eager", "fancy", "gentle", "golden", "grand", "happy", "hidden", "jolly", "keen", "lively", "lucid", "mellow", "merry", "nimble", "noble", "polar", "proud", "quiet", "rapid", "silver", "sleek", "sunny", "swift", "vivid")
_NAME_NOUNS = ("badger", "bison", "canyon", "comet", "condor", "cedar", "delta", "ember", "falcon", "fjord", "gecko", "glacier", "harbor", "heron", "ibis", "jaguar", "kestrel", "lagoon", "lynx", "maple", "meadow", "nebula", "otter", "panda", "quasar", "raven", "sparrow", "summit", "tundra", "walrus", "willow", "zephyr")


def _friendly_name(run_id):
    """A readable default run name from the run id, e.g. ``swift-otter-417`` (the Node SDK gives the same)."""
    h = 0x811C9DC5
    for byte in str(run_id).encode("utf-8"):  # FNV-1a, 32 bits
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "%s-%s-%d" % (_NAME_ADJECTIVES[h % len(_NAME_ADJECTIVES)],
                          _NAME_NOUNS[(h >> 8) % len(_NAME_NOUNS)], (h >> 16) % 1000)


def _seconds_option(value, env, default):
    """A positive number of seconds: the argument, else $env, else the default."""
    if value is not None:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            raise TypeError("labbook: %s must be a number of seconds, not %r"
                            % (env[8:].lower(), value)) from None
        if not seconds > 0:
            raise ValueError("labbook: %s must be > 0, not %r" % (env[8:].lower(), value))
        return seconds
    raw = os.environ.get(env)
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        warnings.warn("labbook: %s=%r is not a number; using %g" % (env, raw, default))
        return default
    if not seconds > 0:
        return default
    return seconds


def _heartbeat_seconds(value=None):
    return _seconds_option(value, "LABBOOK_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS)


_FALSE = ("0", "false", "no", "off", "")


def _max_pending_bytes():
    """Bytes of records kept in memory while writes fail: LABBOOK_MAX_PENDING_BYTES or 64 MB."""
    try:
        value = int(os.environ.get("LABBOOK_MAX_PENDING_BYTES") or 0)
    except ValueError:
        value = 0
    return value if value > 0 else MAX_PENDING_BYTES


def _flag_option(value, env, default=True):
    """A switch: the argument, else $env (0/false/no/off turn it off), else the default."""
    if value is not None:
        return bool(value)
    raw = os.environ.get(env)
    if raw is None:
        return default
    return raw.strip().lower() not in _FALSE


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

    def _replace(self, data):
        """Replace the whole configuration (one ``params`` record with ``reset``)."""
        self._check_open()
        data = copy.deepcopy(_as_dict(data, "params"))
        object.__setattr__(self, "_data", {str(k): v for k, v in data.items()})
        if self._run is not None:
            self._run._write_params(_flatten(self._data), reset=True)

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


_frepr = float.__repr__
_irepr = int.__repr__
_time = time.time


def _number_text(value):
    """JSON text of an int or float; NaN and infinities as strings."""
    if type(value) is float or isinstance(value, float):
        if value - value == 0.0:
            return _frepr(value)
        if value != value:
            return '"NaN"'
        return '"Infinity"' if value > 0 else '"-Infinity"'
    return _irepr(int(value))


def _dumps(record):
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


_STATUS_ALIASES = {
    "running": "running", "started": "running", "starting": "running", "resuming": "running",
    "finished": "finished", "succeeded": "finished", "success": "finished",
    "done": "finished", "completed": "finished",
    "failed": "failed", "failure": "failed", "error": "failed",
    "killed": "killed", "stopped": "killed", "stopping": "killed", "aborted": "killed",
    "cancelled": "killed", "canceled": "killed", "interrupted": "killed",
}


def _normalize_status(status):
    key = str(status).strip().lower()
    if key not in _STATUS_ALIASES:
        raise ValueError("labbook: unknown status %r (use running, finished, failed or killed)"
                         % (status,))
    return _STATUS_ALIASES[key]


def _tags_list(tags):
    """Tags as a list of strings: a string, a list, or a dict {key: value} -> 'key:value'."""
    if tags is None:
        return []
    if isinstance(tags, str):
        return [tags]
    if isinstance(tags, Mapping):
        out = []
        for key, value in tags.items():
            if value is None or value is True or value == "":
                out.append(str(key))
            else:
                out.append("%s:%s" % (key, value))
        return out
    return [str(t) for t in tags]


_tls = threading.local()
_open_runs = []  # runs of this process not finished yet


def _in_flush():
    return getattr(_tls, "in_flush", 0)


class Run(object):
    """One run: a folder holding an append-only ``events.jsonl``.

    ``labbook.init()`` makes one and makes it the current run; ``Run(...)`` or
    ``Experiment(...).start_run(...)`` make one without touching the current run.
    Usable as a context manager: leaving the ``with`` block finishes the run, as
    ``failed`` (with the traceback in the status message) if an exception escaped.
    """

    def __init__(self, project=None, name=None, description=None, tags=None,
                 config=None, logdir=None, resume=None, capture_env=None, capture_git=None,
                 capture_packages=None, capture_console=None, capture_system=None,
                 system_interval=None, heartbeat_interval=None, flush_interval=None,
                 handle_signals=None):
        if logdir is None:
            logdir = os.environ.get("LABBOOK_DIR") or DEFAULT_LOGDIR
        self._logdir = os.path.abspath(os.fspath(logdir))
        self._lock = threading.RLock()      # run state and the buffer
        self._io_lock = threading.RLock()   # the file; taken before _lock, never after
        self._buf = []
        self._buf_bytes = 0
        self._steps = {}   # metric name -> _KeySteps
        self._keyjs = {}   # metric name -> its JSON text
        self._finished = False
        self._finishing = False
        self.status = "running"
        self._pid = os.getpid()
        self._forked = False  # a forked child's copy: writes at once, never finishes
        self._file = None
        self._console = None
        self._env_thread = None
        self._system_thread = None
        self._heartbeat = None
        self._system_step = 0
        self._artifact_names = set()
        self._image_steps = {}  # image key -> _KeySteps
        self._writer = None
        self._lost = 0  # records given up on while writes failed
        self._dropping = False
        self._max_pending = _max_pending_bytes()
        self._overrides = _context.Overrides()  # env values the program gave itself

        self._heartbeat_interval = _heartbeat_seconds(heartbeat_interval)
        self._flush_interval = _seconds_option(flush_interval, "LABBOOK_FLUSH_SECONDS",
                                               DEFAULT_FLUSH_SECONDS)
        self._system_interval = _seconds_option(system_interval, "LABBOOK_SYSTEM_SECONDS",
                                                DEFAULT_SYSTEM_SECONDS)
        capture_env = _flag_option(capture_env, "LABBOOK_CAPTURE_ENV")
        capture_git = _flag_option(capture_git, "LABBOOK_CAPTURE_GIT")
        capture_packages = _flag_option(capture_packages, "LABBOOK_CAPTURE_PACKAGES")
        capture_console = _flag_option(capture_console, "LABBOOK_CAPTURE_CONSOLE")
        capture_system = _flag_option(capture_system, "LABBOOK_CAPTURE_SYSTEM")
        handle_signals = _flag_option(handle_signals, "LABBOOK_HANDLE_SIGNALS")

        self._start_time = time.time()
        self._start_mono = time.monotonic()
        if resume is None:
            self._create(project, name, description, tags, config)
        else:
            self._resume(resume, project, name, description, tags, config)

        with _state_lock:
            _open_runs.append(self)
        _install_hooks(handle_signals)

        self._stop = threading.Event()
        if capture_console:
            try:
                self._console = _capture.ConsoleSink(os.path.join(self._path, "console.log"))
                _capture.attach_console(self._console)
            except OSError as exc:
                warnings.warn("labbook: console output is not captured: %s" % exc)
                self._console = None
        self._heartbeat = threading.Thread(target=self._background_loop,
                                           name="labbook-writer-" + self._id, daemon=True)
        self._heartbeat.start()
        if capture_env:
            self._env_thread = threading.Thread(
                target=self._capture_env, args=(capture_git, capture_packages, True),
                name="labbook-env-" + self._id, daemon=True)
            self._env_thread.start()
        if capture_system:
            self._system_thread = threading.Thread(
                target=_capture.sampler_loop,
                args=(self._stop, self._system_interval, self._log_system),
                name="labbook-system-" + self._id, daemon=True)
            self._system_thread.start()

    # -- creating and resuming
    def _create(self, project, name, description, tags, config):
        self.project = str(project) if project is not None else "default"
        self.name = str(name) if name is not None else None
        self.description = str(description) if description is not None else None
        self.tags = _tags_list(tags) if tags is not None else None
        start = self._start_time
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
        if self.name is None:
            self.name = _friendly_name(run_id)
        self._file = open(os.path.join(path, "events.jsonl"), "ab", buffering=0)
        self._writer = _writer.LineWriter(self.events_path)
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
        header.update(_process_identity())
        self._append(_dumps(header))
        self._append(_dumps({"t": "params", "values": _flatten(self.config._data),
                             "time": time.time()}))
        self._append(_dumps({"t": "status", "status": "running", "time": time.time()}))
        object.__setattr__(self.config, "_run", self)
        self._flush()

    def _resume(self, resume, project, name, description, tags, config):
        path = _find_run_folder(self._logdir, resume)
        events = os.path.join(path, "events.jsonl")
        state = _read_state(events)
        self._path = path
        self._id = state["run_id"] or os.path.basename(path)
        self.project = state["project"]
        if project is not None and str(project) != self.project:
            warnings.warn("labbook: run %s belongs to project %r; project=%r is ignored"
                          % (self._id, self.project, project), stacklevel=4)
        self.name = state["name"]
        self.description = state["description"]
        self.tags = state["tags"]
        self._steps = state["steps"]
        self._system_step = state["system_step"]
        self._artifact_names = state["artifacts"]
        self._image_steps = {}
        self.config = Config(state["params"], run=None)
        self._file = open(events, "ab", buffering=0)
        self._writer = _writer.LineWriter(events)
        if not state["complete"]:
            self._append("\n")  # end the torn line a killed writer left behind
        self._append(_dumps(dict({"t": "status", "status": "running", "time": time.time(),
                                  "resumed": True}, **_process_identity())))
        object.__setattr__(self.config, "_run", self)
        if config:
            self.config.update(config)
        if name is not None and str(name) != self.name:
            self.set_name(name)
        if description is not None and str(description) != self.description:
            self.set_description(description)
        if tags:
            new = [t for t in _tags_list(tags) if t not in (self.tags or [])]
            if new:
                self.log_tags(new)
        self._flush()

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
    def _append(self, line, flush=False):
        """Buffer one complete line; the flusher thread writes it within the flush interval."""
        with self._lock:
            if self._file is None or self._finished:
                raise RuntimeError("labbook: run %s is finished" % self._id)
            if not self._keep(line):
                return
            self._buf.append(line)
            self._buf_bytes += len(line)
            big = self._buf_bytes > MAX_BUFFER_BYTES
            # while writes fail, the flusher thread retries: no write attempt per record
            failing = self._writer.failing
        if (flush or big or self._forked) and not failing:
            self._flush()
        elif _deferred_signal is not None:
            _handle_deferred_signal()

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
            _tls.in_flush = _in_flush() + 1
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
                _tls.in_flush -= 1
        if _deferred_signal is not None:
            _handle_deferred_signal()

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
                big = (self._buf_bytes > MAX_BUFFER_BYTES or self._forked) and not failing
            else:
                big = False
        if big:
            self._flush()
        elif _deferred_signal is not None:
            _handle_deferred_signal()
        if dropped and warn:
            for key, s in dropped:
                warnings.warn("labbook.log: metric %r already has a value at step %d; "
                              "the new value is ignored" % (key, s), stacklevel=stacklevel)

    # -- params, tags, text
    def log_params(self, params, reset=False):
        """Add or override configuration values; ``reset=True`` replaces them all."""
        self._check_open("log_params()")
        if reset:
            self.config._replace(params)
        else:
            self.config.update(params)

    def log_param(self, key, value):
        """One configuration value (MLflow style)."""
        self._check_open("log_param()")
        self.config[str(key)] = value

    def log_tags(self, tags, reset=False):
        """Add tags (or replace all tags with ``reset=True``)."""
        self._check_open("log_tags()")
        tags = _tags_list(tags)
        with self._lock:
            if reset or self.tags is None:
                self.tags = list(tags)
            else:
                self.tags.extend(t for t in tags if t not in self.tags)
        # never flush while holding _lock: the flusher takes _io_lock, then _lock
        self._record({"t": "tags", "tags": tags, "reset": bool(reset)})

    def set_tags(self, tags):
        """MLflow style: a dict {key: value} becomes tags ``key:value`` (a list is added as is)."""
        self.log_tags(tags)

    def set_tag(self, key, value=None):
        """MLflow style: the tag ``key:value`` (just ``key`` without a value)."""
        self.log_tags({key: value})

    def set_name(self, name):
        self._check_open("set_name()")
        self.name = str(name)
        self._record({"t": "set", "name": self.name})

    def set_description(self, description):
        self._check_open("set_description()")
        self.description = str(description)
        self._record({"t": "set", "description": self.description})

    def note(self, text):
        """Set the run's markdown note (the last note is the run's note)."""
        self._check_open("note()")
        self._record({"t": "note", "text": str(text), "time": time.time()})

    def log_env(self, values=None):
        """Add to the run's environment (top-level keys replace earlier ones and win over
        the automatic capture); ``log_env()`` with no values captures it all again."""
        self._check_open("log_env()")
        if values is None:
            return self._capture_env(True, True)
        values = _jsonable(_as_dict(values, "env"))
        with self._lock:
            self._overrides.given_env(values)
            self._record({"t": "env", "values": values, "time": time.time()}, flush=False)
        self._flush()

    def log_code_ref(self, commit=None, branch=None, url=None, dirty=None):
        """Record the code version by hand (Polyaxon style): the fields given win over the
        captured git info; ``log_code_ref()`` with none captures git again."""
        self._check_open("log_code_ref()")
        if commit is None and branch is None and url is None and dirty is None:
            git = _capture.git_info(self._path)
            if git is None:
                warnings.warn("labbook.log_code_ref: %s is not in a git repository (or git is "
                              "missing); nothing recorded" % os.getcwd(), stacklevel=2)
                return None
            with self._lock:
                self._overrides.recaptured({"git": git})
                self._record({"t": "env", "values": {"git": _jsonable(git)},
                              "time": time.time()}, flush=False)
            return self._flush()
        git = {}
        if commit is not None:
            git["commit"] = str(commit)
        if branch is not None:
            git["branch"] = str(branch)
        if url is not None:
            git["remote"] = _capture._strip_credentials(str(url))
        if dirty is not None:
            git["dirty"] = bool(dirty)
        with self._lock:
            git = self._overrides.given_git(git)
            self._record({"t": "env", "values": {"git": _jsonable(git)}, "time": time.time()},
                         flush=False)
        self._flush()

    # -- status
    def log_status(self, status, message=None):
        """Set the status: ``running`` (a status record) or a final one, which finishes the run.

        Polyaxon/MLflow names are understood: succeeded, stopped, FINISHED, KILLED...
        """
        status = _normalize_status(status)
        if status == "running":
            self._check_open("log_status()")
            record = {"t": "status", "status": "running", "time": time.time()}
            if message is not None:
                record["message"] = str(message)
            self._record(record)
            return True
        return self.finish(status, message)

    def log_succeeded(self, message=None):
        return self.finish("finished", message)

    def log_failed(self, message=None, traceback=None):
        if traceback is not None:
            message = ("%s\n\n%s" % (message, traceback)) if message else str(traceback)
        return self.finish("failed", message)

    def log_stopped(self, message=None):
        return self.finish("killed", message)

    # -- files
    def get_outputs_path(self):
        """The run's ``artifacts/`` folder (created). Files saved there are recorded as
        artifacts when the run finishes."""
        path = os.path.join(self._path, "artifacts")
        os.makedirs(path, exist_ok=True)
        return path

    outputs_path = property(get_outputs_path)

    def _copy_artifact(self, src, name):
        dest = os.path.join(self._path, "artifacts", *name.split("/"))
        size, sha = _files.copy_file(src, dest)
        self._record({"t": "artifact", "path": "artifacts/" + name, "name": name,
                      "size": size, "sha256": sha, "time": time.time()})
        with self._lock:
            self._artifact_names.add(name)
        return name

    def log_image(self, key, image, step=None, caption=None):
        """Log an image under ``key`` at a step; returns its artifact name.

        ``image`` is a path to a PNG/JPEG/GIF/WebP/BMP file, its bytes, a PIL image, or pixels
        (numpy array, torch tensor or nested lists, H×W, H×W×C or C×H×W; floats in 0..1). It is
        stored as ``artifacts/images/<key>/step_<step>.<ext>``; the extension shows each key as a
        card with a slider through the steps. Steps follow the rules of ``log``: without ``step``
        the key's next step, and a second image for a key and step is dropped with a warning.
        """
        self._check_open("log_image()")
        key_path = _files.clean_artifact_path(key)
        if not key_path:
            raise ValueError("labbook.log_image: the key must not be empty")
        if step is not None:
            step = _check_step(step)
        data, ext = _image.image_bytes(image)
        with self._lock:
            ks = self._image_steps.get(key_path)
            if ks is None:
                ks = self._image_steps[key_path] = _KeySteps(self._image_steps_of(key_path))
            s = ks.next_step() if step is None else step
            if ks.has(s):
                warnings.warn("labbook.log_image: %r already has an image at step %d; the new one "
                              "is ignored" % (key_path, s), stacklevel=2)
                return None
            ks.add(s)
        name = "images/%s/step_%d.%s" % (key_path, s, ext)
        dest = os.path.join(self._path, "artifacts", *name.split("/"))
        size, sha = _files.write_bytes(dest, data)
        record = {"t": "artifact", "path": "artifacts/" + name, "name": name, "size": size,
                  "sha256": sha, "time": time.time(), "step": s}
        if caption is not None:
            record["caption"] = str(caption)
        self._record(record)
        with self._lock:
            self._artifact_names.add(name)
        return name

    def _image_steps_of(self, key_path):
        """Steps a key already has images at (a resumed run), from the artifact names."""
        prefix = "images/%s/step_" % key_path
        steps = set()
        for name in self._artifact_names:
            if name.startswith(prefix):
                head = name[len(prefix):].split(".", 1)[0]
                if head.isdigit():
                    steps.add(int(head))
        return sorted(steps)

    def log_artifact(self, path, artifact_path=None):
        """Copy a file into ``<run>/artifacts/[artifact_path/]<file name>``; returns its name.

        A folder is copied as ``log_artifacts`` would, under its own name.
        """
        self._check_open("log_artifact()")
        src = os.fspath(path)
        if os.path.isdir(src):
            base = os.path.basename(os.path.normpath(os.path.abspath(src)))
            prefix = _files.clean_artifact_path(artifact_path)
            return self.log_artifacts(src, prefix + "/" + base if prefix else base)
        if not os.path.isfile(src):
            raise FileNotFoundError("labbook.log_artifact: no such file: %r" % (src,))
        prefix = _files.clean_artifact_path(artifact_path)
        base = os.path.basename(src)
        return self._copy_artifact(src, prefix + "/" + base if prefix else base)

    def log_artifacts(self, local_dir, artifact_path=None):
        """Copy every file below ``local_dir`` into ``<run>/artifacts/[artifact_path/]``.

        Symbolic links are followed only when they point inside ``local_dir``.
        Returns the artifact names.
        """
        self._check_open("log_artifacts()")
        src = os.fspath(local_dir)
        if not os.path.isdir(src):
            raise NotADirectoryError("labbook.log_artifacts: not a folder: %r" % (src,))
        prefix = _files.clean_artifact_path(artifact_path)
        files, skipped = _files.walk_tree(src)
        run_real = os.path.realpath(self._path)
        src_in_run = _files._inside(os.path.realpath(src), run_real)
        names = []
        for rel, abs_path in files:
            if not src_in_run and _files._inside(os.path.realpath(abs_path), run_real):
                continue  # never copy the run's own folder into itself
            names.append(self._copy_artifact(abs_path, prefix + "/" + rel if prefix else rel))
        if skipped:
            warnings.warn("labbook.log_artifacts: skipped %d entr%s that %s not a regular file "
                          "inside %r (links out of the folder are not followed): %s"
                          % (len(skipped), "y" if len(skipped) == 1 else "ies",
                             "is" if len(skipped) == 1 else "are", src,
                             ", ".join(skipped[:10])), stacklevel=2)
        return names

    def _record_outputs(self):
        """Artifacts saved straight into get_outputs_path() get their records."""
        root = os.path.join(self._path, "artifacts")
        if not os.path.isdir(root):
            return
        files, _ = _files.walk_tree(root)
        for rel, abs_path in files:
            if rel in self._artifact_names or ".tmp-" in os.path.basename(rel):
                continue
            size, sha = _files.hash_file(abs_path)
            self._record({"t": "artifact", "path": "artifacts/" + rel, "name": rel,
                          "size": size, "sha256": sha, "time": time.time()}, flush=False)
            self._artifact_names.add(rel)

    def log_dataset(self, name, path=None, uri=None, description=None, context=None):
        """Record data the run used: a local file or folder (size and sha256) or a URI."""
        self._check_open("log_dataset()")
        if name is None or str(name) == "":
            raise ValueError("labbook.log_dataset: a name is required")
        record = {"t": "dataset", "name": str(name)}
        local = os.fspath(path) if path is not None else None
        if local is not None and "://" in local and not os.path.exists(local):
            uri, local = uri or local, None
        if local is not None:
            if os.path.isfile(local):
                size, sha = _files.hash_file(local)
            elif os.path.isdir(local):
                size, sha, skipped = _files.hash_tree(local)
                if skipped:
                    warnings.warn("labbook.log_dataset: %d entries of %r are not hashed (links "
                                  "out of the folder, special files)" % (len(skipped), local),
                                  stacklevel=2)
            else:
                raise FileNotFoundError("labbook.log_dataset: no such file or folder: %r"
                                        % (local,))
            record["path"] = local
            record["size"] = size
            record["sha256"] = sha
        if uri is not None:
            record["uri"] = str(uri)
        if local is None and uri is None:
            raise ValueError("labbook.log_dataset: give a local path= or a remote uri=")
        if description is not None:
            record["description"] = str(description)
        if context is not None:
            record["context"] = str(context)
        record["time"] = time.time()
        self._record(record)
        return record

    log_data_ref = log_dataset

    # -- alerts
    def create_alert(self, condition, message=None, level="warning"):
        """Ask Labbook to notify once when a logged value meets ``condition``
        (``"<metric> <op> <number>"``, op one of > >= < <= == !=)."""
        self._check_open("create_alert()")
        metric, op, number = parse_condition(condition)
        if level not in ALERT_LEVELS:
            raise ValueError("labbook.create_alert: level must be one of %s, not %r"
                             % (", ".join(ALERT_LEVELS), level))
        record = {"t": "alert", "condition": "%s %s %s" % (metric, op, number)}
        if message is not None:
            record["message"] = str(message)
        record["level"] = level
        record["time"] = time.time()
        self._record(record)
        return record["condition"]

    # -- the end
    def finish(self, status="finished", message=None):
        """End the run with status ``finished``, ``failed`` or ``killed``.

        Finishing twice does nothing. Returns True if this call ended the run.
        """
        status = _normalize_status(status)  # also Completed, succeeded, stopped, KILLED...
        if status == "running":
            raise ValueError("labbook: finish status must be 'finished', 'failed' or "
                             "'killed', not 'running'")
        with self._lock:
            if self._finished or self._finishing:
                return False
            self._finishing = True
        if self._forked or os.getpid() != self._pid:  # a forked child: the parent owns the run
            self._flush()
            with self._lock:
                self._finished = True
            return False
        current = threading.current_thread()
        console = self._console
        try:
            self._stop.set()
            patience = 1.0 if status == "killed" else 10.0
            for thread in (self._env_thread, self._system_thread):
                if thread is not None and thread is not current and thread.is_alive():
                    thread.join(timeout=patience)
            if console is not None:
                _capture.detach_console(console)
            try:
                self._record_outputs()
            except Exception:
                pass
            status, message = self._count_losses(status, message)
            now = time.time()
            record = {"t": "status", "status": status, "time": now,
                      "duration": round(time.monotonic() - self._start_mono, 3)}
            if message is not None:
                record["message"] = str(message)
            line = _dumps(record)
            with self._lock:
                if self._file is not None:
                    self._buf.append(line)
                self._finished = True
                self.status = status
            self._flush()
            if self._buf and self._writer is not None and self._writer.failing:
                self._report_unsaved()
        finally:
            with self._io_lock:
                with self._lock:
                    self._finished = True
                    f, self._file = self._file, None
                if f is not None:
                    try:
                        f.close()
                    except OSError:
                        pass
            if console is not None:
                console.close()
                self._console = None
            if self._heartbeat is not None and self._heartbeat is not current:
                self._heartbeat.join(timeout=1.0)
            _forget_run(self)
        return True

    end = finish

    def _count_losses(self, status, message):
        """The final status and message once the lines still waiting had a last try:
        if records were lost, the run failed, and the message says how many."""
        self._flush()
        with self._lock:
            if self._writer is not None and self._writer.failing and self._buf:
                self._lost += len(self._buf)  # given up on: the status line gets the room left
                del self._buf[:]
                self._buf_bytes = 0
            lost = self._lost
        if not lost:
            return status, message
        reason = "disk full: %d records could not be written (%s)" % (lost, self._writer.error
                                                                      or "the disk had no room")
        if status == "finished":
            status = "failed"
        return status, reason if message is None else "%s\n%s" % (message, reason)

    def _report_unsaved(self):
        """The final status could not be written: say so, and make the process exit with 1."""
        global _unsaved_pid
        with _state_lock:
            _unsaved_runs.append(self._id)
            _unsaved_pid = os.getpid()
        try:
            sys.stderr.write("labbook: run %s could not be saved: its final status and %d earlier "
                             "records were not written to %s (%s)\n"
                             % (self._id, self._lost, self.events_path, self._writer.error))
            sys.stderr.flush()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish("finished")
        elif issubclass(exc_type, KeyboardInterrupt):
            self.finish("killed", "".join(traceback.format_exception(exc_type, exc, tb)))
        elif issubclass(exc_type, SystemExit):
            self.finish(*_exit.status_for(exc.code))
        else:
            self.finish("failed", "".join(traceback.format_exception(exc_type, exc, tb)))
        return False


# --------------------------------------------------------------------------- experiments


class Experiment(object):
    """An experiment (project): a name under a log root that runs belong to.

        exp = labbook.Experiment("mnist")
        with exp.start_run(name="lr-0.1", config={"lr": 0.1}) as run:
            run.log({"loss": 0.3})

    Runs started here are independent of ``labbook.init()``'s current run.
    """

    def __init__(self, name="default", logdir=None):
        self.name = str(name)
        if logdir is None:
            logdir = os.environ.get("LABBOOK_DIR") or DEFAULT_LOGDIR
        self.logdir = os.path.abspath(os.fspath(logdir))

    def start_run(self, name=None, description=None, tags=None, config=None, resume=None,
                  **options):
        """A new run of this experiment (or ``resume=<run id>`` to continue one)."""
        return Run(project=self.name, name=name, description=description, tags=tags,
                   config=config, logdir=self.logdir, resume=resume, **options)

    def resume_run(self, run_id, **options):
        return self.start_run(resume=run_id, **options)

    def list_runs(self):
        """The runs of this experiment under its log root: dicts with id, name, path,
        status and start time, oldest first."""
        runs = []
        for folder in _run_folders(self.logdir):
            events = os.path.join(folder, "events.jsonl")
            header = _read_header(events)
            if header is None or header.get("project", "default") != self.name:
                continue
            state = _read_status(events)
            runs.append({"id": header.get("run_id"), "name": state[1] or header.get("name"),
                         "path": folder, "status": state[0], "time": header.get("time")})
        runs.sort(key=lambda r: (r["time"] or 0, r["path"]))
        return runs

    def __repr__(self):
        return "<labbook.Experiment %r in %s>" % (self.name, self.logdir)


def create_experiment(name, logdir=None):
    """An ``Experiment`` (Podstack style); nothing is written until a run starts."""
    return Experiment(name, logdir)


# --------------------------------------------------------------------------- process hooks


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


# --------------------------------------------------------------------------- module functions


def init(project=None, name=None, description=None, tags=None, config=None, logdir=None,
         resume=None, **options):
    """Start a run and make it the current one (``labbook.run``).

    The run folder goes under ``logdir``, else ``$LABBOOK_DIR``, else
    ``./labbook``. ``resume=<run id>`` appends to that run instead. A run that
    is still open is finished first. Values set on ``labbook.config`` before
    ``init`` are taken into the new run's config (``config=`` wins on equal keys).

    Options (each also an environment variable): ``capture_env``, ``capture_git``,
    ``capture_packages``, ``capture_console``, ``capture_system`` (True/False),
    ``system_interval``, ``heartbeat_interval``, ``flush_interval`` (seconds),
    ``handle_signals``.
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
        # Inside a sweep trial (an agent set LABBOOK_SWEEP_*): the trial's values and tags.
        merged, tags = _sweep_env.apply(merged, tags)
        run = Run(project=project, name=name, description=description, tags=tags,
                  config=merged if (merged or resume is None) else None, logdir=logdir,
                  resume=resume, **options)
        _current_run = run
    _sweep_env.started(run)
    return run


def _require_run(what):
    run = _current_run
    if run is None:
        raise RuntimeError("labbook.%s: no run is active; call labbook.init() first" % what)
    return run


def log(data, step=None):
    """Log metrics to the current run; see ``Run.log``."""
    run = _current_run
    if run is None:
        raise RuntimeError("labbook.log: no run is active; call labbook.init() first")
    run._log(data, step, 3)


def log_metrics(metrics, step=None):
    _require_run("log_metrics")._log(metrics, step, 3)


def log_metric(key, value, step=None):
    _require_run("log_metric")._log({key: value}, step, 3)


def finish(status="finished", message=None):
    """Finish the current run (no-op if there is none)."""
    run = _current_run
    if run is None:
        return False
    return run.finish(status, message)


_MLFLOW_STATUS = {"FINISHED": "finished", "FAILED": "failed", "KILLED": "killed"}


def end_run(status="FINISHED"):
    """MLflow style ``finish``: status FINISHED, FAILED or KILLED (any case)."""
    return finish(_MLFLOW_STATUS.get(str(status).upper(), _normalize_status(status)))


def start_run(run_id=None, experiment_name=None, run_name=None, tags=None, description=None,
              config=None, logdir=None, **options):
    """MLflow style ``init``: ``start_run(run_name="lr-0.1", experiment_name="mnist")``.

    ``run_id`` resumes that run; ``tags`` may be a dict (``key:value`` tags).
    """
    project = options.pop("project", None) or experiment_name
    return init(project=project, name=run_name, description=description,
                tags=_tags_list(tags) if tags is not None else None, config=config,
                logdir=logdir, resume=run_id, **options)


def get_run():
    """The current run, or None."""
    return _current_run


active_run = get_run


def _run_method(name, doc=None):
    def call(*args, **kwargs):
        return getattr(_require_run(name), name)(*args, **kwargs)
    call.__name__ = name
    call.__doc__ = doc or "Calls ``Run.%s`` on the current run." % name
    return call


log_params = _run_method("log_params")
log_param = _run_method("log_param")
log_tags = _run_method("log_tags")
set_tags = _run_method("set_tags")
set_tag = _run_method("set_tag")
set_name = _run_method("set_name")
set_description = _run_method("set_description")
note = _run_method("note")
log_env = _run_method("log_env")
log_code_ref = _run_method("log_code_ref")
log_status = _run_method("log_status")
log_succeeded = _run_method("log_succeeded")
log_failed = _run_method("log_failed")
log_stopped = _run_method("log_stopped")
log_artifact = _run_method("log_artifact")
log_image = _run_method("log_image")
log_artifacts = _run_method("log_artifacts")
log_dataset = _run_method("log_dataset")
log_data_ref = _run_method("log_data_ref")
create_alert = _run_method("create_alert")
get_outputs_path = _run_method("get_outputs_path")


def flush():
    """Write the current run's buffered records to disk now (no-op without a run)."""
    run = _current_run
    if run is not None:
        run.flush()
