"""The client-object dialect (labbook.Client) and the Polyaxon one (labbook.compat.polyaxon),
and status names from every tracker."""

import json
import os
import unittest

from helpers import LabbookTestCase, events_path, of_type, read_records, run_folders

import labbook  # noqa: E402 (helpers puts the SDK on the path)
from labbook.compat import polyaxon as tracking  # noqa: E402


class ClientDialect(LabbookTestCase):
    def test_experiment_runs_and_sweep(self):
        client = labbook.Client(logdir=self.logdir, api_key="ignored")
        exp = client.create_experiment("mnist", description="digits", tags={"team": "vision"})
        again = client.create_experiment("mnist", tags=["baseline"])
        self.assertEqual(again.id, exp.id)  # stable: the same name, the same experiment
        self.assertEqual(again.description, "digits")
        self.assertEqual(again.tags, ["team:vision", "baseline"])
        with open(os.path.join(self.logdir, "_experiments", exp.id + ".json")) as f:
            on_disk = json.load(f)
        self.assertEqual((on_disk["name"], on_disk["format"]), ("mnist", "labbook-experiment"))
        data = os.path.join(self.tmp, "train.csv")
        with open(data, "w") as f:
            f.write("x,y\n1,2\n")
        with client.start_run(experiment_id=exp.id, name="lr-0.1") as run:
            run.log_params({"lr": 0.1})
            run.log_metrics({"loss": 0.5, "acc": 0.8}, step=1)
            run.log_metrics({"loss": 0.3, "acc": 0.9}, step=2)
            run.log_artifact(data)
            run.log_dataset("train", path=data)
            run.create_alert("loss > 2")
        recs = read_records(events_path(run))
        self.assertEqual(recs[0]["project"], "mnist")
        self.assertEqual([(m["step"], m["values"]["loss"]) for m in of_type(recs, "metrics")],
                         [(1, 0.5), (2, 0.3)])
        self.assertEqual(of_type(recs, "dataset")[0]["size"], 8)
        self.assertEqual(recs[-1]["status"], "finished")
        self.assertEqual([e.name for e in client.list_experiments()], ["mnist"])

        sweep = client.create_sweep(experiment_id=exp.id, strategy="grid",
                                    parameters={"lr": {"values": [0.1, 0.01]}}, objective="acc")
        seen = []
        while True:
            trial = client.suggest_sweep_params(sweep.id)
            if trial is None:
                break
            seen.append(trial["params"]["lr"])
            client.complete_sweep_trial(sweep.id, trial["trial_id"], metrics={"acc": trial["params"]["lr"]})
        self.assertEqual(sorted(seen), [0.01, 0.1])
        self.assertEqual(sweep.best().params["lr"], 0.1)

    def test_unknown_experiment_is_a_clear_error(self):
        with self.assertRaisesRegex(LookupError, "no experiment"):
            labbook.Client(logdir=self.logdir).start_run(experiment_id="exp-000000000000")


class PolyaxonDialect(LabbookTestCase):
    def test_tracking_calls(self):
        data = os.path.join(self.tmp, "data.csv")
        with open(data, "w") as f:
            f.write("a\n1\n")
        run = tracking.init(project="px", logdir=self.logdir)
        tracking.log_params(lr=0.1, batch_size=32)
        tracking.log_params(reset=True, lr=0.2)
        tracking.log_metrics(step=1, loss=0.5, accuracy=0.7)
        tracking.log_metrics(step=2, loss=0.4, accuracy=0.8)
        tracking.log_data_ref(data=data, data_name="train")
        tracking.log_data_ref(data="s3://bucket/val/", data_name="val")
        tracking.log_data_ref(data=[1, 2, 3], data_name="in-memory")
        tracking.log_run_env()
        tracking.log_code_ref(commit="abc123", branch="main")
        tracking.log_succeeded()
        recs = read_records(events_path(run))
        self.assertEqual(of_type(recs, "params")[-1], {"t": "params", "values": {"lr": 0.2},
                                                      "reset": True,
                                                      "time": of_type(recs, "params")[-1]["time"]})
        self.assertEqual([(m["step"], m["values"]) for m in of_type(recs, "metrics")],
                         [(1, {"loss": 0.5, "accuracy": 0.7}), (2, {"loss": 0.4, "accuracy": 0.8})])
        datasets = {d["name"]: d for d in of_type(recs, "dataset")}
        self.assertEqual(datasets["train"]["size"], 4)
        self.assertEqual(datasets["val"]["uri"], "s3://bucket/val/")
        self.assertEqual(len(datasets["in-memory"]["sha256"]), 64)
        envs = of_type(recs, "env")
        self.assertIn("cwd", envs[0]["values"])
        self.assertEqual(envs[-1]["values"]["git"]["commit"], "abc123")
        self.assertEqual(recs[-1]["status"], "finished")

    def test_failed_and_stopped(self):
        for call, status in ((tracking.log_failed, "failed"), (tracking.log_stopped, "killed")):
            run = tracking.init(logdir=self.logdir)
            call(message="because")
            self.assertEqual(read_records(events_path(run))[-1]["status"], status)


class StatusNames(LabbookTestCase):
    def test_every_trackers_names(self):
        names = {"Running": None, "Completed": "finished", "Failed": "failed",
                 "Killed": "killed", "succeeded": "finished", "stopped": "killed",
                 "FINISHED": "finished", "KILLED": "killed"}
        for name, want in names.items():
            with self.subTest(name=name):
                for end in ("finish", "log_status", "end_run"):
                    run = self.init()
                    if want is None:
                        self.assertTrue(run.log_status(name))
                        run.finish()
                        self.assertEqual(of_type(read_records(events_path(run)), "status")[1]
                                         ["status"], "running")
                        break
                    if end == "finish":
                        run.finish(name)
                    elif end == "log_status":
                        run.log_status(name)
                    else:
                        labbook.end_run(name)
                    self.assertEqual(read_records(events_path(run))[-1]["status"], want, end)
        self.assertEqual(len(run_folders(self.logdir)), 1 + 3 * (len(names) - 1))


if __name__ == "__main__":
    unittest.main()
