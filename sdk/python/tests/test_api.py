"""The wider API: params reset, aliases, tags, status helpers, alerts, resume, Experiment."""

import os
import time
import unittest
import warnings

from helpers import (LabbookTestCase, events_path, labbook, of_type, read_records,
                     run_folders)
from labbook import _core


class ParamsTests(LabbookTestCase):

    def params(self, run):
        return of_type(self.records(run), "params")

    def test_log_params_reset_replaces(self):
        run = self.init(config={"a": 1, "b": {"c": 2}})
        run.log_params({"x": {"y": 3}}, reset=True)
        last = self.params(run)[-1]
        self.assertTrue(last["reset"])
        self.assertEqual(last["values"], {"x.y": 3})
        self.assertEqual(run.config.to_dict(), {"x": {"y": 3}})
        labbook.log_params({"z": 4})
        self.assertEqual(self.params(run)[-1]["values"], {"z": 4})
        self.assertNotIn("reset", self.params(run)[-1])
        self.assertEqual(labbook.config.to_dict(), {"x": {"y": 3}, "z": 4})

    def test_log_param_alias(self):
        run = self.init()
        labbook.log_param("lr", 0.3)
        run.log_param("opt", "sgd")
        p = self.params(run)
        self.assertEqual([x["values"] for x in p[1:]], [{"lr": 0.3}, {"opt": "sgd"}])


class AliasTests(LabbookTestCase):

    def test_mlflow_style(self):
        with labbook.start_run(run_name="r", experiment_name="exp", tags={"team": "a", "x": None},
                               logdir=self.logdir) as run:
            self.assertIs(labbook.active_run(), run)
            labbook.log_metric("loss", 0.5)
            labbook.log_metric("loss", 0.4)
            labbook.log_metrics({"acc": 0.9, "loss": 0.3}, step=5)
            labbook.set_tag("stage", "dev")
            labbook.set_tags({"k": 1})
            labbook.end_run("KILLED")
        recs = self.records(run)
        header = recs[0]
        self.assertEqual((header["project"], header["name"], header["tags"]),
                         ("exp", "r", ["team:a", "x"]))
        steps = [(m["step"], m["values"]) for m in of_type(recs, "metrics")]
        self.assertEqual(steps, [(0, {"loss": 0.5}), (1, {"loss": 0.4}),
                                 (5, {"acc": 0.9, "loss": 0.3})])
        self.assertEqual([t["tags"] for t in of_type(recs, "tags")], [["stage:dev"], ["k:1"]])
        self.assertEqual(recs[-1]["status"], "killed")

    def test_module_functions_need_a_run(self):
        for fn in (lambda: labbook.log_params({}), lambda: labbook.note("x"),
                   lambda: labbook.create_alert("a > 1"), lambda: labbook.get_outputs_path()):
            with self.assertRaises(RuntimeError):
                fn()
        labbook.flush()  # no-op

    def test_set_name_description_note_module_level(self):
        run = self.init()
        labbook.set_name("n2")
        labbook.set_description("d2")
        labbook.note("**hi**")
        labbook.log_tags(["t1"])
        recs = self.records(run)[3:]
        self.assertEqual([r["t"] for r in recs], ["set", "set", "note", "tags"])


class StatusTests(LabbookTestCase):

    def statuses(self, run):
        return [(s["status"], s.get("message")) for s in of_type(self.records(run), "status")]

    def test_log_status_running_then_succeeded(self):
        run = self.init()
        labbook.log_status("running", message="warming up")
        self.assertFalse(run.finished)
        labbook.log_succeeded()
        self.assertTrue(run.finished)
        self.assertEqual(self.statuses(run),
                         [("running", None), ("running", "warming up"), ("finished", None)])

    def test_log_failed_with_traceback(self):
        run = self.init()
        run.log_failed("bad data", traceback="Traceback: ...")
        self.assertEqual(self.statuses(run)[-1], ("failed", "bad data\n\nTraceback: ..."))

    def test_log_stopped_and_aliases(self):
        run = self.init()
        labbook.log_stopped("user")
        self.assertEqual(self.statuses(run)[-1], ("killed", "user"))
        run = self.init()
        run.log_status("SUCCEEDED")
        self.assertEqual(self.statuses(run)[-1][0], "finished")
        run = self.init()
        with self.assertRaises(ValueError):
            run.log_status("sleeping")

    def test_final_status_has_duration(self):
        run = self.init()
        time.sleep(0.05)
        run.finish()
        last = self.records(run)[-1]
        self.assertGreaterEqual(last["duration"], 0.05)
        self.assertLess(last["duration"], 5)


class AlertTests(LabbookTestCase):

    def test_alert_record(self):
        run = self.init()
        self.assertEqual(labbook.create_alert("val/loss>2.0", "diverged"), "val/loss > 2.0")
        run.create_alert("  train_acc <= -1e-3 ", level="error")
        run.create_alert("x != 0")
        alerts = of_type(self.records(run), "alert")
        self.assertEqual([(a["condition"], a.get("message"), a["level"]) for a in alerts],
                         [("val/loss > 2.0", "diverged", "warning"),
                          ("train_acc <= -1e-3", None, "error"),
                          ("x != 0", None, "warning")])

    def test_bad_conditions(self):
        run = self.init()
        for bad in ("val/loss", "> 2", "loss > two", "loss => 2", "a > 1 > 2", "loss ~ 3", ""):
            with self.assertRaises(ValueError, msg=bad):
                run.create_alert(bad)
        with self.assertRaises(TypeError):
            run.create_alert(None)
        with self.assertRaises(ValueError):
            run.create_alert("a > 1", level="panic")
        self.assertEqual(of_type(self.records(run), "alert"), [])


class ResumeTests(LabbookTestCase):

    def test_resume_appends_and_continues_steps(self):
        first = self.init(project="p", name="n", tags=["a"], config={"lr": 0.1, "m": {"h": 2}})
        labbook.log({"loss": 1.0})
        labbook.log({"loss": 0.9})
        labbook.log({"acc": 0.5}, step=10)
        first.log_tags(["b"])
        first.set_name("renamed")
        first.finish("killed")
        run_id, path = first.id, first.path

        second = self.init(resume=run_id, config={"epochs": 3}, tags=["c"])
        self.assertEqual(second.id, run_id)
        self.assertEqual(second.path, path)
        self.assertEqual((second.project, second.name, second.tags), ("p", "renamed", ["a", "b", "c"]))
        self.assertEqual(second.config.to_dict(), {"lr": 0.1, "m.h": 2, "epochs": 3})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            labbook.log({"loss": 0.8})            # step 2
            labbook.log({"acc": 0.6}, step=10)    # duplicate: dropped
        self.assertEqual(len(caught), 1)
        labbook.finish()
        self.assertEqual(run_folders(self.logdir), [path])
        recs = read_records(events_path(path))
        self.assertEqual(len(of_type(recs, "header")), 1)
        loss = [(m["step"], m["values"]["loss"]) for m in of_type(recs, "metrics")
                if "loss" in m["values"]]
        self.assertEqual(loss, [(0, 1.0), (1, 0.9), (2, 0.8)])
        self.assertEqual([s["status"] for s in of_type(recs, "status")],
                         ["running", "killed", "running", "finished"])
        self.assertTrue(of_type(recs, "status")[2]["resumed"])

    def test_resume_after_torn_line(self):
        run = self.init()
        run.log({"a": 1})
        run.finish()
        with open(events_path(run), "ab") as f:
            f.write(b'{"t":"metrics","step":5,"val')  # a killed writer's last words
        again = self.init(resume=run.id)
        again.log({"a": 2})
        again.finish()
        with open(events_path(run), "rb") as f:
            lines = f.read().split(b"\n")
        self.assertEqual(lines[-5], b'{"t":"metrics","step":5,"val')
        good = [l for l in lines if l and not l.startswith(b'{"t":"metrics","step":5')]
        import json
        recs = [json.loads(l) for l in good]
        self.assertEqual([m["step"] for m in of_type(recs, "metrics")], [0, 1])

    def test_resume_by_folder_and_unknown(self):
        run = self.init()
        run.finish()
        again = labbook.init(resume=run.path)
        self.assertEqual(again.id, run.id)
        again.finish()
        with self.assertRaises(ValueError):
            self.init(resume="nope123")
        with self.assertRaises(ValueError):
            self.init(resume="../../etc")

    def test_resume_continues_system_steps(self):
        run = self.init()
        run._log_system({"system/cpu_percent": 1.0})
        run._log_system({"system/cpu_percent": 2.0})
        run.finish()
        again = self.init(resume=run.id)
        self.assertEqual(again._system_step, 2)


class ExperimentTests(LabbookTestCase):

    def test_explicit_client(self):
        exp = labbook.create_experiment("mnist", logdir=self.logdir)
        self.assertIsInstance(exp, labbook.Experiment)
        with exp.start_run(name="a", config={"lr": 1}) as a:
            self.assertIsNone(labbook.run)  # explicit runs leave the current run alone
            a.log({"loss": 1})
        b = exp.start_run(name="b")
        b.log_metric("loss", 2)
        c = labbook.Experiment("other", logdir=self.logdir).start_run()
        runs = exp.list_runs()
        self.assertEqual([(r["name"], r["status"]) for r in runs],
                         [("a", "finished"), ("b", "running")])
        self.assertEqual(runs[0]["id"], a.id)
        b.finish("failed")
        c.finish()
        self.assertEqual([r["status"] for r in exp.list_runs()], ["finished", "failed"])
        again = exp.resume_run(a.id)
        again.log({"loss": 0.5})
        again.finish()
        self.assertEqual(read_records(events_path(a))[0]["project"], "mnist")

    def test_runs_are_found_where_the_extension_finds_them(self):
        # A copy of a run in a hidden folder (a trash, a backup) is not a run of the log root:
        # listing, resuming and search_runs agree with each other and with the extension.
        exp = labbook.Experiment("mnist", logdir=self.logdir)
        with exp.start_run(name="kept") as kept:
            kept.log({"loss": 1})
        with exp.start_run(name="thrown away") as gone:
            gone.log({"loss": 2})
        trash = os.path.join(self.logdir, ".trash")
        os.makedirs(trash)
        os.rename(gone.path, os.path.join(trash, os.path.basename(gone.path)))
        self.assertEqual([r["id"] for r in exp.list_runs()], [kept.id])
        self.assertEqual([r.id for r in labbook.search_runs("", logdir=self.logdir)],
                         [kept.id])
        with self.assertRaisesRegex(ValueError, "no run with id"):
            exp.resume_run(gone.id)

    def test_concurrent_explicit_runs(self):
        exp = labbook.Experiment("sweep", logdir=self.logdir)
        runs = [exp.start_run(name="r%d" % i, config={"i": i}) for i in range(3)]
        for step in range(5):
            for r in runs:
                r.log({"loss": step})
        for r in runs:
            r.finish()
        for r in runs:
            self.assertEqual(len(of_type(self.records(r), "metrics")), 5)


class OptionTests(LabbookTestCase):

    def test_unknown_option_raises(self):
        with self.assertRaises(TypeError):
            self.init(capture_everything=True)

    def test_bad_intervals(self):
        with self.assertRaises(ValueError):
            self.init(system_interval=0)
        with self.assertRaises(TypeError):
            self.init(flush_interval="soon")

    def test_flag_option_env(self):
        os.environ["LABBOOK_X"] = "off"
        self.assertFalse(_core._flag_option(None, "LABBOOK_X"))
        os.environ["LABBOOK_X"] = "1"
        self.assertTrue(_core._flag_option(None, "LABBOOK_X"))
        self.assertFalse(_core._flag_option(False, "LABBOOK_X"))
        del os.environ["LABBOOK_X"]
        self.assertTrue(_core._flag_option(None, "LABBOOK_X"))

    def test_step_limit(self):
        self.init()
        with self.assertRaises(ValueError):
            labbook.log({"a": 1}, step=2 ** 53)
        labbook.log({"a": 1}, step=2 ** 53 - 1)


if __name__ == "__main__":
    unittest.main()
