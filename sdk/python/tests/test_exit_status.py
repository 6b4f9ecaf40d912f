"""The table "Status: how a run ends" (docs/python-sdk.md), row by row, in real processes."""

import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

from helpers import LabbookTestCase, SDK_DIR, events_path, of_type, read_records, run_folders

PRELUDE = "import os, signal, sys, time, labbook\n"

# (row, script body, expected exit code, expected status, expected message or None)
TABLE = [
    ("returns normally", "labbook.init()\n", 0, "finished", None),
    ("sys.exit()", "labbook.init()\nsys.exit()\n", 0, "finished", None),
    ("sys.exit(0)", "labbook.init()\nsys.exit(0)\n", 0, "finished", None),
    ("sys.exit(None)", "labbook.init()\nsys.exit(None)\n", 0, "finished", None),
    ("sys.exit(1)", "labbook.init()\nsys.exit(1)\n", 1, "failed", "exit code 1"),
    ("sys.exit(2) in with", "with labbook.init():\n    sys.exit(2)\n", 2, "failed",
     "exit code 2"),
    ("sys.exit(0) in with", "with labbook.init():\n    sys.exit(0)\n", 0, "finished", None),
    ("sys.exit(text)", "labbook.init()\nsys.exit('no data')\n", 1, "failed", "no data"),
    ("sys.exit(130)", "labbook.init()\nsys.exit(130)\n", 130, "killed", "exit code 130"),
    ("sys.exit(143)", "labbook.init()\nsys.exit(143)\n", 143, "killed", "exit code 143"),
    ("exception", "labbook.init()\nraise ValueError('boom')\n", 1, "failed", "ValueError"),
    ("KeyboardInterrupt", "labbook.init()\nraise KeyboardInterrupt\n", -signal.SIGINT, "killed", None),
]

SIGNAL_TABLE = [
    ("SIGTERM, no handler", "", -signal.SIGTERM, "killed", "killed by SIGTERM"),
    ("SIGTERM, own handler exits 0", "sys.exit(0)", 0, "finished", None),
    ("SIGTERM, own handler exits 1", "sys.exit(1)", 1, "failed", "exit code 1"),
    ("SIGTERM, own handler exits 143", "sys.exit(143)", 143, "killed", "exit code 143"),
    ("SIGTERM, own handler raises", "raise RuntimeError('stop')", 1, "failed", "RuntimeError"),
]


class ExitStatusTable(LabbookTestCase):
    def final(self):
        folders = run_folders(self.logdir)
        self.assertEqual(len(folders), 1)
        recs = read_records(events_path(folders[0]))
        shutil.rmtree(folders[0])  # the next row starts with no run
        statuses = of_type(recs, "status")
        self.assertEqual(statuses[-1], recs[-1])
        return statuses[-1]

    def check(self, row, code, status, message, returncode, final):
        self.assertEqual(returncode, code, row)
        self.assertEqual(final["status"], status, row)
        if message is not None:
            self.assertIn(message, final.get("message", ""), row)

    def test_exit_table(self):
        for row, body, code, status, message in TABLE:
            with self.subTest(row=row):
                proc = self.run_script(PRELUDE + body)
                self.check(row, code, status, message, proc.returncode, self.final())

    def test_signal_table(self):
        for row, handler, code, status, message in SIGNAL_TABLE:
            with self.subTest(row=row):
                source = PRELUDE
                if handler:
                    source += "def on_term(s, f):\n    %s\nsignal.signal(signal.SIGTERM, on_term)\n" \
                        % handler
                source += ("labbook.init()\nprint('ready', flush=True)\n"
                           "while True:\n    time.sleep(0.01)\n")
                script = os.path.join(self.tmp, "sig.py")
                with open(script, "w") as f:
                    f.write(source)
                env = dict(os.environ, PYTHONPATH=SDK_DIR, LABBOOK_DIR=self.logdir)
                proc = subprocess.Popen([sys.executable, script], cwd=self.tmp, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        universal_newlines=True)
                self.assertEqual(proc.stdout.readline().strip(), "ready")
                proc.send_signal(signal.SIGTERM)
                proc.communicate(timeout=30)
                self.check(row, code, status, message, proc.returncode, self.final())

    def test_os_exit_keeps_what_was_flushed(self):
        proc = self.run_script(PRELUDE + "run = labbook.init()\n"
                               "run.log({'a': 1})\nlabbook.flush()\nrun.log({'a': 2})\n"
                               "os._exit(3)\n")
        self.assertEqual(proc.returncode, 3)
        recs = read_records(events_path(run_folders(self.logdir)[0]))
        self.assertEqual([m["values"]["a"] for m in of_type(recs, "metrics")], [1])
        self.assertEqual([s["status"] for s in of_type(recs, "status")], ["running"])


if __name__ == "__main__":
    unittest.main()
