"""``Run``: one run, a folder holding an append-only ``events.jsonl``. Creating, resuming and
finishing it are here; writing, records and files are its parts in ``_run_writer``,
``_run_records`` and ``_run_artifacts``."""

import datetime
import os
import sys
import threading
import time
import traceback
import warnings

from . import _capture, _console, _context, _exit, _lifecycle, _writer
from ._options import (DEFAULT_FLUSH_SECONDS, DEFAULT_SYSTEM_SECONDS, _flag_option,
                       _heartbeat_seconds, _max_pending_bytes, _seconds_option, resolve_logdir)
from ._config import Config
from ._run_artifacts import _RunArtifacts
from ._run_records import _RunRecords
from ._run_writer import _RunWriter
from ._runfiles import _find_run_folder, _read_state
from ._values import _dumps, _flatten, _friendly_name, _new_run_id, _normalize_status, \
    _process_identity, _tags_list

FORMAT = "labbook-run"
FORMAT_VERSION = 1


class Run(_RunWriter, _RunRecords, _RunArtifacts):
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
        self._logdir = resolve_logdir(logdir)
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

        _lifecycle._opened(self, handle_signals)

        self._stop = threading.Event()
        if capture_console:
            try:
                self._console = _console.ConsoleSink(os.path.join(self._path, "console.log"))
                _console.attach_console(self._console)
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
                _console.detach_console(console)
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
            _lifecycle._forget_run(self)
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
        _lifecycle._unsaved(self._id)
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
