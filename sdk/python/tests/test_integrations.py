"""Framework helpers: importable without the frameworks, tested where they are installed.

Each framework test runs a small real training in a subprocess (heavy imports stay out
of the test process) with the interpreter running the tests, and skips when that
interpreter lacks the framework.
"""

import importlib
import json
import importlib.util
import os
import unittest

from helpers import LabbookTestCase, events_path, of_type, read_records, run_folders


def have(*modules):
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True


HAVE_TORCH = have("torch")
HAVE_LIGHTNING = HAVE_TORCH and (have("lightning") or have("pytorch_lightning"))
HAVE_KERAS = have("keras") and (have("tensorflow") or HAVE_TORCH)
HAVE_HF = HAVE_TORCH and have("transformers", "accelerate")

# Where the frameworks must be there (CI's framework venv), a missing one fails instead of skipping.
REQUIRED = os.environ.get("LABBOOK_REQUIRE_FRAMEWORKS") == "1"


def needs(available, what):
    """skipUnless, except where LABBOOK_REQUIRE_FRAMEWORKS=1: then the test runs and fails loudly."""
    if REQUIRED:
        return lambda case: case
    return unittest.skipUnless(available, what + " not installed")


class ImportTests(LabbookTestCase):

    def test_modules_import_without_frameworks(self):
        for name in ("torch", "keras", "lightning", "huggingface", "ray"):
            mod = importlib.import_module("labbook.integrations." + name)
            self.assertTrue(mod.__doc__)

    def test_clear_import_errors(self):
        cases = [("keras", "LabbookCallback", HAVE_KERAS, "keras"),
                 ("lightning", "LabbookLogger", HAVE_LIGHTNING, "lightning"),
                 ("huggingface", "LabbookCallback", have("transformers"), "transformers")]
        for module, attr, available, hint in cases:
            mod = importlib.import_module("labbook.integrations." + module)
            if available:
                try:
                    self.assertTrue(callable(getattr(mod, attr)))
                except ImportError as exc:  # Keras 3 without its default backend
                    self.assertIn("KERAS_BACKEND", str(exc))
                continue
            with self.assertRaises(ImportError) as cm:
                getattr(mod, attr)
            self.assertIn("pip install " + hint, str(cm.exception))
        mod = importlib.import_module("labbook.integrations.keras")
        with self.assertRaises(AttributeError):
            mod.Nope

    def test_numeric_items(self):
        from labbook.integrations import numeric_items

        class Tensor(object):
            def __init__(self, v, n=1):
                self.v, self.n = v, n

            def numel(self):
                return self.n

            def item(self):
                return self.v

        got = numeric_items({"a": 1, "b": 2.5, "c": "text", "d": Tensor(0.5), "e": Tensor(1, 3),
                             "f": None, "g": True})
        self.assertEqual(got, {"a": 1, "b": 2.5, "d": 0.5, "g": True})

    def test_names(self):
        from labbook.integrations.huggingface import hf_name
        from labbook.integrations.keras import keras_name
        self.assertEqual([hf_name(k) for k in ("loss", "eval_loss", "test_acc", "train_runtime")],
                         ["train/loss", "eval/loss", "test/acc", "train/runtime"])
        self.assertEqual([keras_name(k) for k in ("loss", "val_accuracy")],
                         ["train/loss", "val/accuracy"])
        self.assertEqual(keras_name("val_loss", rename=False), "val_loss")


class FrameworkCase(LabbookTestCase):

    def train(self, source, env=None):
        proc = self.run_script(source, env=env, timeout=600)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        folders = run_folders(self.logdir)
        self.assertEqual(len(folders), 1, folders)
        return folders[0], read_records(events_path(folders[0]))

    def series(self, recs, key):
        return [(m["step"], m["values"][key]) for m in of_type(recs, "metrics")
                if key in m["values"]]


@needs(HAVE_TORCH, "torch")
class TorchTests(FrameworkCase):

    def test_plain_loop_helpers(self):
        folder, recs = self.train(
            "import torch, labbook\n"
            "from labbook.integrations.torch import log_model_info, log_lr, grad_norm, save_checkpoint\n"
            "torch.manual_seed(0)\n"
            "x = torch.randn(64, 4); y = (x.sum(1, keepdim=True) > 0).float()\n"
            "model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))\n"
            "opt = torch.optim.SGD(model.parameters(), lr=0.5)\n"
            "sched = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)\n"
            "labbook.init(project='torch', config={'lr': 0.5}, system_interval=0.05,\n"
            "             capture_system=True)\n"
            "assert grad_norm(model) == 0.0\n"
            "info = log_model_info(model)\n"
            "assert info['parameters'] == 4 * 8 + 8 + 8 + 1, info\n"
            "for epoch in range(5):\n"
            "    opt.zero_grad()\n"
            "    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)\n"
            "    loss.backward()\n"
            "    labbook.log({'train/loss': loss, 'train/grad_norm': grad_norm(model)}, step=epoch)\n"
            "    log_lr(opt, step=epoch)\n"
            "    opt.step(); sched.step()\n"
            "    torch.ones(300, 300) @ torch.ones(300, 300)\n"
            "import time; time.sleep(0.2)\n"
            "save_checkpoint(model.state_dict(), 'model.pt')\n")
        params = {}
        for p in of_type(recs, "params"):
            params.update(p["values"])
        self.assertEqual(params["model.class"], "Sequential")
        self.assertEqual(params["model.parameters"], 49)
        loss = self.series(recs, "train/loss")
        self.assertEqual([s for s, _ in loss], [0, 1, 2, 3, 4])
        self.assertLess(loss[-1][1], loss[0][1])
        self.assertEqual([v for _, v in self.series(recs, "lr")], [0.5, 0.25, 0.125, 0.0625, 0.03125])
        self.assertTrue(all(v > 0 for _, v in self.series(recs, "train/grad_norm")))
        self.assertTrue(self.series(recs, "system/cpu_percent") or not os.path.exists("/proc/stat"))
        art = of_type(recs, "artifact")
        self.assertEqual([a["name"] for a in art], ["checkpoints/model.pt"])
        import torch
        state = torch.load(os.path.join(folder, art[0]["path"]))
        self.assertIn("0.weight", state)
        self.assertEqual(recs[-1]["status"], "finished")


@needs(HAVE_LIGHTNING, "lightning")
class LightningTests(FrameworkCase):

    def test_logger(self):
        folder, recs = self.train(
            "import warnings; warnings.filterwarnings('ignore')\n"
            "import torch\n"
            "try:\n"
            "    import lightning as L\n"
            "except ImportError:\n"
            "    import pytorch_lightning as L\n"
            "from labbook.integrations.lightning import LabbookLogger\n"
            "torch.manual_seed(0)\n"
            "x = torch.randn(64, 4); y = (x.sum(1) > 0).long()\n"
            "ds = torch.utils.data.TensorDataset(x, y)\n"
            "class M(L.LightningModule):\n"
            "    def __init__(self, lr=0.1, hidden=8):\n"
            "        super().__init__(); self.save_hyperparameters()\n"
            "        self.net = torch.nn.Sequential(torch.nn.Linear(4, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2))\n"
            "    def training_step(self, b, i):\n"
            "        loss = torch.nn.functional.cross_entropy(self.net(b[0]), b[1])\n"
            "        self.log('train_loss', loss); return loss\n"
            "    def validation_step(self, b, i):\n"
            "        self.log('val_loss', torch.nn.functional.cross_entropy(self.net(b[0]), b[1]))\n"
            "    def configure_optimizers(self):\n"
            "        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)\n"
            "logger = LabbookLogger(project='lit', name='tiny', log_checkpoints=True)\n"
            "dl = torch.utils.data.DataLoader(ds, batch_size=16)\n"
            "trainer = L.Trainer(max_epochs=3, logger=logger, log_every_n_steps=1,\n"
            "                    enable_progress_bar=False, enable_model_summary=False,\n"
            "                    default_root_dir='lt', accelerator='cpu')\n"
            "trainer.fit(M(), dl, dl)\n"
            "assert logger.version == logger.experiment.id\n")
        self.assertEqual((recs[0]["project"], recs[0]["name"]), ("lit", "tiny"))
        params = {}
        for p in of_type(recs, "params"):
            params.update(p["values"])
        self.assertEqual((params["lr"], params["hidden"]), (0.1, 8))
        train = self.series(recs, "train_loss")
        self.assertEqual([s for s, _ in train], list(range(12)))
        self.assertEqual(len(self.series(recs, "val_loss")), 3)
        self.assertEqual(len(self.series(recs, "epoch")), len(set(s for s, _ in
                                                                  self.series(recs, "epoch"))))
        self.assertTrue(any(a["name"].startswith("checkpoints/") and a["name"].endswith(".ckpt")
                            for a in of_type(recs, "artifact")))
        self.assertEqual(recs[-1]["status"], "finished")


@needs(HAVE_KERAS, "keras")
class KerasTests(FrameworkCase):

    def test_callback(self):
        env = {} if have("tensorflow") else {"KERAS_BACKEND": "torch"}
        folder, recs = self.train(
            "import numpy as np, keras, labbook\n"
            "from labbook.integrations.keras import LabbookCallback\n"
            "rng = np.random.default_rng(0)\n"
            "x = rng.normal(size=(64, 4)).astype('float32'); y = (x.sum(1) > 0).astype('float32')\n"
            "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation='relu'),\n"
            "                          keras.layers.Dense(1, activation='sigmoid')])\n"
            "model.compile(optimizer=keras.optimizers.SGD(0.1), loss='binary_crossentropy', metrics=['accuracy'])\n"
            "labbook.init(project='keras')\n"
            "model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0,\n"
            "          callbacks=[LabbookCallback(log_every_n_batches=1)])\n", env=env)
        params = {}
        for p in of_type(recs, "params"):
            params.update(p["values"])
        self.assertEqual(params["keras.fit.epochs"], 3)
        self.assertEqual(params["keras.model.parameters"], 4 * 8 + 8 + 8 + 1)
        self.assertEqual(params["keras.optimizer.name"], "SGD")
        self.assertEqual([s for s, _ in self.series(recs, "train/loss")], [0, 1, 2])
        self.assertEqual([s for s, _ in self.series(recs, "val/accuracy")], [0, 1, 2])
        self.assertEqual([s for s, _ in self.series(recs, "batch/loss")], list(range(1, 10)))
        self.assertEqual(recs[-1]["status"], "finished")


@needs(HAVE_HF, "transformers/accelerate")
class HuggingFaceTests(FrameworkCase):

    def test_trainer_callback(self):
        folder, recs = self.train(
            "import warnings; warnings.filterwarnings('ignore')\n"
            "import torch\n"
            "from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments\n"
            "from labbook.integrations.huggingface import LabbookCallback\n"
            "torch.manual_seed(0)\n"
            "cfg = BertConfig(vocab_size=32, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,\n"
            "                 intermediate_size=32, max_position_embeddings=16, num_labels=2)\n"
            "model = BertForSequenceClassification(cfg)\n"
            "class DS(torch.utils.data.Dataset):\n"
            "    def __len__(self): return 32\n"
            "    def __getitem__(self, i):\n"
            "        ids = torch.tensor([(i * 7 + j) % 32 for j in range(8)])\n"
            "        return {'input_ids': ids, 'labels': torch.tensor(i % 2)}\n"
            "args = TrainingArguments(output_dir='hf-out', max_steps=6, per_device_train_batch_size=8,\n"
            "                         logging_steps=2, eval_strategy='steps', eval_steps=3, save_steps=3,\n"
            "                         report_to=[], use_cpu=True, disable_tqdm=True)\n"
            "trainer = Trainer(model=model, args=args, train_dataset=DS(), eval_dataset=DS(),\n"
            "                  callbacks=[LabbookCallback(project='hf', name='tiny-bert', log_checkpoints=True)])\n"
            "trainer.train()\n")
        self.assertEqual((recs[0]["project"], recs[0]["name"]), ("hf", "tiny-bert"))
        params = {}
        for p in of_type(recs, "params"):
            params.update(p["values"])
        self.assertEqual(params["args.max_steps"], 6)
        self.assertEqual(params["model.hidden_size"], 16)
        self.assertEqual([s for s, _ in self.series(recs, "train/loss")], [2, 4, 6])
        self.assertEqual([s for s, _ in self.series(recs, "eval/loss")], [3, 6])
        names = [a["name"] for a in of_type(recs, "artifact")]
        self.assertTrue(any(n.startswith("checkpoints/checkpoint-3/") for n in names), names)
        self.assertEqual(recs[-1]["status"], "finished")


if __name__ == "__main__":
    unittest.main()


HAVE_RAY = have("ray") and have("ray.tune")


@needs(HAVE_RAY, "ray[tune]")
class RayTuneTests(FrameworkCase):
    """A local Ray instance with two CPUs: the callback records each trial as a run, and a Labbook
    sweep's strategy drives the Tune run through the searcher."""

    def test_tune_run_driven_by_a_sweep_and_recorded_as_runs(self):
        source = r'''
import json, os, labbook, ray
from ray import tune
from labbook.integrations.ray import LabbookCallback, LabbookSearcher

logdir = os.environ["LABBOOK_DIR"]
sweep = labbook.create_sweep(experiment="ray", strategy="grid", objective="loss", goal="minimize",
                             parameters={"lr": {"values": [0.1, 0.2, 0.3]}}, logdir=logdir)

def trainable(config):
    for i in range(3):
        tune.report({"loss": config["lr"] * (3 - i), "acc": 1 - config["lr"]})

ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
tuner = tune.Tuner(trainable,
                   tune_config=tune.TuneConfig(search_alg=LabbookSearcher(sweep), num_samples=3,
                                               metric="loss", mode="min", max_concurrent_trials=2),
                   run_config=tune.RunConfig(callbacks=[LabbookCallback(project="ray", logdir=logdir)],
                                             storage_path=os.path.join(os.getcwd(), "ray_results"), verbose=0))
results = tuner.fit()
ray.shutdown()
print(json.dumps({"sweep": sweep.id, "errors": results.num_errors}))
'''
        proc = self.run_script(source, env={"RAY_DEDUP_LOGS": "0", "RAY_USAGE_STATS_ENABLED": "0"}, timeout=600)
        self.assertEqual(proc.returncode, 0, proc.stdout[-3000:] + proc.stderr[-3000:])
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(out["errors"], 0)
        import labbook
        sweep = labbook.get_sweep(out["sweep"], logdir=self.logdir)
        trials = sweep.trials()
        self.assertEqual(sorted(t.params["lr"] for t in trials), [0.1, 0.2, 0.3])
        self.assertTrue(all(t.status == "completed" for t in trials), [(t.status, t.reason) for t in trials])
        self.assertAlmostEqual(sweep.best().params["lr"], 0.1)
        self.assertAlmostEqual(sweep.best().value, 0.1)
        folders = run_folders(self.logdir)
        self.assertEqual(len(folders), 3)
        for folder in folders:
            recs = read_records(events_path(folder))
            self.assertIn("ray-tune", recs[0]["tags"])
            losses = [(m["step"], m["values"]["loss"]) for m in of_type(recs, "metrics") if "loss" in m["values"]]
            self.assertEqual([s for s, _ in losses], [1, 2, 3])
            self.assertNotIn("time_total_s", {k for m in of_type(recs, "metrics") for k in m["values"]})
            self.assertEqual(of_type(recs, "status")[-1]["status"], "finished")
