"""What a run records besides metrics: parameters, tags, name, description, note,
environment, code version, status changes and alerts."""

import os
import time
import warnings

from . import _capture
from ._alerts import ALERT_LEVELS, parse_condition
from ._values import _as_dict, _jsonable, _normalize_status, _tags_list


class _RunRecords(object):
    """Part of ``Run``: the calls that each append one record."""

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
