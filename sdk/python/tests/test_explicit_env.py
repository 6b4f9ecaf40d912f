"""Values the program gives (log_env, log_code_ref) win over the automatic capture;
the no-argument forms capture again. Also: user, conda and container in the env record."""

import os
import shutil
import subprocess
import tempfile
import unittest

from helpers import LabbookTestCase, of_type
from labbook import _context


def effective_env(records):
    env = {}
    for rec in of_type(records, "env"):
        env.update(rec["values"])  # top-level keys replace earlier ones
    return env


@unittest.skipUnless(shutil.which("git"), "needs git")
class ExplicitValuesWin(LabbookTestCase):
    def setUp(self):
        super().setUp()
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run(["git", "init", "-q", "-b", "main", self.tmp], check=True)
        with open(os.path.join(self.tmp, "train.py"), "w") as f:
            f.write("print(1)\n")
        subprocess.run(git + ["add", "train.py"], cwd=self.tmp, check=True)
        subprocess.run(git + ["commit", "-qm", "first"], cwd=self.tmp, check=True)
        self.head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=self.tmp, check=True,
                                   stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()

    def start(self):
        return self.init(capture_env=True, capture_packages=False)

    def test_log_code_ref_commit_survives_the_capture(self):
        run = self.start()
        run.log_code_ref(commit="abc123", url="https://user:secret@example.com/r.git")
        run.log_env({"python": {"version": "given"}})
        run._env_thread.join()
        run.finish()
        env = effective_env(self.records(run))
        self.assertEqual(env["git"]["commit"], "abc123")
        self.assertEqual(env["git"]["remote"], "https://example.com/r.git")
        self.assertEqual(env["git"]["branch"], "main")  # captured fields fill in the rest
        self.assertEqual(env["python"], {"version": "given"})
        self.assertIn("cwd", env)

    def test_given_after_the_capture_also_wins(self):
        run = self.start()
        run._env_thread.join()
        run.log_code_ref(commit="abc123")
        run.finish()
        git = effective_env(self.records(run))["git"]
        self.assertEqual(git["commit"], "abc123")
        self.assertEqual(git["branch"], "main")

    def test_log_code_ref_without_arguments_captures_git(self):
        run = self.init()  # automatic capture off
        run.log_code_ref()
        run.finish()
        git = effective_env(self.records(run))["git"]
        self.assertEqual(git["commit"], self.head)
        self.assertEqual(git["branch"], "main")

    def test_no_argument_forms_capture_again_over_given_values(self):
        run = self.start()
        run.log_code_ref(commit="abc123")
        run.log_env({"cwd": "/given"})
        run._env_thread.join()
        run.log_code_ref()
        run.log_env()
        run.finish()
        env = effective_env(self.records(run))
        self.assertEqual(env["git"]["commit"], self.head)
        self.assertEqual(os.path.realpath(env["cwd"]), os.path.realpath(self.tmp))


class RunContext(LabbookTestCase):
    def test_user_and_conda_are_recorded(self):
        os.environ["CONDA_DEFAULT_ENV"] = "torch-env"
        os.environ["CONDA_PREFIX"] = "/opt/conda/envs/torch-env"
        try:
            run = self.init(capture_env=True, capture_git=False, capture_packages=False)
            run._env_thread.join()
            run.finish()
        finally:
            del os.environ["CONDA_DEFAULT_ENV"], os.environ["CONDA_PREFIX"]
        env = effective_env(self.records(run))
        self.assertEqual(env["conda"], {"name": "torch-env", "prefix": "/opt/conda/envs/torch-env"})
        self.assertTrue(env["user"].get("name"))

    def test_container_hints(self):
        root = tempfile.mkdtemp(prefix="labbook-root-")
        try:
            self.assertIsNone(_context.container_info({}, root))
            open(os.path.join(root, ".dockerenv"), "w").close()
            self.assertEqual(_context.container_info({}, root),
                             {"type": "docker", "hints": ["/.dockerenv"]})
            os.makedirs(os.path.join(root, "proc", "1"))
            with open(os.path.join(root, "proc", "1", "cgroup"), "w") as f:
                f.write("0::/kubepods/besteffort/pod1234/abc\n")
            info = _context.container_info({"KUBERNETES_SERVICE_HOST": "10.0.0.1",
                                            "HOSTNAME": "train-7f9c"}, root)
            self.assertEqual(info["type"], "kubernetes")
            self.assertEqual(info["pod"], "train-7f9c")
            self.assertEqual(info["hints"], ["/.dockerenv", "cgroup:kubepods",
                                             "KUBERNETES_SERVICE_HOST"])
            os.makedirs(os.path.join(root, "run"))
            os.remove(os.path.join(root, ".dockerenv"))
            open(os.path.join(root, "run", ".containerenv"), "w").close()
            self.assertEqual(_context.container_info({}, root)["type"], "podman")
        finally:
            shutil.rmtree(root)


if __name__ == "__main__":
    unittest.main()
