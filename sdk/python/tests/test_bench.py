"""The logging overhead stays small (bench_log.py prints the real figure)."""

import sys
import unittest

from helpers import LabbookTestCase, SDK_DIR

sys.path.insert(0, SDK_DIR)
import bench_log  # noqa: E402


class BenchTests(LabbookTestCase):

    def test_100k_points_cost_well_under_a_few_seconds(self):
        # The target is < 1 s (bench_log.py: about 0.5 s on a 2-core CI machine); this
        # guard is loose so that a busy machine does not fail it.
        loop, fin, run = bench_log.one_key(100000, self.logdir)
        self.assertLess(loop + fin, 5.0)
        self.assertEqual(bench_log.count_points(run), 100000)

    def test_threads_write_every_point(self):
        loop, fin, run = bench_log.threads(20000, self.logdir)
        self.assertEqual(bench_log.count_points(run), 20000)


if __name__ == "__main__":
    unittest.main()
