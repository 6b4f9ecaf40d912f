"""Sweep benchmark (part of `npm run bench`):

- suggestion latency of each strategy on a sweep whose log already holds 1,000 completed trials
  (target < 50 ms);
- quality of the Bayesian strategy: the median best value after 50 trials over 20 seeds on Branin
  (2-D) and Hartmann-6 (6-D), next to random search and, where Optuna is installed, Optuna's TPE.
"""

import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import labbook  # noqa: E402
from labbook.sweep import store  # noqa: E402

TRIALS = 50
SEEDS = 20


def branin(p):
    x, y = p["x"], p["y"]
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


BRANIN_SPACE = {"x": {"min": -5.0, "max": 10.0}, "y": {"min": 0.0, "max": 15.0}}

_H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_H_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
_H_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(p):
    x = [p["x%d" % i] for i in range(6)]
    return -sum(a * math.exp(-sum(_H_A[i][j] * (x[j] - _H_P[i][j]) ** 2 for j in range(6)))
                for i, a in enumerate(_H_ALPHA))


HARTMANN_SPACE = {"x%d" % i: {"min": 0.0, "max": 1.0} for i in range(6)}


def labbook_best(strategy, space, fn, seed, logdir):
    s = labbook.create_sweep(strategy=strategy, parameters=space, objective="f", goal="minimize",
                             max_trials=TRIALS, seed=seed, logdir=logdir)
    for t in s:
        t.complete(fn(t.params))
    return s.best().value


def optuna_best(space, fn, seed):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))

    def objective(trial):
        return fn({k: trial.suggest_float(k, v["min"], v["max"]) for k, v in space.items()})

    study.optimize(objective, n_trials=TRIALS)
    return study.best_value


def latency(logdir):
    """Median time of one suggest() with 1,000 completed trials in the log, per strategy."""
    out = {}
    space = {"lr": {"min": 1e-5, "max": 1e-1, "distribution": "log_uniform"}, "batch": {"values": [16, 32, 64, 128]},
             "dropout": {"min": 0.0, "max": 0.5}, "layers": {"min": 1, "max": 8}}
    rng = random.Random(0)
    for strategy in ("random", "bayesian"):
        s = labbook.create_sweep(strategy=strategy, parameters=space, objective="f", goal="minimize", seed=1,
                                 logdir=logdir)
        lines = []
        for n in range(1000):
            params = {"lr": 10 ** rng.uniform(-5, -1), "batch": rng.choice([16, 32, 64, 128]),
                      "dropout": rng.uniform(0, 0.5), "layers": rng.randint(1, 8)}
            lines.append({"t": "suggest", "trial": n, "params": params, "time": 1.0, "agent": "bench:1"})
            lines.append({"t": "complete", "trial": n, "value": rng.random(), "metrics": {}, "time": 2.0})
        with open(os.path.join(s.folder, store.TRIALS), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in lines))
        s.state()  # the first read of a long log is paid once per process
        times, cpu = [], []
        for _ in range(7):
            t0, c0 = time.perf_counter(), time.process_time()
            trial = s.suggest()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            trial.complete(0.5)
        out[strategy] = (statistics.median(times), statistics.median(cpu))
    return out


def main():
    logdir = tempfile.mkdtemp(prefix="labbook-bench-sweep-")
    try:
        print("sweeps (Python SDK, %s)" % sys.version.split()[0])
        for strategy, (ms, cpu) in latency(logdir).items():
            print("  suggest with 1,000 completed trials, %-9s %6.1f ms (CPU %.1f ms)   (target < 50 ms)" % (strategy + ":", ms, cpu))
        try:
            import optuna  # noqa: F401
            have_optuna = True
        except ImportError:
            have_optuna = False
        print("  median best after %d trials over %d seeds (minimising; lower is better):" % (TRIALS, SEEDS))
        for name, space, fn, optimum in (("Branin", BRANIN_SPACE, branin, 0.397887),
                                         ("Hartmann-6", HARTMANN_SPACE, hartmann6, -3.32237)):
            row = {}
            t0 = time.perf_counter()
            for strategy in ("random", "bayesian"):
                row[strategy] = statistics.median(labbook_best(strategy, space, fn, seed, logdir) for seed in range(SEEDS))
            if have_optuna:
                row["optuna-tpe"] = statistics.median(optuna_best(space, fn, seed) for seed in range(SEEDS))
            cells = "  ".join("%s %.4f" % (k, v) for k, v in row.items())
            gap = ""
            if have_optuna:
                # Distance to the known optimum, Labbook's TPE over Optuna's (1.0 = as close).
                gap = "  gap to optimum, labbook/optuna: %.2f" % ((row["bayesian"] - optimum) / max(1e-12, row["optuna-tpe"] - optimum))
            print("    %-10s (optimum %.4f): %s%s  [%.1f s]" % (name, optimum, cells, gap, time.perf_counter() - t0))
        if not have_optuna:
            print("  (Optuna not installed here: no comparison with its TPE)")
    finally:
        shutil.rmtree(logdir, ignore_errors=True)


if __name__ == "__main__":
    main()
