"""labbook.log: step rules, value conversion, grouping, NaN/Infinity."""

import math
import os
import unittest
import warnings

from helpers import LabbookTestCase, events_path, labbook, of_type

try:
    import numpy
except ImportError:  # the SDK needs no numpy; these tests are optional
    numpy = None
try:
    import torch
except ImportError:
    torch = None


class FakeNumpyScalar(object):
    """Like numpy.float32: converts through float()."""

    def __init__(self, v):
        self.v = v

    def __float__(self):
        return float(self.v)


class FakeTensor(object):
    """Like a 0-d torch tensor: has .item()."""

    def __init__(self, v):
        self.v = v

    def item(self):
        return self.v


class FakeIndex(object):
    """Like numpy.int64 used as a step."""

    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


class LogTests(LabbookTestCase):

    def metrics(self, run):
        return of_type(self.records(run), "metrics")

    def steps_of(self, run, key):
        return [(m["step"], m["values"][key]) for m in self.metrics(run) if key in m["values"]]

    # ---- steps

    def test_auto_step_per_key_from_zero(self):
        run = self.init()
        labbook.log({"a": 1})
        labbook.log({"a": 2})
        labbook.log({"b": 10})
        labbook.log({"a": 3, "b": 11})
        self.assertEqual(self.steps_of(run, "a"), [(0, 1), (1, 2), (2, 3)])
        self.assertEqual(self.steps_of(run, "b"), [(0, 10), (1, 11)])

    def test_keys_with_different_auto_steps_make_one_record_per_step(self):
        run = self.init()
        labbook.log({"a": 1})
        labbook.log({"a": 2})
        labbook.log({"a": 3, "b": 10, "c": 20})
        recs = self.metrics(run)
        self.assertEqual(len(recs), 4)
        self.assertEqual(recs[2]["step"], 0)
        self.assertEqual(recs[2]["values"], {"b": 10, "c": 20})
        self.assertEqual(recs[3]["step"], 2)
        self.assertEqual(recs[3]["values"], {"a": 3})
        self.assertEqual(recs[2]["time"], recs[3]["time"])

    def test_explicit_step_aligns_keys_in_one_record(self):
        run = self.init()
        labbook.log({"train/loss": 0.5, "train/acc": 0.8, "lr": 0.1}, step=7)
        recs = self.metrics(run)
        self.assertEqual(len(recs), 1)
        self.assertEqual(recs[0]["step"], 7)
        self.assertEqual(recs[0]["values"], {"train/loss": 0.5, "train/acc": 0.8, "lr": 0.1})
        self.assertEqual(list(recs[0]), ["t", "step", "time", "values"])
        self.assertIsInstance(recs[0]["time"], float)

    def test_auto_step_continues_after_explicit_max(self):
        run = self.init()
        labbook.log({"a": 1}, step=5)
        labbook.log({"a": 2}, step=2)   # out of order but new: kept
        labbook.log({"a": 3})           # max + 1
        self.assertEqual(self.steps_of(run, "a"), [(5, 1), (2, 2), (6, 3)])

    def test_duplicate_step_is_dropped_with_warning(self):
        run = self.init()
        labbook.log({"a": 1, "b": 1}, step=3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            labbook.log({"a": 99, "c": 5}, step=3)
        self.assertEqual(len(caught), 1)
        self.assertIn("'a'", str(caught[0].message))
        self.assertIn("step 3", str(caught[0].message))
        self.assertEqual(caught[0].filename, os.path.abspath(__file__).rstrip("c"))
        recs = self.metrics(run)
        self.assertEqual([r["values"] for r in recs], [{"a": 1, "b": 1}, {"c": 5}])

    def test_duplicate_out_of_order_step_is_dropped(self):
        run = self.init()
        for s in (0, 4, 9):
            run.log({"a": s}, step=s)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run.log({"a": -1}, step=4)
            run.log({"a": 2}, step=2)
            run.log({"a": -2}, step=2)
        self.assertEqual(len(caught), 2)
        self.assertEqual(caught[0].filename, os.path.abspath(__file__).rstrip("c"))
        self.assertEqual(self.steps_of(run, "a"), [(0, 0), (4, 4), (9, 9), (2, 2)])

    def test_all_dropped_writes_nothing(self):
        run = self.init()
        labbook.log({"a": 1}, step=0)
        size = os.path.getsize(events_path(run))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            labbook.log({"a": 2}, step=0)
        self.assertEqual(os.path.getsize(events_path(run)), size)

    def test_step_validation(self):
        run = self.init()
        with self.assertRaises(ValueError):
            labbook.log({"a": 1}, step=-1)
        with self.assertRaises(TypeError):
            labbook.log({"a": 1}, step=1.5)
        with self.assertRaises(TypeError):
            labbook.log({"a": 1}, step="3")
        with self.assertRaises(TypeError):
            labbook.log({"a": 1}, step=True)
        labbook.log({"a": 1}, step=FakeIndex(4))
        self.assertEqual(self.steps_of(run, "a"), [(4, 1)])

    def test_bad_arguments(self):
        self.init()
        with self.assertRaises(TypeError):
            labbook.log([("a", 1)])
        with self.assertRaises(TypeError):
            labbook.log({1: 1.0})
        with self.assertRaises(ValueError):
            labbook.log({"": 1.0})

    # ---- values

    def test_numbers_and_bools(self):
        run = self.init()
        labbook.log({"i": 3, "f": 0.25, "t": True, "n": False, "big": 10 ** 18}, step=0)
        v = self.metrics(run)[0]["values"]
        self.assertEqual(v, {"i": 3, "f": 0.25, "t": 1, "n": 0, "big": 10 ** 18})
        self.assertIs(type(v["t"]), int)

    def test_numeric_strings_are_converted(self):
        run = self.init()
        labbook.log({"s": "1.5", "e": " 2e-3 ", "nan": "nan", "inf": "-inf"}, step=0)
        self.assertEqual(self.metrics(run)[0]["values"],
                         {"s": 1.5, "e": 0.002, "nan": "NaN", "inf": "-Infinity"})

    def test_bad_string_raises_value_error_naming_key(self):
        run = self.init()
        with self.assertRaises(ValueError) as cm:
            labbook.log({"ok": 1, "train/name": "resnet"})
        self.assertIn("train/name", str(cm.exception))
        self.assertEqual(self.metrics(run), [])  # nothing of the call was written
        labbook.log({"ok": 2})
        self.assertEqual(self.steps_of(run, "ok"), [(0, 2)])  # no step was used up

    def test_non_numbers_raise_type_error_naming_key(self):
        self.init()
        for bad in (None, [1, 2], {"x": 1}, object()):
            with self.assertRaises(TypeError) as cm:
                labbook.log({"weird/key": bad})
            self.assertIn("weird/key", str(cm.exception))

    def test_nan_and_infinities_are_strings(self):
        run = self.init()
        labbook.log({"nan": float("nan"), "inf": math.inf, "ninf": -math.inf, "ok": 1.0})
        # read_records parses strictly: a bare NaN/Infinity token would fail
        self.assertEqual(self.metrics(run)[0]["values"],
                         {"nan": "NaN", "inf": "Infinity", "ninf": "-Infinity", "ok": 1.0})
        with open(events_path(run), "rb") as f:
            raw = f.read()
        self.assertIn(b'"nan":"NaN"', raw)
        self.assertIn(b'"inf":"Infinity"', raw)
        self.assertIn(b'"ninf":"-Infinity"', raw)

    def test_float_like_and_item_objects(self):
        run = self.init()
        labbook.log({"np": FakeNumpyScalar(0.5), "torch": FakeTensor(2.5),
                     "torch_int": FakeTensor(7), "torch_nan": FakeTensor(float("nan"))}, step=0)
        self.assertEqual(self.metrics(run)[0]["values"],
                         {"np": 0.5, "torch": 2.5, "torch_int": 7, "torch_nan": "NaN"})

    def test_item_that_fails_raises_type_error(self):
        class Multi(object):
            def item(self):
                raise ValueError("only one element tensors can be converted")
        self.init()
        with self.assertRaises(TypeError) as cm:
            labbook.log({"vec": Multi()})
        self.assertIn("vec", str(cm.exception))

    @unittest.skipIf(numpy is None, "numpy not installed")
    def test_real_numpy_scalars(self):
        run = self.init()
        labbook.log({"f32": numpy.float32(0.5), "i64": numpy.int64(3),
                     "nan": numpy.float64("nan"), "arr0": numpy.array(1.5)},
                    step=numpy.int64(2))
        rec = self.metrics(run)[0]
        self.assertEqual(rec["step"], 2)
        self.assertEqual(rec["values"], {"f32": 0.5, "i64": 3, "nan": "NaN", "arr0": 1.5})

    @unittest.skipIf(torch is None, "torch not installed")
    def test_real_torch_scalars(self):
        run = self.init()
        labbook.log({"t": torch.tensor(0.25), "i": torch.tensor(4)}, step=0)
        self.assertEqual(self.metrics(run)[0]["values"], {"t": 0.25, "i": 4})

    # ---- run state

    def test_log_without_run_raises(self):
        with self.assertRaises(RuntimeError):
            labbook.log({"a": 1})

    def test_log_after_finish_raises(self):
        run = self.init()
        run.finish()
        with self.assertRaises(RuntimeError):
            run.log({"a": 1})
        with self.assertRaises(RuntimeError):
            labbook.log({"a": 1})

    def test_run_log_and_module_log_share_steps(self):
        run = self.init()
        run.log({"a": 1})
        labbook.log({"a": 2})
        self.assertEqual(self.steps_of(run, "a"), [(0, 1), (1, 2)])

    def test_many_steps(self):
        run = self.init()
        for i in range(2000):
            labbook.log({"loss": 1.0 / (i + 1)})
        m = self.metrics(run)
        self.assertEqual([r["step"] for r in m], list(range(2000)))


if __name__ == "__main__":
    unittest.main()
