"""labbook.config and params records."""

import math
import unittest

from helpers import LabbookTestCase, labbook, of_type


class ConfigTests(LabbookTestCase):

    def params(self, run):
        return of_type(self.records(run), "params")

    def test_nested_config_is_flattened(self):
        run = self.init(config={"lr": 0.1, "model": {"hidden": 16, "act": {"name": "tanh"}},
                                "empty": {}})
        self.assertEqual(self.params(run)[0]["values"],
                         {"lr": 0.1, "model.hidden": 16, "model.act.name": "tanh", "empty": {}})
        # the Config keeps the nesting
        self.assertEqual(labbook.config["model"]["act"]["name"], "tanh")
        self.assertEqual(run.config.model, {"hidden": 16, "act": {"name": "tanh"}})

    def test_attribute_set_logs_params(self):
        run = self.init(config={"lr": 0.1})
        labbook.config.lr = 0.2
        labbook.config.batch_size = 32
        p = self.params(run)
        self.assertEqual(len(p), 3)
        self.assertEqual(p[1]["values"], {"lr": 0.2})
        self.assertEqual(p[2]["values"], {"batch_size": 32})
        self.assertNotIn("reset", p[1])
        self.assertEqual(labbook.config.lr, 0.2)
        self.assertEqual(labbook.config["batch_size"], 32)

    def test_item_set_logs_params(self):
        run = self.init()
        labbook.config["lr"] = 0.5
        labbook.config["opt"] = {"name": "adam", "betas": (0.9, 0.99)}
        p = self.params(run)
        self.assertEqual(p[1]["values"], {"lr": 0.5})
        self.assertEqual(p[2]["values"], {"opt.name": "adam", "opt.betas": [0.9, 0.99]})
        self.assertEqual(labbook.config.lr, 0.5)

    def test_update_is_one_record(self):
        run = self.init()
        labbook.config.update({"a": 1, "b": {"c": 2}}, d=3)
        p = self.params(run)
        self.assertEqual(len(p), 2)
        self.assertEqual(p[1]["values"], {"a": 1, "b.c": 2, "d": 3})

    def test_log_params(self):
        run = self.init(config={"a": 1})
        run.log_params({"a": 2, "n": {"x": 1}})
        p = self.params(run)
        self.assertEqual(p[1]["values"], {"a": 2, "n.x": 1})
        self.assertEqual(run.config.to_dict(), {"a": 2, "n": {"x": 1}})

    def test_replacing_a_nested_dict_resets(self):
        run = self.init(config={"lr": 1, "model": {"hidden": 16, "layers": 2}})
        labbook.config.model = {"hidden": 8}
        last = self.params(run)[-1]
        self.assertTrue(last["reset"])
        self.assertEqual(last["values"], {"lr": 1, "model.hidden": 8})

    def test_delete_resets(self):
        run = self.init(config={"a": 1, "b": 2})
        del labbook.config["a"]
        del labbook.config.b
        p = self.params(run)
        self.assertEqual(p[1], {"t": "params", "values": {"b": 2}, "reset": True,
                                "time": p[1]["time"]})
        self.assertEqual(p[2]["values"], {})
        self.assertTrue(p[2]["reset"])
        self.assertEqual(len(labbook.config), 0)

    def test_missing_keys(self):
        self.init()
        with self.assertRaises(AttributeError):
            labbook.config.nope
        with self.assertRaises(KeyError):
            labbook.config["nope"]
        self.assertIsNone(labbook.config.get("nope"))
        self.assertNotIn("nope", labbook.config)

    def test_dict_behaviour(self):
        self.init(config={"a": 1, "b": 2})
        self.assertEqual(sorted(labbook.config), ["a", "b"])
        self.assertEqual(len(labbook.config), 2)
        self.assertEqual(dict(labbook.config.items()), {"a": 1, "b": 2})
        self.assertEqual(labbook.config.to_dict(), {"a": 1, "b": 2})

    def test_values_are_copied(self):
        d = {"model": {"hidden": 16}}
        self.init(config=d)
        d["model"]["hidden"] = 99
        self.assertEqual(labbook.config.model["hidden"], 16)

    def test_json_unfriendly_values(self):
        class Thing(object):
            def __str__(self):
                return "a thing"
        run = self.init(config={"nan": float("nan"), "inf": float("inf"), "ninf": -math.inf,
                                "tuple": (1, 2), "set": {3, 1}, "obj": Thing(), "none": None,
                                "flag": True})
        self.assertEqual(self.params(run)[0]["values"], {
            "nan": "NaN", "inf": "Infinity", "ninf": "-Infinity", "tuple": [1, 2],
            "set": [1, 3], "obj": "a thing", "none": None, "flag": True})

    def test_config_before_init_goes_into_next_run(self):
        labbook.config.early = 1
        labbook.config["both"] = "pending"
        run = self.init(config={"both": "init"})
        self.assertEqual(self.params(run)[0]["values"], {"early": 1, "both": "init"})
        run.finish()
        second = self.init()
        self.assertEqual(self.params(second)[0]["values"], {})

    def test_proxy_follows_current_run(self):
        first = self.init(config={"a": 1})
        second = self.init(config={"b": 2})
        self.assertEqual(sorted(labbook.config), ["b"])
        labbook.config.c = 3
        self.assertEqual(len(self.params(first)), 1)
        self.assertEqual(self.params(second)[-1]["values"], {"c": 3})

    def test_config_change_after_finish_raises(self):
        run = self.init()
        run.finish()
        with self.assertRaises(RuntimeError):
            run.config.x = 1
        with self.assertRaises(RuntimeError):
            run.log_params({"x": 1})


if __name__ == "__main__":
    unittest.main()
