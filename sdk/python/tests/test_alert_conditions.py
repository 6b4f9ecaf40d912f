"""Alert conditions parse as the extension parses them (one shared table), and compound
conditions or expressions are refused with a message saying so."""

import json
import math
import os
import unittest

from helpers import LabbookTestCase, REPO_DIR, of_type

import labbook  # noqa: E402 (helpers puts the SDK on the path)

with open(os.path.join(REPO_DIR, "test", "fixtures", "alert-conditions.json")) as f:
    CASES = json.load(f)["cases"]


class AlertConditions(LabbookTestCase):
    def test_shared_table(self):
        for case in CASES:
            with self.subTest(condition=case["condition"]):
                if "error" in case:
                    with self.assertRaises(ValueError) as ctx:
                        labbook.parse_condition(case["condition"])
                    self.assertIn(case["error"], str(ctx.exception))
                else:
                    metric, op, number = labbook.parse_condition(case["condition"])
                    self.assertEqual((metric, op), (case["metric"], case["op"]))
                    want = case["value"]
                    got = float(number)
                    self.assertEqual(got, float(want) if isinstance(want, str) else want)

    def test_expression_is_not_taken_as_a_metric(self):
        run = self.init()
        with self.assertRaisesRegex(ValueError, "is an expression"):
            run.create_alert("a - b > 1")
        with self.assertRaisesRegex(ValueError, "compound"):
            run.create_alert("val_loss > 2 and epoch > 3")
        run.create_alert("val_loss > 2")
        run.finish()
        self.assertEqual([a["condition"] for a in of_type(self.records(run), "alert")],
                         ["val_loss > 2"])

    def test_nan_is_a_number(self):
        self.assertTrue(math.isnan(float(labbook.parse_condition("x != NaN")[2])))


if __name__ == "__main__":
    unittest.main()
