"""Shared helpers for the labbook SDK tests (real temp dirs, real files)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
SDK_DIR = os.path.dirname(TESTS_DIR)
REPO_DIR = os.path.dirname(os.path.dirname(SDK_DIR))

if SDK_DIR not in sys.path:
    sys.path.insert(0, SDK_DIR)

import labbook  # noqa: E402
from labbook import _core  # noqa: E402

CAPTURE_OFF = {"LABBOOK_CAPTURE_ENV": "0", "LABBOOK_CAPTURE_CONSOLE": "0",
               "LABBOOK_CAPTURE_SYSTEM": "0"}

RUN_DIR_RE = re.compile(r"^run-\d{8}_\d{6}-([0-9a-z]{8,12})$")


def read_lines(events_path):
    """The raw bytes of events.jsonl split into lines; asserts nothing is torn."""
    with open(events_path, "rb") as f:
        data = f.read()
    assert data.endswith(b"\n"), "file does not end with a newline (torn last line)"
    return data[:-1].split(b"\n")


def read_records(events_path):
    """Every record of events.jsonl, parsed strictly (no bare NaN/Infinity tokens)."""
    def no_constants(token):
        raise AssertionError("bare %s token written" % token)
    return [json.loads(line.decode("utf-8"), parse_constant=no_constants)
            for line in read_lines(events_path)]


def events_path(run_or_path):
    path = run_or_path.path if hasattr(run_or_path, "path") else run_or_path
    return os.path.join(path, "events.jsonl")


def run_folders(logdir):
    if not os.path.isdir(logdir):
        return []
    return sorted(os.path.join(logdir, d) for d in os.listdir(logdir)
                  if os.path.isfile(os.path.join(logdir, d, "events.jsonl")))


def of_type(records, t):
    return [r for r in records if r["t"] == t]


class LabbookTestCase(unittest.TestCase):
    """Runs each test in a fresh temp dir as cwd, with LABBOOK_* env cleared."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="labbook-test-")
        self._old_cwd = os.getcwd()
        os.chdir(self.tmp)
        self._old_env = {k: os.environ.pop(k) for k in list(os.environ)
                         if k.startswith("LABBOOK_")}
        # the record-level tests want only what they log; capture tests turn it back on
        os.environ.update(CAPTURE_OFF)
        self.logdir = os.path.join(self.tmp, "labbook")

    def tearDown(self):
        for run in list(_core._open_runs):
            if not run.finished:
                run.finish()
        _core._current_run = None
        _core._config_proxy._take_pending()
        for k in list(os.environ):
            if k.startswith("LABBOOK_"):
                del os.environ[k]
        os.environ.update(self._old_env)
        os.chdir(self._old_cwd)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def init(self, **kwargs):
        kwargs.setdefault("logdir", self.logdir)
        return labbook.init(**kwargs)

    def records(self, run):
        if not run.finished:
            run.flush()
        return read_records(events_path(run))

    def run_script(self, source, env=None, timeout=60):
        """Run a Python script in a subprocess with the SDK importable."""
        script = os.path.join(self.tmp, "script.py")
        with open(script, "w") as f:
            f.write(source)
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = SDK_DIR + os.pathsep + full_env.get("PYTHONPATH", "")
        full_env["LABBOOK_DIR"] = self.logdir
        if env:
            full_env.update(env)
        return subprocess.run([sys.executable, script], cwd=self.tmp, env=full_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=timeout)
