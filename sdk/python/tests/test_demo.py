"""Smoke tests of demo/train.py and demo/make_demo.py (real processes, real files)."""

import os
import subprocess
import sys
import time
import unittest

from helpers import LabbookTestCase, REPO_DIR, events_path, of_type, read_records, run_folders

DEMO_DIR = os.path.join(REPO_DIR, "demo")
TRAIN = os.path.join(DEMO_DIR, "train.py")
MAKE_DEMO = os.path.join(DEMO_DIR, "make_demo.py")


@unittest.skipUnless(os.path.isfile(TRAIN) and os.path.isfile(MAKE_DEMO), "demo/ not present")
class DemoTests(LabbookTestCase):

    def python(self, *args):
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)  # train.py must find the SDK by itself
        return subprocess.run([sys.executable] + list(args), cwd=self.tmp, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=120)

    def test_train_logs_every_epoch(self):
        proc = self.python(TRAIN, "--epochs", "5", "--hidden", "8", "--lr", "0.2",
                           "--project", "proj", "--name", "smoke", "--logdir", "out")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        folders = run_folders(os.path.join(self.tmp, "out"))
        self.assertEqual(len(folders), 1)
        recs = read_records(events_path(folders[0]))
        header = recs[0]
        self.assertEqual((header["project"], header["name"]), ("proj", "smoke"))
        params = recs[1]["values"]
        for key in ("lr", "epochs", "batch_size", "seed", "model.hidden", "model.activation",
                    "optimizer.momentum", "lr_schedule.decay", "data.name"):
            self.assertIn(key, params)
        self.assertEqual(params["model.hidden"], 8)
        metrics = of_type(recs, "metrics")
        self.assertEqual([m["step"] for m in metrics], list(range(5)))
        for m in metrics:
            self.assertEqual(sorted(m["values"]),
                             ["lr", "train/acc", "train/loss", "val/acc", "val/loss"])
        lrs = [m["values"]["lr"] for m in metrics]
        self.assertEqual(lrs, sorted(lrs, reverse=True))
        self.assertGreater(metrics[-1]["values"]["val/acc"], 0.7)
        self.assertEqual(len(of_type(recs, "note")), 1)
        self.assertEqual(recs[-1]["status"], "finished")

    def test_diverging_run_fails(self):
        proc = self.python(TRAIN, "--loss", "mse", "--lr", "0.5", "--logdir", "out")
        self.assertNotEqual(proc.returncode, 0)
        recs = read_records(events_path(run_folders(os.path.join(self.tmp, "out"))[0]))
        last = recs[-1]
        self.assertEqual(last["status"], "failed")
        self.assertIn("FloatingPointError", last["message"])
        final = of_type(recs, "metrics")[-1]["values"]
        self.assertTrue(final["train/loss"] in ("NaN", "Infinity")
                        or final["val/loss"] in ("NaN", "Infinity"))

    def test_make_demo_is_idempotent(self):
        ws = os.path.join(self.tmp, "ws")
        first = self.python(MAKE_DEMO, ws)
        self.assertEqual(first.returncode, 0, first.stdout + first.stderr)
        folders = run_folders(os.path.join(ws, "labbook"))
        self.assertGreaterEqual(len(folders), 5)
        projects, statuses = set(), []
        for folder in folders:
            recs = read_records(events_path(folder))
            projects.add(recs[0]["project"])
            statuses.append(of_type(recs, "status")[-1]["status"])
        self.assertEqual(projects, {"moons-mlp", "moons-logreg"})
        self.assertEqual(statuses.count("failed"), 1)
        self.assertEqual(statuses.count("finished"), len(folders) - 1)
        self.assertTrue(os.path.isfile(os.path.join(ws, "README.md")))
        with open(os.path.join(ws, "README.md")) as f:
            self.assertNotIn(self.tmp, f.read())

        second = self.python(MAKE_DEMO, ws)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(run_folders(os.path.join(ws, "labbook")), folders)

    def live_runs(self, logdir):
        found = []
        for folder in run_folders(logdir):
            if read_records(events_path(folder))[0]["name"] == "live-h24":
                found.append(folder)
        return found

    def start_live(self, ws):
        proc = self.python(MAKE_DEMO, ws, "--live")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        with open(os.path.join(ws, "labbook", ".demo-live.pid")) as f:
            return int(f.read().strip())

    def test_make_demo_live_again_replaces_a_stopped_live_run(self):
        # A demo that stopped (Ctrl-C, or a failed start) leaves its live run killed; starting
        # the demo again must show one live run, not the dead one next to a new one.
        ws = os.path.join(self.tmp, "ws")
        logdir = os.path.join(ws, "labbook")
        seed = self.python(TRAIN, "--epochs", "2", "--name", "seed", "--logdir", logdir)
        self.assertEqual(seed.returncode, 0, seed.stderr)
        pid = self.start_live(ws)
        try:
            self.assertEqual(len(self.live_runs(logdir)), 1)
            # Running still: a second start keeps it.
            self.assertEqual(self.start_live(ws), pid)
            self.assertEqual(len(self.live_runs(logdir)), 1)
        finally:
            os.kill(pid, 9)
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.1)
        new_pid = self.start_live(ws)
        try:
            self.assertNotEqual(new_pid, pid)
            live = self.live_runs(logdir)
            self.assertEqual(len(live), 1, live)
            self.assertEqual(len(run_folders(logdir)), 2, "the seed run is kept")
        finally:
            os.kill(new_pid, 9)


if __name__ == "__main__":
    unittest.main()
