"""labbook.init: where runs go, folder names, the first three records."""

import argparse
import os
import re
import socket
import time
import unittest

from helpers import (LabbookTestCase, RUN_DIR_RE, events_path, labbook, of_type,
                     read_records, run_folders)


class InitTests(LabbookTestCase):

    def test_default_logdir_is_labbook_in_cwd(self):
        run = labbook.init(project="p")
        self.assertEqual(os.path.dirname(run.path), os.path.join(self.tmp, "labbook"))
        self.assertTrue(os.path.isfile(events_path(run)))

    def test_logdir_argument(self):
        target = os.path.join(self.tmp, "elsewhere", "logs")
        run = labbook.init(logdir=target)
        self.assertEqual(os.path.dirname(run.path), target)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "labbook")))

    def test_env_labbook_dir(self):
        target = os.path.join(self.tmp, "from-env")
        os.environ["LABBOOK_DIR"] = target
        run = labbook.init()
        self.assertEqual(os.path.dirname(run.path), target)

    def test_logdir_argument_wins_over_env(self):
        os.environ["LABBOOK_DIR"] = os.path.join(self.tmp, "from-env")
        target = os.path.join(self.tmp, "from-arg")
        run = labbook.init(logdir=target)
        self.assertEqual(os.path.dirname(run.path), target)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "from-env")))

    def test_relative_logdir_is_fixed_at_init(self):
        run = labbook.init(logdir="rel/logs")
        os.mkdir(os.path.join(self.tmp, "sub"))
        os.chdir(os.path.join(self.tmp, "sub"))
        run.log({"x": 1})
        run.finish()
        self.assertEqual(os.path.dirname(run.path), os.path.join(self.tmp, "rel", "logs"))
        self.assertEqual(len(of_type(self.records(run), "metrics")), 1)

    def test_folder_name_and_id(self):
        before = time.localtime()
        run = self.init()
        name = os.path.basename(run.path)
        m = RUN_DIR_RE.match(name)
        self.assertIsNotNone(m, name)
        self.assertEqual(m.group(1), run.id)
        self.assertTrue(8 <= len(run.id) <= 12)
        self.assertRegex(run.id, r"^[0-9a-z]+$")
        stamp = name.split("-")[1]
        self.assertEqual(stamp[:8], time.strftime("%Y%m%d", before))

    def test_ids_are_unique_and_random(self):
        ids = set()
        for _ in range(30):
            run = self.init()
            ids.add(run.id)
            run.finish()
        self.assertEqual(len(ids), 30)
        self.assertEqual(len(run_folders(self.logdir)), 30)

    def test_first_three_records(self):
        t0 = time.time()
        run = self.init(project="mnist", name="lr-0.01", description="baseline",
                        tags=["baseline", "cnn"], config={"lr": 0.01})
        t1 = time.time()
        recs = self.records(run)
        self.assertEqual(len(recs), 3)
        header, params, status = recs
        self.assertEqual(list(header)[0], "t")
        self.assertEqual(header, {
            "t": "header", "format": "labbook-run", "version": 1, "run_id": run.id,
            "project": "mnist", "name": "lr-0.01", "description": "baseline",
            "tags": ["baseline", "cnn"], "time": header["time"],
            "host": socket.gethostname(), "pid": os.getpid()})
        self.assertTrue(t0 <= header["time"] <= t1)
        self.assertEqual(params["t"], "params")
        self.assertEqual(params["values"], {"lr": 0.01})
        self.assertNotIn("reset", params)
        self.assertIsInstance(params["time"], float)
        self.assertEqual(status["t"], "status")
        self.assertEqual(status["status"], "running")
        self.assertIsInstance(status["time"], float)
        self.assertNotIn("message", status)

    def test_header_defaults(self):
        run = self.init()
        header, params, status = self.records(run)
        self.assertEqual(header["project"], "default")
        for absent in ("description", "tags"):
            self.assertNotIn(absent, header)
        # An unnamed run gets a readable name derived from its id (adjective-noun-number).
        self.assertEqual(header["name"], run.name)
        self.assertRegex(run.name, r"^[a-z]+-[a-z]+-\d{1,3}$")
        self.assertEqual(params["values"], {})
        self.assertEqual(status["status"], "running")

    def test_single_string_tag(self):
        run = self.init(tags="only")
        self.assertEqual(self.records(run)[0]["tags"], ["only"])

    def test_run_properties(self):
        run = self.init(project="p", name="n")
        self.assertEqual(run.project, "p")
        self.assertEqual(run.name, "n")
        self.assertEqual(run.status, "running")
        self.assertTrue(os.path.isabs(run.path))
        self.assertIn(run.id, repr(run))

    def test_module_level_run(self):
        self.assertIsNone(labbook.run)
        run = self.init()
        self.assertIs(labbook.run, run)
        self.assertIs(labbook.get_run(), run)
        labbook.finish()
        self.assertIsNone(labbook.run)
        self.assertEqual(run.status, "finished")

    def test_init_finishes_the_open_run(self):
        first = self.init(name="first")
        second = self.init(name="second")
        self.assertTrue(first.finished)
        self.assertIs(labbook.run, second)
        self.assertEqual(self.records(first)[-1]["status"], "finished")
        self.assertEqual(self.records(second)[-1]["status"], "running")

    def test_config_from_argparse_namespace(self):
        ns = argparse.Namespace(lr=0.1, epochs=3)
        run = self.init(config=ns)
        self.assertEqual(self.records(run)[1]["values"], {"lr": 0.1, "epochs": 3})

    def test_config_must_be_mapping_like(self):
        with self.assertRaises(TypeError):
            self.init(config=42)

    def test_unicode_text_is_utf8(self):
        run = self.init(name="実験 – ü")
        run.finish()
        with open(events_path(run), "rb") as f:
            first = f.readline()
        self.assertIn("実験 – ü".encode("utf-8"), first)
        self.assertEqual(read_records(events_path(run))[0]["name"], "実験 – ü")


if __name__ == "__main__":
    unittest.main()
