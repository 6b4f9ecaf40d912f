"""search_runs, best_run and the local model registry, read straight from the run logs."""

import json
import multiprocessing
import os
import warnings

from helpers import LabbookTestCase, labbook


def train(case, name, lr, accs, weights, tags=None, status="finished", project="mnist"):
    """One run: params, metrics over steps, a weights file as artifact model/weights.pt."""
    run = case.init(project=project, name=name, config={"lr": lr, "model": {"hidden": 64}}, tags=tags)
    for step, acc in enumerate(accs):
        run.log({"val/acc": acc, "loss": 1 - acc}, step=step)
    os.makedirs(os.path.join(case.tmp, "out-" + name))
    src = os.path.join(case.tmp, "out-" + name, "weights.pt")
    with open(src, "wb") as f:
        f.write(weights)
    run.log_artifact(src, artifact_path="model")
    if status == "finished":
        run.finish()
    else:
        run.finish(status=status)
    return run


class SearchRunsTests(LabbookTestCase):

    def setUp(self):
        super().setUp()
        self.a = train(self, "a", 0.1, [0.5, 0.7, 0.8], b"A", tags=["stage:final", "baseline"])
        self.b = train(self, "b", 0.01, [0.6, 0.95], b"B", tags=["stage:final"])
        self.c = train(self, "c", "0.001", [0.9, 0.85], b"C", status="failed")

    def ids(self, query, **kw):
        return [r.name for r in labbook.search_runs(query, logdir=self.logdir, **kw)]

    def test_metrics_are_last_values(self):
        self.assertEqual(self.ids("metrics.`val/acc` > 0.82 order by name"), ["b", "c"])
        self.assertEqual(self.ids("metrics.`val/acc` >= 0.8 and metrics.loss > 0.1 order by name"), ["a", "c"])

    def test_params_compare_as_numbers_when_both_are(self):
        self.assertEqual(self.ids('params.lr = "0.01"'), ["b"])
        self.assertEqual(self.ids("params.lr < 0.05 order by params.lr"), ["c", "b"])
        self.assertEqual(self.ids("params.model.hidden = 64 order by name"), ["a", "b", "c"])

    def test_tags_status_or_parentheses_like_in_null(self):
        self.assertEqual(self.ids('tags.stage = "final" and attributes.status = "FINISHED" order by name'), ["a", "b"])
        self.assertEqual(self.ids('tags.baseline IS NOT NULL'), ["a"])
        self.assertEqual(self.ids('tags.stage IS NULL'), ["c"])
        self.assertEqual(self.ids('(status = "failed" or name = "a") order by name'), ["a", "c"])
        self.assertEqual(self.ids("name ILIKE 'B%' or name IN ('c') order by name desc"), ["c", "b"])
        self.assertEqual(self.ids("name != 'a' and not name LIKE 'c' order by name"), ["b"])

    def test_order_by_argument_and_missing_values_last(self):
        self.assertEqual(self.ids("", order_by="metrics.`val/acc` desc"), ["b", "c", "a"])
        self.assertEqual(self.ids(None, order_by=["metrics.nothing", "name desc"]), ["c", "b", "a"])

    def test_runs_carry_summaries(self):
        run = labbook.search_runs('name = "b"', logdir=self.logdir)[0]
        self.assertEqual((run.id, run.experiment, run.status), (self.b.id, "mnist", "finished"))
        self.assertEqual(run.params["lr"], 0.01)
        self.assertEqual(run.metrics["val/acc"], 0.95)
        self.assertEqual(run.path, self.b.path)

    def test_edits_from_the_extension_apply(self):
        with open(os.path.join(self.a.path, "labbook.edits.jsonl"), "w") as f:
            f.write(json.dumps({"t": "set", "name": "renamed", "uid": self.a.id}) + "\n")
            f.write(json.dumps({"t": "tags", "tags": ["stage:prod"], "reset": True}) + "\n")
            f.write('{"t":"archive","archived":tr')  # torn: ignored
        self.assertEqual(self.ids('tags.stage = "prod"'), ["renamed"])

    def test_bad_and_torn_lines_are_skipped(self):
        with open(os.path.join(self.b.path, "events.jsonl"), "a") as f:
            f.write('not json\n{"t":"metrics","step":9,"values":{"val/acc":0.1}}\n{"t":"metrics","step":10,"val')
        self.assertEqual(self.ids("metrics.`val/acc` < 0.2"), ["b"])

    def test_bad_query_is_an_error(self):
        with self.assertRaises(labbook.QueryError):
            labbook.search_runs("metrics.acc > ", logdir=self.logdir)
        with self.assertRaises(labbook.QueryError):
            labbook.search_runs('metrics.acc > "0.9"', logdir=self.logdir)
        with self.assertRaises(labbook.QueryError):
            labbook.search_runs('(name = "a"', logdir=self.logdir)

    def test_best_run(self):
        self.assertEqual(labbook.best_run("mnist", "val/acc", logdir=self.logdir).name, "b")
        self.assertEqual(labbook.best_run("mnist", "loss", goal="minimize", logdir=self.logdir).name, "b")
        self.assertEqual(labbook.best_run("mnist", "val/acc", query='status = "FINISHED" and name != "b"',
                                          logdir=self.logdir).name, "a")
        self.assertIsNone(labbook.best_run("other", "val/acc", logdir=self.logdir))


def _register(logdir, run_id, out):
    v = labbook.register_model("racer", run=run_id, artifact_path="model/weights.pt", logdir=logdir)
    out.put(v.version)


class ModelRegistryTests(LabbookTestCase):

    def test_train_pick_register_move_alias_load(self):
        runs = [train(self, n, lr, accs, n.encode() * 10) for n, lr, accs in
                [("r1", 0.1, [0.5, 0.7]), ("r2", 0.01, [0.6, 0.9]), ("r3", 0.001, [0.8, 0.85])]]
        best = labbook.best_run("mnist", "val/acc", logdir=self.logdir)
        self.assertEqual(best.id, runs[1].id)
        v1 = labbook.register_model("mnist-cnn", run=best, artifact_path="model/weights.pt",
                                    aliases=["champion"], description="best of three", logdir=self.logdir)
        self.assertEqual((v1.version, v1.run_id, v1.aliases), (1, best.id, ["champion"]))
        self.assertEqual(v1.metrics["val/acc"], 0.9)
        v2 = labbook.register_model("mnist-cnn", run=runs[2].id, artifact_path="model/weights.pt",
                                    aliases=["challenger"], logdir=self.logdir)
        self.assertEqual(v2.version, 2)
        got = labbook.get_model("mnist-cnn", alias="champion", logdir=self.logdir)
        with open(got, "rb") as f:
            self.assertEqual(f.read(), b"r2" * 10)
        labbook.set_model_alias("mnist-cnn", "champion", 2, logdir=self.logdir)
        got = labbook.get_model("mnist-cnn", alias="champion", logdir=self.logdir)
        self.assertEqual((got.version, sorted(got.aliases)), (2, ["challenger", "champion"]))
        with open(got.path, "rb") as f:
            self.assertEqual(f.read(), b"r3" * 10)
        self.assertEqual(labbook.get_model("mnist-cnn", version=1, logdir=self.logdir).aliases, [])
        models = labbook.list_models(logdir=self.logdir)
        self.assertEqual([(m.name, len(m.versions), m.aliases) for m in models],
                         [("mnist-cnn", 2, {"champion": 2, "challenger": 2})])
        # the files are what docs/model-registry.md says
        folder = os.path.join(self.logdir, "_models", "mnist-cnn")
        with open(os.path.join(folder, "model.json")) as f:
            self.assertEqual(json.load(f)["format"], "labbook-model")
        with open(os.path.join(folder, "versions.jsonl")) as f:
            kinds = [json.loads(line)["t"] for line in f]
        self.assertEqual(kinds, ["version", "alias", "version", "alias", "alias"])

    def test_changed_file_warns_and_missing_file_raises(self):
        run = train(self, "r", 0.1, [0.5], b"original")
        v = labbook.register_model("m", run=run, artifact_path="model/weights.pt", logdir=self.logdir)
        with open(v.path, "wb") as f:
            f.write(b"tampered")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            labbook.get_model("m", logdir=self.logdir)
        self.assertTrue(any(issubclass(w.category, labbook.ModelHashWarning) for w in caught))
        os.remove(v.path)
        with self.assertRaises(FileNotFoundError):
            labbook.get_model("m", logdir=self.logdir)

    def test_refusals(self):
        run = train(self, "r", 0.1, [0.5], b"x")
        for bad in ["../evil", "a/b", "", ".hidden"]:
            with self.assertRaises(ValueError):
                labbook.register_model(bad, run=run, artifact_path="model/weights.pt", logdir=self.logdir)
        with self.assertRaises(ValueError):
            labbook.register_model("m", run=run, artifact_path="../../etc/passwd", logdir=self.logdir)
        with self.assertRaises(ValueError):
            labbook.register_model("m", run=run, artifact_path="model/weights.pt", aliases=["latest"],
                                   logdir=self.logdir)
        labbook.register_model("m", run=run, logdir=self.logdir)  # the only artifact
        with self.assertRaises(ValueError):
            labbook.set_model_alias("m", "champion", 7, logdir=self.logdir)
        with self.assertRaises(LookupError):
            labbook.get_model("m", alias="champion", logdir=self.logdir)

    def test_active_run_and_a_torn_line_left_by_a_dead_writer(self):
        run = self.init(project="p")
        src = os.path.join(self.tmp, "w.bin")
        with open(src, "wb") as f:
            f.write(b"w")
        run.log_artifact(src)
        v1 = labbook.register_model("live", aliases="champion")  # the active run, its only artifact
        self.assertEqual((v1.run_id, v1.artifact, v1.aliases), (run.id, "w.bin", ["champion"]))
        versions = os.path.join(self.logdir, "_models", "live", "versions.jsonl")
        with open(versions, "a") as f:
            f.write('{"t":"alias","alias":"x","vers')  # a writer died mid-line
        v2 = labbook.register_model("live", run=run, artifact_path="w.bin", aliases=["champion"])
        self.assertEqual(v2.version, 2)
        self.assertEqual(labbook.get_model("live", alias="champion", logdir=self.logdir).version, 2)
        with open(versions) as f:
            lines = f.read().split("\n")
        self.assertIn('{"t":"alias","alias":"x","vers', lines)  # ended, so the next record stands alone
        self.assertEqual(sum(1 for line in lines if line.startswith('{"t": "version"')), 2)

    def test_folder_artifact_is_hashed_as_a_tree(self):
        run = self.init(project="p")
        model = os.path.join(self.tmp, "saved")
        os.makedirs(os.path.join(model, "sub"))
        for rel, data in [("a.txt", b"1"), ("sub/b.txt", b"22")]:
            with open(os.path.join(model, rel), "wb") as f:
                f.write(data)
        run.log_artifacts(model, artifact_path="saved")
        run.finish()
        v = labbook.register_model("tree", run=run.id, artifact_path="saved", logdir=self.logdir)
        self.assertEqual((v.kind, v.size), ("folder", 3))
        self.assertTrue(os.path.isdir(labbook.get_model("tree", logdir=self.logdir).path))

    def test_concurrent_registrations_get_distinct_versions(self):
        run = train(self, "r", 0.1, [0.5], b"x")
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        procs = [ctx.Process(target=_register, args=(self.logdir, run.id, out)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        self.assertEqual(sorted(out.get(timeout=5) for _ in procs), [1, 2, 3, 4])
        self.assertEqual([v.version for v in labbook.list_models(logdir=self.logdir)[0].versions], [1, 2, 3, 4])


class QueryTimeTests(LabbookTestCase):

    def test_dates_and_durations(self):
        import time as _time
        run = self.init(project="t", name="now")
        run.finish()
        today = _time.strftime("%Y-%m-%d")
        ids = lambda q: [r.name for r in labbook.search_runs(q, logdir=self.logdir)]  # noqa: E731
        self.assertEqual(ids('start_time = "%s"' % today), ["now"])
        self.assertEqual(ids('start_time < "%s"' % today), [])
        self.assertEqual(ids('start_time >= "%s"' % today), ["now"])
        self.assertEqual(ids('start_time > "2000-01-01T00:00Z"'), ["now"])
        self.assertEqual(ids("start_time > %d" % ((_time.time() - 3600) * 1000)), ["now"])
        self.assertEqual(ids('duration < "1h30m"'), ["now"])
        self.assertEqual(ids("duration > 600"), [])
        with self.assertRaises(labbook.QueryError):
            ids('start_time = "yesterday"')
        with self.assertRaises(labbook.QueryError):
            ids('duration < "soon"')


# Queries and the runs the extension's query engine (SQL over the index) returns for them on the
# same five runs: search_runs must give the same answer (None: a QueryError). A nested list is a
# group of runs without the sort value: they come last, newest folder first, and runs made in the
# same second have folder names in random order, so the group is compared as a set.
PARITY_RUNS = [
  ("a", {"lr": 0.1, "opt": "adam", "layers": 3}, {"val/acc": [0.5, 0.8], "loss": [0.9, 0.3]}, ["stage:final", "baseline"], "finished"),
  ("b", {"lr": "0.01", "opt": "AdamW", "layers": 4}, {"val/acc": [0.6, 0.95]}, ["stage:final"], "finished"),
  ("c", {"lr": 0.001, "opt": "sgd", "use_bn": True}, {"val/acc": [0.9, 0.85], "loss": [0.2, 0.1]}, [], "failed"),
  ("d", {"lr": "1e-4", "opt": "sgd"}, {"loss": [float("nan")]}, ["stage:draft"], "killed"),
  ("e_x", {"opt": "adam%"}, {}, [], "finished"),
]
PARITY_CASES = [
    [
        "metrics.`val/acc` > 0.82",
        [
            "b",
            "c"
        ]
    ],
    [
        "metrics.val/acc > 0.82",
        None
    ],
    [
        "metrics.loss < 0.5",
        [
            "a",
            "c"
        ]
    ],
    [
        "metrics.loss != 0.3",
        [
            "c"
        ]
    ],
    [
        "not metrics.loss > 0.5",
        [
            "a",
            "b",
            "c",
            "d",
            "e_x"
        ]
    ],
    [
        "metrics.loss IS NULL",
        [
            "b",
            "e_x"
        ]
    ],
    [
        "metrics.loss IS NOT NULL",
        [
            "a",
            "c",
            "d"
        ]
    ],
    [
        "params.lr = \"0.01\"",
        [
            "b"
        ]
    ],
    [
        "params.lr < 0.05",
        [
            "b",
            "c",
            "d"
        ]
    ],
    [
        "params.lr = 1e-2",
        [
            "b"
        ]
    ],
    [
        "params.lr > \"0.001\"",
        [
            "a",
            "b"
        ]
    ],
    [
        "params.opt = \"adam\"",
        [
            "a"
        ]
    ],
    [
        "params.opt LIKE 'adam%'",
        [
            "a",
            "e_x"
        ]
    ],
    [
        "params.opt ILIKE 'adam%'",
        [
            "a",
            "b",
            "e_x"
        ]
    ],
    [
        "params.opt LIKE 'adam\\%'",
        [
            "e_x"
        ]
    ],
    [
        "params.opt IN ('sgd', 'adam')",
        [
            "a",
            "c",
            "d"
        ]
    ],
    [
        "params.opt NOT IN ('sgd')",
        [
            "a",
            "b",
            "e_x"
        ]
    ],
    [
        "params.use_bn = true",
        [
            "c"
        ]
    ],
    [
        "params.layers >= 4",
        [
            "b"
        ]
    ],
    [
        "params.missing IS NULL",
        [
            "a",
            "b",
            "c",
            "d",
            "e_x"
        ]
    ],
    [
        "tags.stage = \"final\"",
        [
            "a",
            "b"
        ]
    ],
    [
        "tags.stage != \"final\"",
        [
            "d"
        ]
    ],
    [
        "tags.baseline IS NOT NULL",
        [
            "a"
        ]
    ],
    [
        "tags.baseline = \"\"",
        [
            "a"
        ]
    ],
    [
        "attributes.status = \"FINISHED\"",
        [
            "a",
            "b",
            "e_x"
        ]
    ],
    [
        "status = \"failed\" or status = \"killed\"",
        [
            "c",
            "d"
        ]
    ],
    [
        "status IN ('FINISHED', 'Killed')",
        [
            "a",
            "b",
            "d",
            "e_x"
        ]
    ],
    [
        "status != \"finished\"",
        [
            "c",
            "d"
        ]
    ],
    [
        "attributes.run_name LIKE '%\\_x'",
        [
            "e_x"
        ]
    ],
    [
        "name = 'a' and (metrics.loss < 0.5 or params.opt = 'sgd')",
        [
            "a"
        ]
    ],
    [
        "experiment = \"exp2\"",
        [
            "e_x"
        ]
    ],
    [
        "metrics.acc > \"0.9\"",
        None
    ],
    [
        "params.lr >",
        None
    ],
    [
        "(name = \"a\"",
        None
    ],
    [
        "status = \"FINSHED\"",
        None
    ],
    [
        "order by metrics.`val/acc` desc",
        [
            "b",
            "c",
            "a",
            ["d", "e_x"]
        ]
    ],
    [
        "order by params.lr",
        [
            "d",
            "c",
            "b",
            "a",
            "e_x"
        ]
    ],
    [
        "order by params.opt desc, name",
        [
            "c",
            "d",
            "e_x",
            "a",
            "b"
        ]
    ],
    [
        "tags.stage = 'final' order by metrics.`val/acc`",
        [
            "a",
            "b"
        ]
    ]
]


class QueryParityTests(LabbookTestCase):

    def test_same_answers_as_the_runs_table(self):
        for name, params, metrics, tags, status in PARITY_RUNS:
            run = self.init(project="exp1" if name != "e_x" else "exp2", name=name, config=params, tags=tags)
            for k, vals in metrics.items():
                for i, v in enumerate(vals):
                    run.log({k: v}, step=i)
            run.finish(status=status)
        for query, expected in PARITY_CASES:
            with self.subTest(query=query):
                if expected is None:
                    with self.assertRaises(labbook.QueryError):
                        labbook.search_runs(query, logdir=self.logdir)
                    continue
                names = [r.name for r in labbook.search_runs(query, logdir=self.logdir)]
                if "order by" not in query:
                    names.sort()
                flat = []
                for item in expected:
                    if isinstance(item, list):
                        tail = names[len(flat):len(flat) + len(item)]
                        self.assertEqual(sorted(tail), item)
                        flat.extend(tail)
                    else:
                        flat.append(item)
                self.assertEqual(names, flat)
