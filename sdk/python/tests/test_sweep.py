"""Sweeps: strategies, the trial log shared by agents, early termination, agents and the CLI."""

import json
import math
import os
import subprocess
import socket
import sys
import threading
import time
import unittest

from helpers import SDK_DIR, LabbookTestCase, events_path, read_records, run_folders

import labbook  # noqa: E402  (helpers puts the SDK on the path)
from labbook.sweep import get_sweep, heldlock, store, tpe  # noqa: E402
from labbook.sweep.prune import should_prune  # noqa: E402
from labbook.sweep.store import TrialState  # noqa: E402

GRID = {"lr": {"values": [0.1, 0.01]}, "layers": {"values": [1, 2, 3]}, "act": {"value": "relu"}}


def quadratic(params):
    return (math.log10(params["lr"]) + 3) ** 2 + (params["width"] - 40) ** 2 / 400.0


class StrategyTests(LabbookTestCase):

    def sweep(self, **kw):
        kw.setdefault("objective", "loss")
        kw.setdefault("goal", "minimize")
        return labbook.create_sweep(logdir=self.logdir, **kw)

    def test_grid_walks_every_combination_once_in_a_stable_order(self):
        s = self.sweep(strategy="grid", parameters=GRID)
        seen = []
        for trial in s:
            seen.append((trial.params["lr"], trial.params["layers"], trial.params["act"]))
            trial.complete(1.0)
        self.assertEqual(seen, [(0.1, 1, "relu"), (0.1, 2, "relu"), (0.1, 3, "relu"),
                                (0.01, 1, "relu"), (0.01, 2, "relu"), (0.01, 3, "relu")])
        self.assertIsNone(s.suggest())
        self.assertEqual(s.status()["status"], "done")

    def test_grid_over_an_integer_range_and_max_trials(self):
        s = self.sweep(strategy="grid", parameters={"k": {"min": 1, "max": 4}}, max_trials=3)
        self.assertEqual([t.params["k"] for t in s.trials()], [])
        got = []
        for t in s:
            got.append(t.params["k"])
            t.complete(0.0)
        self.assertEqual(got, [1, 2, 3])

    def test_random_is_reproducible_from_its_seed(self):
        space = {"lr": {"min": 1e-5, "max": 1e-1, "distribution": "log_uniform"},
                 "batch": {"values": [16, 32, 64]}, "drop": {"min": 0.1, "max": 0.5},
                 "units": {"min": 8, "max": 128}, "q": {"min": 0, "max": 100, "q": 5, "distribution": "q_uniform"},
                 "w": {"mu": 0.0, "sigma": 2.0, "distribution": "normal"}}

        def draw(seed):
            s = self.sweep(strategy="random", parameters=space, seed=seed, max_trials=20)
            out = []
            for t in s:
                out.append(t.params)
                t.complete(0.0)
            return out

        a, b, c = draw(7), draw(7), draw(8)
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)
        for p in a:
            self.assertTrue(1e-5 <= p["lr"] <= 1e-1)
            self.assertIn(p["batch"], (16, 32, 64))
            self.assertTrue(0.1 <= p["drop"] <= 0.5)
            self.assertIsInstance(p["units"], int)
            self.assertTrue(8 <= p["units"] <= 128)
            self.assertEqual(p["q"] % 5, 0)
            self.assertIsInstance(p["w"], float)

    def test_bayesian_beats_random_on_a_continuous_space(self):
        space = {"lr": {"min": 1e-6, "max": 1.0, "distribution": "log_uniform"},
                 "width": {"min": 1, "max": 200}}

        def best(strategy, seed):
            s = self.sweep(strategy=strategy, parameters=space, seed=seed, max_trials=40)
            for t in s:
                t.complete(quadratic(t.params))
            return s.best().value

        tpe_best = sorted(best("bayesian", seed) for seed in range(5))[2]
        rnd_best = sorted(best("random", seed) for seed in range(5))[2]
        self.assertLess(tpe_best, rnd_best)

    def test_bayesian_prefers_the_good_category(self):
        s = self.sweep(strategy="bayesian", goal="maximize", objective="acc", seed=3, max_trials=40,
                       parameters={"opt": {"values": ["sgd", "adam", "rmsprop", "lion"]},
                                   "x": {"min": 0.0, "max": 1.0}})
        picks = []
        for t in s:
            picks.append(t.params["opt"])
            t.complete((1.0 if t.params["opt"] == "adam" else 0.2) + 0.1 * t.params["x"])
        late = picks[20:]
        self.assertGreater(late.count("adam"), len(late) / 2, picks)

    def test_tpe_gamma_matches_optuna(self):
        self.assertEqual([tpe.gamma(n) for n in (1, 10, 11, 100, 300)], [1, 1, 2, 10, 25])

    def test_bad_definitions_are_refused_with_a_reason(self):
        cases = [dict(strategy="nope", parameters=GRID), dict(strategy="grid", parameters={}),
                 dict(strategy="random", parameters={"a": {"min": 2, "max": 1}}),
                 dict(strategy="random", parameters={"a": {"min": 0, "max": 1, "distribution": "log_uniform"}}),
                 dict(strategy="random", parameters={"a": {"min": 0, "max": 1, "distribution": "weird"}}),
                 dict(strategy="grid", parameters={"a": {"min": 0.0, "max": 1.0}}),
                 dict(strategy="random", parameters=GRID, goal="biggest"),
                 dict(strategy="random", parameters=GRID, early_terminate={"type": "magic"})]
        for kw in cases:
            with self.assertRaises(ValueError, msg=repr(kw)):
                self.sweep(**kw)
        with self.assertRaises(ValueError):
            labbook.create_sweep(logdir=self.logdir, strategy="random", parameters=GRID)


class TrialLogTests(LabbookTestCase):

    def test_stop_and_resume(self):
        s = labbook.create_sweep(logdir=self.logdir, strategy="random", parameters=GRID, objective="acc", max_trials=5)
        t = s.suggest()
        s.stop()
        self.assertIsNone(s.suggest())
        t.complete(0.5)
        other = get_sweep(s.id, logdir=self.logdir)
        self.assertTrue(other.stopped)
        other.resume()
        self.assertIsNotNone(s.suggest())

    def test_a_torn_last_line_is_skipped_and_the_next_record_starts_a_fresh_line(self):
        s = labbook.create_sweep(logdir=self.logdir, strategy="random", parameters=GRID, objective="acc", max_trials=3)
        s.suggest().complete(0.1)
        with open(os.path.join(s.folder, store.TRIALS), "ab") as f:
            f.write(b'{"t":"suggest","trial":1,"par')
        t = s.suggest()
        self.assertEqual(t.number, 1)
        t.complete(0.2)
        self.assertEqual([x.status for x in s.trials()], ["completed", "completed"])

    def test_a_dead_agents_trial_is_abandoned_and_retried_with_its_params(self):
        s = labbook.create_sweep(logdir=self.logdir, strategy="random", parameters=GRID, objective="acc",
                                 max_trials=2, heartbeat_timeout=1)
        script = ("import os, labbook\n"
                  "s = labbook.get_sweep(%r, logdir=%r)\n"
                  "t = s.suggest()\n"
                  "print(t.number, flush=True)\n"
                  "os._exit(9)\n" % (s.id, self.logdir))
        proc = self.run_script(script)
        self.assertEqual(proc.returncode, 9, proc.stderr)
        dead = s.trials()[0]
        time.sleep(1.3)
        retry = s.suggest()
        self.assertEqual(retry.retry_of, dead.number)
        self.assertEqual(retry.params, dead.params)
        retry.complete(1.0)
        s.suggest().complete(2.0)
        self.assertIsNone(s.suggest())
        self.assertEqual([t.status for t in s.trials()], ["abandoned", "completed", "completed"])

    def test_eight_agent_processes_share_one_sweep_without_losing_or_repeating_a_trial(self):
        s = labbook.create_sweep(logdir=self.logdir, strategy="bayesian", objective="loss", goal="minimize",
                                 parameters={"lr": {"min": 1e-6, "max": 1.0, "distribution": "log_uniform"},
                                             "width": {"min": 1, "max": 200}},
                                 max_trials=200, seed=1)
        script = ("import math, labbook\n"
                  "s = labbook.get_sweep(%r, logdir=%r)\n"
                  "n = 0\n"
                  "for t in s:\n"
                  "    t.complete((math.log10(t.params['lr']) + 3) ** 2 + t.params['width'] / 100.0)\n"
                  "    n += 1\n"
                  "    if n == 25: break\n"
                  "print(n)\n" % (s.id, self.logdir))
        path = os.path.join(self.tmp, "agent.py")
        with open(path, "w") as f:
            f.write(script)
        env = dict(os.environ, PYTHONPATH=SDK_DIR)
        procs = [subprocess.Popen([sys.executable, path], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, universal_newlines=True) for _ in range(8)]
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outs):
            self.assertEqual(p.returncode, 0, err)
            self.assertEqual(out.strip(), "25")
        trials = s.trials()
        self.assertEqual([t.number for t in trials], list(range(200)))
        self.assertTrue(all(t.status == "completed" for t in trials))
        agents = {t.agent for t in trials}
        self.assertEqual(len(agents), 8)
        self.assertIsNone(s.suggest())


class SharedLockTests(LabbookTestCase):
    """lock.held, the lock Python and Node agents share (docs/sweep-format.md, "The lock")."""

    def sweep(self):
        return labbook.create_sweep(logdir=self.logdir, strategy="grid", objective="loss",
                                    parameters={"x": {"values": [1, 2, 3, 4]}})

    def hold(self, s, **owner):
        held = os.path.join(s.folder, heldlock.HELD)
        with open(held, "w") as f:
            json.dump(dict({"host": socket.gethostname(), "pid": os.getpid(), "time": time.time(),
                            "token": "other"}, **owner), f)
        return held

    def test_a_suggestion_holds_lock_held_and_removes_it(self):
        s = self.sweep()
        seen = []
        real = store.HeldLock.__enter__

        def spy(lock):
            out = real(lock)
            with open(lock.path) as f:
                seen.append(json.load(f))
            return out
        store.HeldLock.__enter__ = spy
        try:
            s.suggest().complete(1.0)
        finally:
            store.HeldLock.__enter__ = real
        self.assertEqual([(o["host"], o["pid"]) for o in seen], [(socket.gethostname(), os.getpid())])
        self.assertFalse(os.path.exists(os.path.join(s.folder, heldlock.HELD)))

    def test_a_lock_of_a_dead_process_or_an_old_one_is_broken(self):
        s = self.sweep()
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        self.hold(s, pid=dead.pid)
        self.assertEqual(s.suggest().number, 0)
        self.hold(s, host="elsewhere", pid=1, time=time.time() - heldlock.STALE_SECONDS - 5)
        self.assertEqual(s.suggest().number, 1)
        self.assertFalse(os.path.exists(os.path.join(s.folder, heldlock.BREAKING)))

    def test_a_live_holder_on_another_host_is_waited_for(self):
        s = self.sweep()
        held = self.hold(s, host="elsewhere", pid=1)
        threading.Timer(0.5, os.unlink, [held]).start()
        t0 = time.time()
        self.assertEqual(s.suggest().number, 0)
        self.assertGreaterEqual(time.time() - t0, 0.4)

    def test_a_stale_lock_is_kept_when_another_agent_replaced_it_first(self):
        s = self.sweep()
        held = self.hold(s, host="elsewhere", pid=1, time=time.time() - 999)
        seen = heldlock._read_owner(held)
        os.unlink(held)
        self.hold(s, token="fresh")  # another waiter broke it and now holds the lock
        heldlock._break_if_stale(s.folder, seen)
        with open(held) as f:
            self.assertEqual(json.load(f)["token"], "fresh")


class PruneTests(unittest.TestCase):

    def trial(self, number, curve):
        t = TrialState(number)
        t.reports = list(enumerate(curve))
        return t

    def test_median_rule_on_known_curves(self):
        cfg = {"type": "median", "min_trials": 3}
        others = [self.trial(i, [1.0, 0.8, 0.6, 0.5]) for i in range(3)]
        bad = self.trial(9, [1.2, 1.1, 1.0])
        good = self.trial(10, [0.9, 0.7, 0.5])
        self.assertTrue(should_prune(cfg, bad, others, 2, minimize=True))
        self.assertFalse(should_prune(cfg, good, others, 2, minimize=True))
        # Too few peers reached the step: nothing is pruned.
        self.assertFalse(should_prune(cfg, bad, others[:2], 2, minimize=True))
        # Warm-up steps are never pruned.
        self.assertFalse(should_prune(dict(cfg, warmup_steps=5), bad, others, 2, minimize=True))
        # Maximising: the same curves turned over.
        self.assertTrue(should_prune(cfg, self.trial(9, [0.1, 0.1, 0.1]), [self.trial(i, [0.5, 0.6, 0.7]) for i in range(3)], 2, minimize=False))

    def test_asha_keeps_the_top_third_at_each_rung(self):
        cfg = {"type": "asha", "min_resource": 1, "reduction_factor": 3}
        peers = [self.trial(i, [9, v, v, v]) for i, v in enumerate([0.1, 0.2, 0.3, 0.4, 0.5])]
        self.assertFalse(should_prune(cfg, self.trial(7, [9, 0.15]), peers, 1, minimize=True))
        self.assertTrue(should_prune(cfg, self.trial(7, [9, 0.45]), peers, 1, minimize=True))
        # Before the first rung nothing is decided.
        self.assertFalse(should_prune(dict(cfg, min_resource=5), self.trial(7, [9, 0.45]), peers, 1, minimize=True))

    def test_should_prune_through_a_sweep(self):
        d = labbook.create_sweep
        import tempfile
        logdir = tempfile.mkdtemp()
        s = d(logdir=logdir, strategy="random", parameters=GRID, objective="loss", goal="minimize",
              max_trials=6, early_terminate={"type": "median", "min_trials": 3, "warmup_steps": 1})
        for _ in range(3):
            t = s.suggest()
            for step, v in enumerate([1.0, 0.8, 0.6]):
                self.assertFalse(t.should_prune(step, v))
            t.complete(0.6)
        t = s.suggest()
        self.assertFalse(t.should_prune(0, 1.5))
        self.assertTrue(t.should_prune(1, 1.4))
        self.assertEqual(s.trials()[-1].status, "pruned")
        self.assertTrue(t.done)


class AgentTests(LabbookTestCase):

    def test_in_process_agent_gives_each_run_its_trial_values_and_completes_from_the_logged_metric(self):
        s = labbook.create_sweep(logdir=self.logdir, experiment="demo", strategy="grid", objective="val/acc",
                                 parameters={"lr": {"values": [0.1, 0.2, 0.3]}})

        def train():
            run = labbook.init(project="demo", config={"lr": 99, "epochs": 2}, logdir=self.logdir)
            for step in range(2):
                labbook.log({"val/acc": labbook.config.lr * (step + 1)})
            labbook.finish()
            return None

        self.assertEqual(labbook.sweep_agent(s.id, train, logdir=self.logdir), 3)
        trials = s.trials()
        self.assertEqual([t.status for t in trials], ["completed"] * 3)
        self.assertEqual([round(t.value, 6) for t in trials], [0.2, 0.4, 0.6])
        self.assertAlmostEqual(s.best().params["lr"], 0.3)
        runs = {}
        for folder in run_folders(self.logdir):
            recs = read_records(events_path(folder))
            head = recs[0]
            params = {}
            for r in recs:
                if r["t"] == "params":
                    params.update(r["values"])
            runs[head["run_id"]] = (head.get("tags"), params)
        self.assertEqual(len(runs), 3)
        for t in trials:
            tags, params = runs[t.run_id]
            self.assertIn("sweep:%s" % s.id, tags)
            self.assertIn("trial:%d" % t.number, tags)
            self.assertEqual(params["lr"], t.params["lr"])
            self.assertEqual(params["epochs"], 2)

    def test_a_failing_function_fails_its_trial_and_the_agent_goes_on(self):
        s = labbook.create_sweep(logdir=self.logdir, strategy="grid", objective="acc",
                                 parameters={"a": {"values": [1, 2]}})

        def train(trial):
            if trial.params["a"] == 1:
                raise RuntimeError("diverged")
            return {"acc": 0.9}

        labbook.sweep_agent(s, train)
        first, second = s.trials()
        self.assertEqual(first.status, "failed")
        self.assertIn("diverged", first.reason)
        self.assertEqual((second.status, second.value), ("completed", 0.9))

    def test_command_line_agent_runs_the_script_once_per_trial(self):
        with open(os.path.join(self.tmp, "sweep.json"), "w") as f:
            json.dump({"experiment": "cli", "method": "grid", "metric": {"name": "acc", "goal": "maximize"},
                       "parameters": {"lr": {"values": [0.5, 0.25]}, "name": {"values": ["a b"]}}}, f)
        env = dict(os.environ, PYTHONPATH=SDK_DIR, LABBOOK_DIR=self.logdir)
        out = subprocess.run([sys.executable, "-m", "labbook", "sweep", "create", "sweep.json"], cwd=self.tmp,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        sweep_id = out.stdout.strip()
        with open(os.path.join(self.tmp, "train.py"), "w") as f:
            f.write("import sys, labbook\n"
                    "args = dict(a[2:].split('=', 1) for a in sys.argv[1:])\n"
                    "labbook.init(project='cli', config={'lr': 1.0})\n"
                    "assert float(args['lr']) == labbook.config.lr, (args, labbook.config.lr)\n"
                    "assert args['name'] == 'a b'\n"
                    "labbook.log({'acc': labbook.config.lr * 2})\n"
                    "labbook.finish()\n")
        out = subprocess.run([sys.executable, "-m", "labbook", "sweep", "agent", sweep_id, "--", sys.executable, "train.py"],
                             cwd=self.tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        s = get_sweep(sweep_id, logdir=self.logdir)
        self.assertEqual([(t.status, t.value) for t in s.trials()], [("completed", 1.0), ("completed", 0.5)])
        self.assertTrue(all(t.run_id for t in s.trials()))
        status = subprocess.run([sys.executable, "-m", "labbook", "sweep", "stop", sweep_id], cwd=self.tmp, env=env,
                                stdout=subprocess.PIPE, universal_newlines=True)
        self.assertEqual(json.loads(status.stdout)["status"], "stopped")

    def test_seed_api_names(self):
        s = labbook.create_sweep(logdir=self.logdir, strategy="random", parameters=GRID, objective="acc", max_trials=2)
        got = labbook.suggest_sweep_params(s.id, logdir=self.logdir)
        self.assertEqual(set(got), {"trial_id", "params"})
        labbook.complete_sweep_trial(s.id, got["trial_id"], {"acc": 0.7}, logdir=self.logdir)
        self.assertEqual(s.trials()[0].value, 0.7)


@unittest.skipUnless(__import__("importlib").util.find_spec("optuna") is not None or
                     os.environ.get("LABBOOK_REQUIRE_FRAMEWORKS") == "1", "optuna not installed")
class OptunaEngineTests(LabbookTestCase):

    def test_optuna_study_in_the_sweep_folder(self):
        import optuna
        s = labbook.create_sweep(logdir=self.logdir, strategy="bayesian", engine="optuna", seed=1, max_trials=15,
                                 objective="loss", goal="minimize",
                                 parameters={"lr": {"min": 1e-6, "max": 1.0, "distribution": "log_uniform"},
                                             "width": {"min": 1, "max": 200}})
        for t in s:
            t.complete(quadratic(t.params))
        from optuna.storages import JournalStorage
        from optuna.storages.journal import JournalFileBackend
        study = optuna.load_study(study_name=s.id, storage=JournalStorage(
            JournalFileBackend(os.path.join(s.folder, "optuna.journal"))))
        self.assertEqual(len(study.trials), 15)
        self.assertAlmostEqual(study.best_value, s.best().value)


if __name__ == "__main__":
    unittest.main()
