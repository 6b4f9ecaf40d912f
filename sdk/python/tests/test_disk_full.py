"""A full disk (ENOSPC) or a file size limit (EFBIG): no record glued onto a torn line,
failed lines retried, the loss visible in the run's status, stderr and exit status."""

import errno
import io
import json
import os
import re
import sys
import textwrap
import unittest
import warnings
from contextlib import redirect_stderr

from helpers import LabbookTestCase, events_path, run_folders
from labbook import _core

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None

REASON = re.compile(r"disk full: (\d+) records could not be written")


class FullDisk(object):
    """Stands in for a run's file: takes ``room`` more bytes, then fails as a full disk does
    (a write that does not fit writes what fits, the next one raises ENOSPC) until freed."""

    def __init__(self, f, room):
        self.f = f
        self.room = room
        self.refused = 0

    def write(self, data):
        data = bytes(data)
        if self.room is not None:
            if self.room <= 0:
                self.refused += 1
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            data = data[:self.room]
            self.room -= len(data)
        return self.f.write(data)

    def free(self):
        self.room = None

    def close(self):
        self.f.close()


def file_lines(path):
    """(parsed records, unparsable lines, what follows the last newline) of a file; asserts
    that no record is glued onto a torn one."""
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    tail = lines.pop()
    records, torn = [], []
    for line in lines:
        try:
            records.append(json.loads(line.decode("utf-8")))
        except ValueError:
            torn.append(line)
    for piece in torn + ([tail] if tail else []):
        assert piece.count(b'{"t":') == 1, "records glued into one line: %r" % piece
    return records, torn, tail


def steps_of(records, key="loss"):
    return [r["step"] for r in records if r["t"] == "metrics" and key in r["values"]]


def statuses(records):
    return [r for r in records if r["t"] == "status"]


class InProcessFullDisk(LabbookTestCase):
    """ENOSPC simulated under the run's writer, in this process."""

    def setUp(self):
        super().setUp()
        self.old_pending = getattr(_core, "MAX_PENDING_BYTES", None)

    def tearDown(self):
        if self.old_pending is not None:
            _core.MAX_PENDING_BYTES = self.old_pending
        getattr(_core, "_unsaved_runs", []).clear()  # this process's exit status is not the test's
        super().tearDown()

    def start(self, room):
        run = self.init(project="p", flush_interval=3600, heartbeat_interval=3600)
        run.flush()
        disk = FullDisk(run._file, room)
        run._file = disk
        return run, disk

    def test_no_record_is_glued_to_a_torn_line_and_failed_lines_are_retried(self):
        run, disk = self.start(room=30)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for i in range(10):
                run.log({"loss": float(i)})
                run.flush()
            disk.free()
            for i in range(10, 20):
                run.log({"loss": float(i)})
            run.finish()
        records, torn, tail = file_lines(events_path(run))
        self.assertEqual(tail, b"", "the file ends inside a line")
        self.assertLessEqual(len(torn), 1)
        self.assertEqual(steps_of(records), list(range(20)), "every record is there once")
        self.assertEqual([s["status"] for s in statuses(records)], ["running", "finished"])
        ours = [w for w in caught if "labbook" in str(w.message)]
        self.assertEqual(len(ours), 1, [str(w.message) for w in ours])
        self.assertIn("No space left on device", str(ours[0].message))

    def test_lines_past_the_memory_bound_are_lost_and_the_run_ends_failed_with_the_count(self):
        _core.MAX_PENDING_BYTES = 4000
        run, disk = self.start(room=0)
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            run.log_params({"a": 1})  # written at once: the disk is found full
            for i in range(500):
                run.log({"loss": float(i)})
            run.flush()
            disk.free()
            run.finish()
        records, torn, _ = file_lines(events_path(run))
        steps = steps_of(records)
        self.assertGreater(len(steps), 10)
        self.assertEqual(steps, list(range(len(steps))), "the oldest records are kept")
        final = statuses(records)[-1]
        self.assertEqual(final["status"], "failed")
        match = REASON.search(final["message"])
        self.assertIsNotNone(match, final["message"])
        self.assertEqual(int(match.group(1)), 500 - len(steps))
        self.assertEqual(run.status, "failed")

    def test_a_failed_run_keeps_its_own_message_and_adds_the_reason(self):
        _core.MAX_PENDING_BYTES = 1000
        run, disk = self.start(room=0)
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            run.log_params({"a": 1})
            for i in range(100):
                run.log({"loss": float(i)})
            disk.free()
            run.finish("failed", "Traceback: boom")
        final = statuses(file_lines(events_path(run))[0])[-1]
        self.assertEqual(final["status"], "failed")
        self.assertIn("Traceback: boom", final["message"])
        self.assertRegex(final["message"], REASON)

    def test_when_even_the_final_status_cannot_be_written_stderr_says_so(self):
        run, disk = self.start(room=45)
        err = io.StringIO()
        with warnings.catch_warnings(record=True), redirect_stderr(err):
            warnings.simplefilter("always")
            for i in range(20):
                run.log({"loss": float(i)})
            run.finish()
        self.assertTrue(run.finished)
        records, _, _ = file_lines(events_path(run))
        self.assertEqual([s["status"] for s in statuses(records)], ["running"])
        self.assertIn("final status", err.getvalue())
        self.assertIn(run.id, err.getvalue())
        self.assertIn(run.id, _core._unsaved_runs)

    def test_logging_while_full_does_not_try_a_write_per_call(self):
        run, disk = self.start(room=0)
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            run.flush()
            big = "x" * (_core.MAX_BUFFER_BYTES // 50)
            for i in range(200):
                run.log_params({"p%d" % i: big})
            self.assertLess(disk.refused, 20)
            disk.free()
            run.finish()


@unittest.skipIf(resource is None or not hasattr(resource, "RLIMIT_FSIZE"), "needs RLIMIT_FSIZE")
class FileSizeLimit(LabbookTestCase):
    """A real limit on file size (``ulimit -f``) in a child process, SIGXFSZ ignored: writes
    past it fail with EFBIG, as on a full disk."""

    SCRIPT = textwrap.dedent("""
        import os, resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        import labbook
        from labbook import _core
        _core.MAX_PENDING_BYTES = int(sys.argv[2])
        run = labbook.init(project="p", flush_interval=3600, heartbeat_interval=3600)
        run.flush()
        size = os.path.getsize(run.events_path)
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 100, hard))
        for i in range(200):
            labbook.log({"loss": float(i)})
            if i % 10 == 0:
                run.flush()
        if sys.argv[1] == "freed":
            resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        labbook.log({"loss": 200.0})
        print("done")
        labbook.finish()
    """)

    def run_child(self, mode, max_pending):
        script = os.path.join(self.tmp, "fsize.py")
        with open(script, "w") as f:
            f.write(self.SCRIPT)
        import subprocess
        from helpers import SDK_DIR
        env = dict(os.environ, PYTHONPATH=SDK_DIR, LABBOOK_DIR=self.logdir)
        proc = subprocess.run([sys.executable, script, mode, str(max_pending)], cwd=self.tmp,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=60)
        self.assertIn("done", proc.stdout, proc.stderr)
        folders = run_folders(self.logdir)
        self.assertEqual(len(folders), 1)
        return proc, file_lines(events_path(folders[0]))

    def test_limit_lifted_before_the_end_every_record_is_written(self):
        proc, (records, torn, tail) = self.run_child("freed", 1 << 20)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(tail, b"")
        self.assertEqual(steps_of(records), list(range(201)))
        self.assertEqual(statuses(records)[-1]["status"], "finished")
        self.assertEqual(proc.stderr.count("UserWarning: labbook: could not write"), 1, proc.stderr)
        self.assertIn("File too large", proc.stderr)

    def test_limit_lifted_with_records_lost_the_run_ends_failed_with_the_count(self):
        proc, (records, torn, tail) = self.run_child("freed", 2000)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        final = statuses(records)[-1]
        self.assertEqual(final["status"], "failed")
        match = REASON.search(final["message"])
        self.assertIsNotNone(match, final)
        self.assertEqual(int(match.group(1)), 201 - len(steps_of(records)))

    def test_limit_never_lifted_the_script_exits_non_zero_and_says_why(self):
        proc, (records, torn, tail) = self.run_child("full", 1 << 20)
        self.assertEqual([s["status"] for s in statuses(records)], ["running"])
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("final status", proc.stderr)


if __name__ == "__main__":
    unittest.main()
