"""Logging from forked processes: multiprocessing workers and os.fork children."""

import os
import unittest

from helpers import LabbookTestCase, events_path, of_type, read_records, run_folders


@unittest.skipUnless(hasattr(os, "fork"), "needs fork")
class ForkedWriters(LabbookTestCase):
    def only_run(self):
        folders = run_folders(self.logdir)
        self.assertEqual(len(folders), 1)
        return read_records(events_path(folders[0]))

    def test_pool_workers_lose_no_point(self):
        proc = self.run_script(
            "import multiprocessing as mp, labbook\n"
            "def work(i):\n"
            "    labbook.log({'worker/x': i * 0.5}, step=i)\n"
            "    return i\n"
            "if __name__ == '__main__':\n"
            "    run = labbook.init(project='pool')\n"
            "    run.log({'main': 1})\n"
            "    with mp.get_context('fork').Pool(4) as pool:\n"
            "        assert sorted(pool.map(work, range(300), chunksize=7)) == list(range(300))\n"
            "    run.log({'main': 2})\n"
            "    labbook.finish()\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        recs = self.only_run()  # strict parse: no line torn or glued
        steps = sorted(m["step"] for m in of_type(recs, "metrics") if "worker/x" in m["values"])
        self.assertEqual(steps, list(range(300)))
        self.assertEqual([s["status"] for s in of_type(recs, "status")], ["running", "finished"])
        self.assertEqual(recs[-1]["t"], "status")
        self.assertEqual(len(of_type(recs, "header")), 1)

    def test_fork_child_logs_and_exits_with_os_exit(self):
        proc = self.run_script(
            "import os, labbook\n"
            "run = labbook.init()\n"
            "run.log({'parent': 1}, step=0)\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    for i in range(50):\n"
            "        run.log({'child': i}, step=i)\n"
            "    os._exit(0)\n"
            "os.waitpid(pid, 0)\n"
            "run.log({'parent': 2}, step=1)\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        recs = self.only_run()
        child = [m["values"]["child"] for m in of_type(recs, "metrics") if "child" in m["values"]]
        self.assertEqual(child, list(range(50)))
        self.assertEqual([s["status"] for s in of_type(recs, "status")], ["running", "finished"])


if __name__ == "__main__":
    unittest.main()
