"""Real processes: signals, kills, buffered writes at exit, forks."""

import os
import signal
import subprocess
import sys
import time
import unittest

from helpers import (LabbookTestCase, SDK_DIR, events_path, of_type, read_lines,
                     read_records, run_folders)

POSIX = os.name == "posix"


class ProcessCase(LabbookTestCase):

    def start(self, source, env=None):
        """Start a script that prints 'ready' once its run is set up."""
        script = os.path.join(self.tmp, "script.py")
        with open(script, "w") as f:
            f.write(source)
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = SDK_DIR
        full_env["LABBOOK_DIR"] = self.logdir
        full_env.update(env or {})
        proc = subprocess.Popen([sys.executable, script], cwd=self.tmp, env=full_env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True)
        line = proc.stdout.readline()
        self.assertEqual(line.strip(), "ready", proc.stderr.read() if not line else line)
        return proc

    def _last_status(self):
        folders = run_folders(self.logdir)
        statuses = of_type(read_records(events_path(folders[0])), "status") if len(folders) == 1 else []
        return statuses[-1]["status"] if statuses else None

    def only_run(self):
        folders = run_folders(self.logdir)
        self.assertEqual(len(folders), 1)
        return read_records(events_path(folders[0]))


LOOP = ("import sys, time, labbook\n"
        "run = labbook.init(project='p')\n"
        "for i in range(5):\n"
        "    run.log({'loss': 1.0 / (i + 1)})\n"
        "run.flush()\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    time.sleep(0.01)\n")


@unittest.skipUnless(POSIX, "POSIX signals")
class SignalTests(ProcessCase):

    def test_sigterm_kills_run_and_process(self):
        proc = self.start(LOOP)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGTERM)  # died of the signal, as usual
        recs = self.only_run()
        last = recs[-1]
        self.assertEqual((last["t"], last["status"]), ("status", "killed"))
        self.assertIn("SIGTERM", last["message"])
        self.assertEqual(len(of_type(recs, "metrics")), 5)

    def test_sigterm_while_logging_hard(self):
        proc = self.start(
            "import time, threading, labbook\n"
            "run = labbook.init()\n"
            "def spam(k):\n"
            "    i = 0\n"
            "    while True:\n"
            "        run.log({'t%d' % k: i}); i += 1\n"
            "for k in range(2):\n"
            "    threading.Thread(target=spam, args=(k,), daemon=True).start()\n"
            "print('ready', flush=True)\n"
            "i = 0\n"
            "while True:\n"
            "    run.log({'main': i}); i += 1\n", env={"LABBOOK_FLUSH_SECONDS": "0.01"})
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGTERM)
        lines = read_lines(events_path(run_folders(self.logdir)[0]))  # no torn line
        recs = self.only_run()
        self.assertEqual(recs[-1]["status"], "killed")
        self.assertEqual(len(lines), len(recs))
        main = [m["step"] for m in of_type(recs, "metrics") if "main" in m["values"]]
        self.assertEqual(main, list(range(len(main))))
        self.assertGreater(len(main), 100)

    def test_sigterm_while_printing_and_logging(self):
        proc = self.start(
            "import sys, threading, labbook\n"
            "run = labbook.init()\n"
            "def spam():\n"
            "    i = 0\n"
            "    while True:\n"
            "        run.log({'bg': i}); i += 1\n"
            "        if i % 100 == 0:\n"
            "            sys.stderr.write('bg %d\\n' % i)\n"
            "threading.Thread(target=spam, daemon=True).start()\n"
            "print('ready', flush=True)\n"
            "i = 0\n"
            "while True:\n"
            "    print('line', i); run.log({'main': i}); i += 1\n",
            env={"LABBOOK_FLUSH_SECONDS": "0.01", "LABBOOK_CAPTURE_CONSOLE": "1"})
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGTERM)
        self.assertEqual(self.only_run()[-1]["status"], "killed")

    def test_program_sigterm_handler_is_left_alone(self):
        proc = self.start(
            "import signal, sys, time, labbook\n"
            "def bye(s, f):\n"
            "    print('graceful', flush=True)\n"
            "    labbook.log({'final': 1})\n"
            "    sys.exit(0)\n"
            "signal.signal(signal.SIGTERM, bye)\n"
            "labbook.init()\n"
            "print('ready', flush=True)\n"
            "while True:\n"
            "    time.sleep(0.01)\n")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("graceful", out)
        recs = self.only_run()
        self.assertEqual(recs[-1]["status"], "finished")
        self.assertEqual(of_type(recs, "metrics")[0]["values"], {"final": 1})

    def test_sigint_kills_run(self):
        proc = self.start(LOOP)
        proc.send_signal(signal.SIGINT)
        # Wait for what is checked (the run's log ends "killed" and the process ends), with a generous
        # limit for a loaded machine, rather than for a fixed time.
        deadline = time.time() + 600
        while time.time() < deadline and not (proc.poll() is not None and self._last_status() == "killed"):
            time.sleep(0.05)
        _, err = proc.communicate(timeout=max(1.0, deadline - time.time()))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("KeyboardInterrupt", err)
        self.assertEqual(self.only_run()[-1]["status"], "killed")

    def test_sighup_kills_run(self):
        proc = self.start(LOOP)
        proc.send_signal(signal.SIGHUP)
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGHUP)
        self.assertEqual(self.only_run()[-1]["status"], "killed")

    def test_sigkill_leaves_running_with_heartbeats(self):
        proc = self.start(LOOP, env={"LABBOOK_HEARTBEAT_SECONDS": "0.05"})
        time.sleep(0.4)
        proc.kill()
        proc.communicate(timeout=30)
        recs = self.only_run()
        self.assertEqual(of_type(recs, "status")[-1]["status"], "running")
        self.assertGreaterEqual(len(of_type(recs, "heartbeat")), 2)

    def test_signal_handlers_not_installed_when_disabled(self):
        proc = self.start(LOOP, env={"LABBOOK_HANDLE_SIGNALS": "0"})
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGTERM)
        self.assertEqual(of_type(self.only_run(), "status")[-1]["status"], "running")

    def test_init_in_a_thread_installs_no_handler(self):
        proc = self.start(
            "import signal, threading, time, labbook\n"
            "t = threading.Thread(target=lambda: labbook.init())\n"
            "t.start(); t.join()\n"
            "assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL\n"
            "print('ready', flush=True)\n"
            "time.sleep(0.2)\n")
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(self.only_run()[-1]["status"], "finished")


class ExitTests(ProcessCase):

    def test_buffered_points_all_written_at_exit(self):
        proc = self.run_script(
            "import labbook\n"
            "labbook.init(flush_interval=60)\n"
            "for i in range(20000):\n"
            "    labbook.log({'a': i, 'b': -i})\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        recs = self.only_run()
        metrics = of_type(recs, "metrics")
        self.assertEqual(len(metrics), 20000)
        self.assertEqual(metrics[-1], {"t": "metrics", "step": 19999, "time": metrics[-1]["time"],
                                       "values": {"a": 19999, "b": -19999}})
        self.assertEqual(recs[-1]["status"], "finished")

    def test_exit_while_threads_log(self):
        proc = self.run_script(
            "import threading, time, labbook\n"
            "run = labbook.init()\n"
            "def spam(k):\n"
            "    i = 0\n"
            "    while True:\n"
            "        try:\n"
            "            run.log({'t%d' % k: i})\n"
            "        except RuntimeError:\n"
            "            return\n"
            "        i += 1\n"
            "for k in range(3):\n"
            "    threading.Thread(target=spam, args=(k,), daemon=True).start()\n"
            "time.sleep(0.3)\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        folder = run_folders(self.logdir)[0]
        read_lines(events_path(folder))
        recs = self.only_run()
        self.assertEqual(recs[-1]["status"], "finished")
        self.assertEqual(of_type(recs, "status")[-1], recs[-1])

    @unittest.skipUnless(hasattr(os, "fork"), "needs fork")
    def test_forked_child_does_not_write(self):
        proc = self.run_script(
            "import os, labbook\n"
            "run = labbook.init()\n"
            "run.log({'parent': 1})\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    run.flush()\n"
            "    run.finish()\n"
            "    os._exit(0)\n"
            "os.waitpid(pid, 0)\n"
            "run.log({'parent': 2})\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        recs = self.only_run()
        self.assertEqual([m["values"]["parent"] for m in of_type(recs, "metrics")], [1, 2])
        self.assertEqual([s["status"] for s in of_type(recs, "status")], ["running", "finished"])


if __name__ == "__main__":
    unittest.main()
