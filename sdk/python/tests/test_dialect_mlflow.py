"""An MLflow tracking script runs unchanged through ``import labbook.mlflow as mlflow``."""

import json
import os
import unittest

from helpers import LabbookTestCase, events_path, of_type, read_records, run_folders

# Written against MLflow's fluent tracking API (its quickstart and tracking docs); only the
# import line differs from a script that uses MLflow itself.
MLFLOW_SCRIPT = '''
import os
import labbook.mlflow as mlflow
from labbook.mlflow import log_metric, log_param, log_artifacts

mlflow.set_tracking_uri("http://localhost:5000")
experiment = mlflow.set_experiment("quickstart")

with mlflow.start_run(run_name="lr-0.01", experiment_id=experiment.experiment_id) as run:
    mlflow.log_params({"learning_rate": 0.01, "batch_size": 32})
    log_param("optimizer", "adam")
    for epoch in range(3):
        mlflow.log_metrics({"train_loss": 1.0 / (epoch + 1), "val_loss": 1.5 / (epoch + 1)},
                           step=epoch)
        mlflow.log_metric(key="quality", value=2 * epoch, step=epoch)
    log_metric("foo", 1.0)
    log_metric("foo", 2.0)
    mlflow.set_tag("model", "mlp")
    mlflow.set_tags({"team": "vision", "stage": "dev"})
    os.makedirs("outputs", exist_ok=True)
    with open("outputs/test.txt", "w") as f:
        f.write("hello world!")
    mlflow.log_artifact("outputs/test.txt", artifact_path="texts")
    log_artifacts("outputs")
    mlflow.log_dict({"layers": [64, 32]}, "config/model.json")
    mlflow.log_text("all good", "notes/summary.txt")
    with mlflow.start_run(run_name="child", nested=True) as child:
        mlflow.log_metric("inner", 1.0, step=0)
    assert mlflow.active_run().info.run_id == run.info.run_id
    print("RUN", run.info.run_id, child.info.run_id)

with mlflow.start_run(run_name="broken"):
    mlflow.log_metric("loss", 9.0, step=0)
    mlflow.end_run(status="KILLED")
assert mlflow.active_run() is None
'''


class MlflowScripts(LabbookTestCase):
    def runs(self):
        out = {}
        for folder in run_folders(self.logdir):
            recs = read_records(events_path(folder))
            out[recs[0]["name"]] = recs
        return out

    def test_tracking_script_runs_unchanged(self):
        proc = self.run_script(MLFLOW_SCRIPT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("set_tracking_uri", proc.stderr)  # the note that it is ignored
        runs = self.runs()
        self.assertEqual(sorted(runs), ["broken", "child", "lr-0.01"])
        main = runs["lr-0.01"]
        self.assertEqual(main[0]["project"], "quickstart")
        params = {}
        for rec in of_type(main, "params"):
            params.update(rec["values"])
        self.assertEqual(params, {"learning_rate": 0.01, "batch_size": 32, "optimizer": "adam"})
        series = {}
        for rec in of_type(main, "metrics"):
            for key, value in rec["values"].items():
                series.setdefault(key, []).append((rec["step"], value))
        self.assertEqual(series["quality"], [(0, 0), (1, 2), (2, 4)])
        self.assertEqual(series["train_loss"], [(0, 1.0), (1, 0.5), (2, 1.0 / 3)])
        self.assertEqual(series["foo"], [(0, 1.0), (1, 2.0)])  # no step: the next one
        tags = [t for rec in of_type(main, "tags") for t in rec["tags"]]
        self.assertEqual(tags, ["model:mlp", "team:vision", "stage:dev"])
        names = sorted(a["name"] for a in of_type(main, "artifact"))
        self.assertEqual(names, ["config/model.json", "notes/summary.txt", "test.txt",
                                 "texts/test.txt"])
        run_dir = [f for f in run_folders(self.logdir)
                   if read_records(events_path(f))[0]["name"] == "lr-0.01"][0]
        with open(os.path.join(run_dir, "artifacts", "config", "model.json")) as f:
            self.assertEqual(json.load(f), {"layers": [64, 32]})
        self.assertEqual(main[-1]["status"], "finished")
        child = runs["child"]
        self.assertIn("mlflow.parentRunId:" + main[0]["run_id"], child[0]["tags"])
        self.assertEqual(child[-1]["status"], "finished")
        self.assertEqual(runs["broken"][-1]["status"], "killed")
        with open(os.path.join(self.logdir, "_experiments",
                               os.listdir(os.path.join(self.logdir, "_experiments"))[0])) as f:
            self.assertEqual(json.load(f)["name"], "quickstart")

    def test_logging_without_a_run_starts_one(self):
        proc = self.run_script("from labbook.mlflow import log_metric, log_param\n"
                               "log_param('param1', 5)\n"
                               "log_metric('foo', 1)\nlog_metric('foo', 2)\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        (recs,) = self.runs().values()
        self.assertEqual(recs[0]["project"], "Default")
        self.assertEqual([m["values"]["foo"] for m in of_type(recs, "metrics")], [1, 2])
        self.assertEqual(recs[-1]["status"], "finished")

    def test_exception_in_run_block_fails_it(self):
        proc = self.run_script("import labbook.mlflow as mlflow\n"
                               "with mlflow.start_run():\n"
                               "    mlflow.log_metric('x', 1)\n"
                               "    raise ValueError('boom')\n")
        self.assertNotEqual(proc.returncode, 0)
        (recs,) = self.runs().values()
        self.assertEqual(recs[-1]["status"], "failed")

    def test_second_run_without_nested_is_refused(self):
        proc = self.run_script("import labbook.mlflow as mlflow\n"
                               "mlflow.start_run()\n"
                               "try:\n    mlflow.start_run()\nexcept RuntimeError as e:\n"
                               "    print('refused:', e)\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("nested=True", proc.stdout)

    def test_nested_run_under_a_labbook_run_gives_it_back(self):
        proc = self.run_script("import labbook, labbook.mlflow as mlflow\n"
                               "outer = labbook.init(name='outer')\n"
                               "with mlflow.start_run(run_name='inner', nested=True):\n"
                               "    mlflow.log_metric('x', 1.0, step=0)\n"
                               "assert labbook.run is outer, labbook.run\n"
                               "assert mlflow.active_run().info.run_id == outer.id\n"
                               "labbook.log({'y': 2.0})\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        runs = self.runs()
        self.assertIn("mlflow.parentRunId:" + runs["outer"][0]["run_id"], runs["inner"][0]["tags"])
        self.assertEqual([m["values"] for m in of_type(runs["outer"], "metrics")], [{"y": 2.0}])


if __name__ == "__main__":
    unittest.main()
