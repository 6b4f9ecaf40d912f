"""The benchmark's scenarios write every point (bench_log.py, run by `npm run bench`, prints the cost)."""

import sys
import unittest

from helpers import LabbookTestCase, SDK_DIR

sys.path.insert(0, SDK_DIR)
import bench_log  # noqa: E402


class BenchTests(LabbookTestCase):

    def test_one_key_per_call_writes_every_point(self):
        _loop, _fin, run = bench_log.one_key(20000, self.logdir)
        self.assertEqual(bench_log.count_points(run), 20000)

    def test_threads_write_every_point(self):
        _loop, _fin, run = bench_log.threads(20000, self.logdir)
        self.assertEqual(bench_log.count_points(run), 20000)


if __name__ == "__main__":
    unittest.main()
