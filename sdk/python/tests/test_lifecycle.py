"""finish, context manager, excepthook/atexit in real processes, heartbeat, threads."""

import os
import threading
import time
import unittest
import warnings

from helpers import (LabbookTestCase, events_path, labbook, of_type, read_lines,
                     read_records, run_folders)
from labbook import _core


class FinishTests(LabbookTestCase):

    def test_finish_writes_status_last(self):
        run = self.init()
        labbook.log({"a": 1})
        self.assertTrue(labbook.finish())
        recs = self.records(run)
        self.assertEqual(recs[-1]["t"], "status")
        self.assertEqual(recs[-1]["status"], "finished")
        self.assertNotIn("message", recs[-1])
        self.assertEqual([r["t"] for r in recs],
                         ["header", "params", "status", "metrics", "status"])
        self.assertTrue(run.finished)
        self.assertEqual(run.status, "finished")

    def test_finish_twice_is_a_noop(self):
        run = self.init()
        self.assertTrue(run.finish())
        self.assertFalse(run.finish("failed"))
        self.assertFalse(labbook.finish())
        self.assertEqual(len(of_type(self.records(run), "status")), 2)

    def test_finish_statuses_and_message(self):
        for status in ("finished", "failed", "killed"):
            run = self.init()
            run.finish(status, message="why: " + status)
            last = self.records(run)[-1]
            self.assertEqual(last["status"], status)
            self.assertEqual(last["message"], "why: " + status)
        run = self.init()
        with self.assertRaises(ValueError):
            run.finish("running")
        with self.assertRaises(ValueError):
            run.finish("bogus")  # any tracker's name is taken (test_dialect_client.StatusNames)
        self.assertFalse(run.finished)

    def test_finish_without_run(self):
        self.assertFalse(labbook.finish())

    def test_methods_after_finish_raise(self):
        run = self.init()
        run.finish()
        for call in (lambda: run.log_tags(["x"]), lambda: run.set_name("x"),
                     lambda: run.set_description("x"), lambda: run.note("x")):
            with self.assertRaises(RuntimeError):
                call()

    def test_heartbeat_thread_stops_on_finish(self):
        run = self.init()
        self.assertTrue(run._heartbeat.daemon)
        self.assertTrue(run._heartbeat.is_alive())
        run.finish()
        self.assertFalse(run._heartbeat.is_alive())


class ContextManagerTests(LabbookTestCase):

    def test_clean_exit_finishes(self):
        with self.init() as run:
            self.assertIs(labbook.run, run)
            run.log({"a": 1})
        self.assertEqual(self.records(run)[-1]["status"], "finished")
        self.assertIsNone(labbook.run)

    def test_exception_fails_with_traceback(self):
        with self.assertRaises(ZeroDivisionError):
            with self.init() as run:
                run.log({"a": 1})
                1 / 0
        last = self.records(run)[-1]
        self.assertEqual(last["status"], "failed")
        self.assertTrue(last["message"].startswith("Traceback (most recent call last):"))
        self.assertIn("ZeroDivisionError: division by zero", last["message"])
        self.assertIn("1 / 0", last["message"])

    def test_keyboard_interrupt_is_killed(self):
        with self.assertRaises(KeyboardInterrupt):
            with self.init() as run:
                raise KeyboardInterrupt()
        last = self.records(run)[-1]
        self.assertEqual(last["status"], "killed")
        self.assertIn("KeyboardInterrupt", last["message"])

    def test_system_exit(self):
        with self.assertRaises(SystemExit):
            with self.init() as ok:
                raise SystemExit(0)
        self.assertEqual(self.records(ok)[-1]["status"], "finished")
        with self.assertRaises(SystemExit):
            with self.init() as bad:
                raise SystemExit(2)
        self.assertEqual(self.records(bad)[-1]["status"], "failed")

    def test_finish_inside_block_is_kept(self):
        with self.init() as run:
            run.finish("killed")
        self.assertEqual([r["status"] for r in of_type(self.records(run), "status")],
                         ["running", "killed"])


class RunMethodTests(LabbookTestCase):

    def test_tags_set_note(self):
        run = self.init(tags=["a"])
        run.log_tags(["b", "c"])
        run.log_tags("d", reset=True)
        run.set_name("new name")
        run.set_description("new description")
        run.note("# Note\n\nLoss spikes at **step 400**.")
        recs = self.records(run)[3:]
        self.assertEqual(recs[0], {"t": "tags", "tags": ["b", "c"], "reset": False})
        self.assertEqual(recs[1], {"t": "tags", "tags": ["d"], "reset": True})
        self.assertEqual(recs[2], {"t": "set", "name": "new name"})
        self.assertEqual(recs[3], {"t": "set", "description": "new description"})
        self.assertEqual(recs[4]["t"], "note")
        self.assertEqual(recs[4]["text"], "# Note\n\nLoss spikes at **step 400**.")
        self.assertIsInstance(recs[4]["time"], float)
        self.assertEqual(run.tags, ["d"])
        self.assertEqual(run.name, "new name")
        self.assertEqual(run.description, "new description")

    def test_every_line_is_complete(self):
        run = self.init(config={"text": "line1\nline2\r\n"})
        run.note("multi\nline\n")
        run.finish()
        lines = read_lines(events_path(run))
        self.assertEqual(len(lines), 5)
        for line in lines:
            self.assertFalse(line.endswith(b"\r"))
        self.assertEqual(len(read_records(events_path(run))), 5)

    def test_appends_to_existing_file(self):
        run = self.init()
        with open(events_path(run), "rb") as f:
            before = f.read()
        run.log({"a": 1})
        run.flush()
        with open(events_path(run), "rb") as f:
            after = f.read()
        self.assertTrue(after.startswith(before))
        self.assertGreater(len(after), len(before))

    def test_metrics_reach_the_file_within_a_second(self):
        run = self.init()
        run.log({"a": 1})
        deadline = time.time() + 3.0  # flushed every 0.5 s; slack for a busy machine
        found = []
        while time.time() < deadline and not found:
            time.sleep(0.05)
            # read through a separate handle while the run is still open
            found = of_type(read_records(events_path(run)), "metrics")
        self.assertEqual(found[0]["values"], {"a": 1})

    def test_buffered_records_are_written_in_order(self):
        os.environ["LABBOOK_FLUSH_SECONDS"] = "100"  # only explicit flushes
        run = self.init()
        for i in range(5):
            run.log({"a": i})
        self.assertEqual(of_type(read_records(events_path(run)), "metrics"), [])
        run.note("flushes")  # rare records are written at once, with what came before
        recs = read_records(events_path(run))
        self.assertEqual([r["t"] for r in recs[3:]], ["metrics"] * 5 + ["note"])


class ThreadTests(LabbookTestCase):

    def test_concurrent_logging(self):
        os.environ["LABBOOK_HEARTBEAT_SECONDS"] = "0.01"
        run = self.init()
        errors = []

        def worker(n):
            try:
                for i in range(300):
                    run.log({"thread%d/value" % n: i * 0.5, "thread%d/count" % n: i})
                    if i % 50 == 0:
                        run.config["thread%d" % n] = i
            except Exception as exc:  # pragma: no cover
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # The heartbeat thread may not have had a turn yet on a loaded machine: wait for its record
        # (the condition checked below), not for an amount of time.
        deadline = time.time() + 120
        while not of_type(self.records(run), "heartbeat") and time.time() < deadline:
            time.sleep(0.01)
        run.finish()
        self.assertEqual(errors, [])
        recs = read_records(events_path(run))  # every line parses
        for n in range(8):
            key = "thread%d/value" % n
            steps = [r["step"] for r in of_type(recs, "metrics") if key in r["values"]]
            self.assertEqual(steps, list(range(300)))
        self.assertEqual(recs[-1]["status"], "finished")
        self.assertGreater(len(of_type(recs, "heartbeat")), 0)


class HeartbeatTests(LabbookTestCase):

    def test_heartbeats_are_written(self):
        os.environ["LABBOOK_HEARTBEAT_SECONDS"] = "0.05"
        run = self.init()
        time.sleep(0.5)
        beats = of_type(self.records(run), "heartbeat")
        self.assertGreaterEqual(len(beats), 3)
        for b in beats:
            self.assertEqual(set(b), {"t", "time"})
        times = [b["time"] for b in beats]
        self.assertEqual(times, sorted(times))
        run.finish()
        count = len(self.records(run))
        time.sleep(0.2)
        self.assertEqual(len(self.records(run)), count)
        self.assertEqual(self.records(run)[-1]["status"], "finished")

    def test_interval_setting(self):
        self.assertEqual(_core._heartbeat_seconds(), 10.0)
        os.environ["LABBOOK_HEARTBEAT_SECONDS"] = "2.5"
        self.assertEqual(_core._heartbeat_seconds(), 2.5)
        os.environ["LABBOOK_HEARTBEAT_SECONDS"] = "0"
        self.assertEqual(_core._heartbeat_seconds(), 10.0)
        os.environ["LABBOOK_HEARTBEAT_SECONDS"] = "soon"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.assertEqual(_core._heartbeat_seconds(), 10.0)
        self.assertEqual(len(caught), 1)

    def test_no_heartbeat_before_interval(self):
        run = self.init()  # default 10 s
        time.sleep(0.1)
        self.assertEqual(of_type(self.records(run), "heartbeat"), [])


class ProcessTests(LabbookTestCase):
    """Real Python processes: uncaught exceptions, atexit, heartbeats."""

    def only_run(self):
        folders = run_folders(self.logdir)
        self.assertEqual(len(folders), 1)
        return read_records(events_path(folders[0]))

    def test_uncaught_exception_fails_run(self):
        proc = self.run_script(
            "import labbook\n"
            "labbook.init(project='p', name='crash')\n"
            "labbook.log({'loss': 1.0})\n"
            "def step():\n"
            "    raise RuntimeError('exploding gradients')\n"
            "step()\n")
        self.assertNotEqual(proc.returncode, 0)
        # the normal traceback still reaches stderr
        self.assertIn("RuntimeError: exploding gradients", proc.stderr)
        recs = self.only_run()
        statuses = of_type(recs, "status")
        self.assertEqual([s["status"] for s in statuses], ["running", "failed"])
        msg = statuses[-1]["message"]
        self.assertTrue(msg.startswith("Traceback (most recent call last):"))
        self.assertIn("in step", msg)
        self.assertIn("RuntimeError: exploding gradients", msg)
        self.assertEqual(recs[-1]["t"], "status")

    def test_exception_in_with_block_fails_run(self):
        proc = self.run_script(
            "import labbook\n"
            "with labbook.init(project='p') as run:\n"
            "    run.log({'loss': 1.0})\n"
            "    raise ValueError('bad batch')\n")
        self.assertNotEqual(proc.returncode, 0)
        statuses = of_type(self.only_run(), "status")
        self.assertEqual([s["status"] for s in statuses], ["running", "failed"])
        self.assertIn("ValueError: bad batch", statuses[-1]["message"])

    def test_atexit_finishes_open_run(self):
        proc = self.run_script(
            "import labbook\n"
            "labbook.init(project='p')\n"
            "for i in range(5):\n"
            "    labbook.log({'loss': 1.0 / (i + 1)})\n"
            "print('done')\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.strip(), "done")
        recs = self.only_run()
        self.assertEqual(len(of_type(recs, "metrics")), 5)
        self.assertEqual(recs[-1]["t"], "status")
        self.assertEqual(recs[-1]["status"], "finished")
        self.assertNotIn("message", recs[-1])

    def test_sys_exit_finishes_open_run(self):
        proc = self.run_script(
            "import sys, labbook\n"
            "labbook.init()\n"
            "sys.exit(0)\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.only_run()[-1]["status"], "finished")

    def test_uncaught_keyboard_interrupt_kills_run(self):
        proc = self.run_script(
            "import labbook\n"
            "labbook.init()\n"
            "raise KeyboardInterrupt\n")
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.only_run()[-1]["status"], "killed")

    def test_heartbeats_in_a_live_process(self):
        proc = self.run_script(
            "import time, labbook\n"
            "run = labbook.init()\n"
            "for i in range(10):\n"
            "    run.log({'x': i})\n"
            "    time.sleep(0.05)\n",
            env={"LABBOOK_HEARTBEAT_SECONDS": "0.05"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        recs = self.only_run()
        self.assertGreaterEqual(len(of_type(recs, "heartbeat")), 3)
        self.assertEqual(recs[-1]["status"], "finished")
        self.assertEqual(len(of_type(recs, "metrics")), 10)

    def test_user_excepthook_still_called(self):
        proc = self.run_script(
            "import sys, labbook\n"
            "def hook(t, e, tb):\n"
            "    print('custom hook', t.__name__, e)\n"
            "sys.excepthook = hook\n"
            "labbook.init()\n"
            "raise OSError('disk')\n")
        self.assertIn("custom hook OSError disk", proc.stdout)
        self.assertEqual(self.only_run()[-1]["status"], "failed")


if __name__ == "__main__":
    unittest.main()
