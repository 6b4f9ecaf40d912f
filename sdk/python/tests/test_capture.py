"""Automatic capture: env record, git, console.log, system metrics."""

import os
import platform
import shutil
import subprocess
import sys
import time
import unittest

from helpers import (LabbookTestCase, events_path, labbook, of_type, read_records,
                     run_folders)
from labbook import _capture

ALL_ON = {"LABBOOK_CAPTURE_ENV": "1", "LABBOOK_CAPTURE_CONSOLE": "1",
          "LABBOOK_CAPTURE_SYSTEM": "1"}


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t"] + list(args),
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


HAVE_GIT = shutil.which("git") is not None


class EnvTests(LabbookTestCase):

    def env_of(self, run):
        run.finish()
        envs = of_type(self.records(run), "env")
        self.assertEqual(len(envs), 1)
        return envs[0]["values"]

    def test_env_record(self):
        run = self.init(capture_env=True)
        env = self.env_of(run)
        self.assertEqual(env["cwd"], os.getcwd())
        self.assertEqual(env["argv"], sys.argv)
        self.assertIn(os.path.basename(sys.argv[0]), env["command"])
        self.assertEqual(env["pid"], os.getpid())
        self.assertEqual(env["start_time"], self.records(run)[0]["time"])
        self.assertEqual(env["python"]["version"], platform.python_version())
        self.assertEqual(env["python"]["executable"], sys.executable)
        self.assertIsInstance(env["packages"], dict)
        self.assertEqual(env["os"]["system"], platform.system())
        self.assertEqual(env["hardware"]["cpu_count"], os.cpu_count())
        if os.path.exists("/proc/meminfo"):
            self.assertGreater(env["hardware"]["memory_bytes"], 1 << 20)
        self.assertIsInstance(env["hardware"]["gpus"], list)
        self.assertNotIn("git", env)  # the temp dir is not a repository

    def test_env_record_comes_before_final_status(self):
        run = self.init(capture_env=True, capture_packages=False)
        run.finish()
        types = [r["t"] for r in self.records(run)]
        self.assertLess(types.index("env"), len(types) - 1)
        self.assertNotIn("packages", of_type(self.records(run), "env")[0]["values"])

    def test_env_off_by_env_var_and_kwarg(self):
        os.environ["LABBOOK_CAPTURE_ENV"] = "0"
        run = self.init()
        run.finish()
        self.assertEqual(of_type(self.records(run), "env"), [])
        os.environ["LABBOOK_CAPTURE_ENV"] = "1"
        run = self.init(capture_env=False)
        run.finish()
        self.assertEqual(of_type(self.records(run), "env"), [])

    @unittest.skipUnless(HAVE_GIT, "git not installed")
    def test_git_commit_branch_dirty_diff(self):
        repo = os.path.join(self.tmp, "repo")
        os.mkdir(repo)
        git(repo, "init", "-q", "-b", "main")
        with open(os.path.join(repo, "train.py"), "w") as f:
            f.write("print(1)\n")
        git(repo, "add", "train.py")
        git(repo, "commit", "-qm", "first")
        git(repo, "remote", "add", "origin", "https://user:secret-token@example.com/x/y.git")
        os.chdir(repo)
        run = self.init(capture_env=True, logdir=os.path.join(self.tmp, "logs"))
        clean = self.env_of(run)["git"]
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, stdout=subprocess.PIPE,
                                universal_newlines=True).stdout.strip()
        self.assertEqual(clean["commit"], commit)
        self.assertEqual(clean["branch"], "main")
        self.assertFalse(clean["dirty"])
        self.assertNotIn("diff", clean)
        self.assertEqual(clean["remote"], "https://example.com/x/y.git")
        self.assertFalse(os.path.exists(os.path.join(run.path, "git.diff")))

        with open(os.path.join(repo, "train.py"), "a") as f:
            f.write("print(2)\n")
        run = self.init(capture_env=True, logdir=os.path.join(self.tmp, "logs"))
        dirty = self.env_of(run)["git"]
        self.assertTrue(dirty["dirty"])
        self.assertEqual(dirty["diff"], "git.diff")
        with open(os.path.join(run.path, "git.diff")) as f:
            self.assertIn("+print(2)", f.read())

        run = self.init(capture_env=True, capture_git=False, logdir=os.path.join(self.tmp, "logs"))
        self.assertNotIn("git", self.env_of(run))

    def test_log_env_and_code_ref(self):
        run = self.init()
        run.log_env({"slurm": {"job": 12}})
        labbook.log_code_ref(commit="abc", branch="dev", url="https://u:p@h/r.git", dirty=False)
        envs = [e["values"] for e in of_type(self.records(run), "env")]
        self.assertEqual(envs, [{"slurm": {"job": 12}},
                                {"git": {"commit": "abc", "branch": "dev",
                                         "remote": "https://h/r.git", "dirty": False}}])


class ConsoleTests(LabbookTestCase):

    def console(self, run):
        with open(os.path.join(run.path, "console.log"), encoding="utf-8") as f:
            return f.read()

    def test_tee_and_restore(self):
        real_out, real_err = sys.stdout, sys.stderr
        run = self.init(capture_console=True)
        self.assertIsNot(sys.stdout, real_out)
        self.assertIs(sys.stdout._inner, real_out)
        sys.stdout.write("out line ü\n")
        print("err line", file=sys.stderr)
        sys.stdout.flush()
        run.finish()
        self.assertIs(sys.stdout, real_out)
        self.assertIs(sys.stderr, real_err)
        self.assertEqual(self.console(run), "out line ü\nerr line\n")

    def test_terminal_attributes_pass_through(self):
        real_out = sys.stdout
        run = self.init(capture_console=True)
        self.assertEqual(sys.stdout.encoding, real_out.encoding)
        self.assertEqual(sys.stdout.isatty(), real_out.isatty())
        try:
            self.assertEqual(sys.stdout.fileno(), real_out.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        run.finish()

    def test_two_runs_share_the_tee(self):
        real_out = sys.stdout
        a = self.init(capture_console=True)
        b = labbook.Run(logdir=self.logdir, capture_console=True)
        print("both")
        a.finish()
        print("only b")
        self.assertIsNot(sys.stdout, real_out)
        b.finish()
        self.assertIs(sys.stdout, real_out)
        self.assertEqual(self.console(a), "both\n")
        self.assertEqual(self.console(b), "both\nonly b\n")

    def test_someone_wraps_our_tee(self):
        real_out = sys.stdout

        class Wrapper(object):
            def __init__(self, inner):
                self.inner = inner

            def write(self, s):
                return self.inner.write(s)

            def flush(self):
                self.inner.flush()

        run = self.init(capture_console=True)
        sys.stdout = Wrapper(sys.stdout)
        try:
            print("wrapped")
            run.finish()
            print("after")  # our tee stays below the wrapper, writing through
            self.assertEqual(self.console(run), "wrapped\n")
        finally:
            sys.stdout = real_out

    def test_console_reaches_file_while_running(self):
        run = self.init(capture_console=True)
        print("live")
        deadline = time.time() + 2
        while time.time() < deadline and "live" not in self.console(run):
            time.sleep(0.05)
        self.assertEqual(self.console(run), "live\n")

    def test_process_console_and_traceback(self):
        proc = self.run_script(
            "import sys, labbook\n"
            "labbook.init()\n"
            "print('to stdout')\n"
            "print('to stderr', file=sys.stderr)\n"
            "raise ValueError('boom')\n", env={"LABBOOK_CAPTURE_CONSOLE": "1"})
        self.assertIn("to stdout", proc.stdout)
        self.assertIn("to stderr", proc.stderr)
        self.assertIn("ValueError: boom", proc.stderr)
        folder = run_folders(self.logdir)[0]
        with open(os.path.join(folder, "console.log")) as f:
            text = f.read()
        self.assertTrue(text.startswith("to stdout\nto stderr\nTraceback"), text)
        self.assertIn("ValueError: boom", text)
        self.assertEqual(read_records(events_path(folder))[-1]["status"], "failed")


class SystemTests(LabbookTestCase):

    def test_system_metrics_sampled(self):
        run = self.init(capture_system=True, system_interval=0.05)
        end = time.time() + 0.6
        while time.time() < end:
            sum(i * i for i in range(10000))
        run.finish()
        recs = [m for m in of_type(self.records(run), "metrics")
                if any(k.startswith("system/") for k in m["values"])]
        self.assertGreaterEqual(len(recs), 3)
        self.assertEqual([m["step"] for m in recs], list(range(len(recs))))
        if os.path.exists("/proc/stat"):
            for m in recs:
                self.assertTrue(0 <= m["values"]["system/cpu_percent"] <= 100)
                self.assertTrue(0 < m["values"]["system/memory_percent"] <= 100)
        times = [m["time"] for m in recs]
        self.assertEqual(times, sorted(times))

    def test_sampler_values(self):
        sampler = _capture.SystemSampler()
        time.sleep(0.05)
        values = sampler.sample()
        if os.path.exists("/proc/meminfo"):
            self.assertIn("system/memory_percent", values)
            self.assertIn("system/cpu_percent", values)
        for k in values:
            self.assertTrue(k.startswith("system/"))

    def test_gpu_parsing(self):
        bin_dir = os.path.join(self.tmp, "bin")
        os.mkdir(bin_dir)
        fake = os.path.join(bin_dir, "nvidia-smi")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\n"
                    "case \"$1\" in\n"
                    "  --query-gpu=index,name*) echo '0, Tesla T4, 15360, 535.1'; "
                    "echo '1, Tesla T4, 15360, 535.1';;\n"
                    "  *) echo '0, 37, 1024, 15360'; echo '1, 0, 0, 15360';;\n"
                    "esac\n")
        os.chmod(fake, 0o755)
        old_path = os.environ.get("PATH", "")
        os.environ["PATH"] = bin_dir + os.pathsep + old_path
        _capture._nvidia_smi = None
        try:
            gpus = _capture.gpu_info()
            self.assertEqual(gpus[0], {"index": 0, "name": "Tesla T4", "driver": "535.1",
                                       "memory_bytes": 15360 * 1024 * 1024})
            values = _capture.SystemSampler().sample()
            self.assertEqual(values["system/gpu.0.utilization"], 37.0)
            self.assertEqual(values["system/gpu.0.memory_percent"], round(100 * 1024 / 15360, 2))
            self.assertEqual(values["system/gpu.1.utilization"], 0.0)
        finally:
            os.environ["PATH"] = old_path
            _capture._nvidia_smi = None

    def test_system_off(self):
        run = self.init(system_interval=0.05)  # LABBOOK_CAPTURE_SYSTEM=0 from the test case
        time.sleep(0.2)
        run.finish()
        self.assertEqual(of_type(self.records(run), "metrics"), [])


if __name__ == "__main__":
    unittest.main()
