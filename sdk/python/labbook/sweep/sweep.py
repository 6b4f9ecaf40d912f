"""Sweeps: create one, get it from another process, ask it for trials, complete them.

    sweep = labbook.create_sweep(experiment="mnist", strategy="bayesian",
                                 parameters={"lr": {"min": 1e-5, "max": 1e-2, "distribution": "log_uniform"},
                                             "batch": {"values": [16, 32, 64]}},
                                 objective="val/acc", goal="maximize", max_trials=50)
    for trial in sweep:                       # several processes may do this at once
        acc = train(**trial.params)
        trial.complete({"val/acc": acc})
"""

import math
import os
import random
import threading
import time
import uuid

from . import prune, store, tpe
from .space import grid_point, grid_size, parse_space

STRATEGIES = ("grid", "random", "bayesian")
GOALS = ("maximize", "minimize")
HEARTBEAT_SECONDS = 10.0


def _logdir(logdir):
    return os.path.abspath(os.fspath(logdir or os.environ.get("LABBOOK_DIR") or "labbook"))


def create_sweep(experiment=None, strategy="random", parameters=None, objective=None,
                 goal="maximize", max_trials=None, seed=None, early_terminate=None,
                 logdir=None, name=None, engine="labbook", heartbeat_timeout=120,
                 max_retries=2, command=None):
    """Creates a sweep folder under the log root and returns the :class:`Sweep`."""
    if strategy not in STRATEGIES:
        raise ValueError("strategy must be one of %s, got %r" % (", ".join(STRATEGIES), strategy))
    if isinstance(objective, dict):
        goal = objective.get("goal", goal)
        objective = objective.get("metric") or objective.get("name")
    if not isinstance(objective, str) or not objective:
        raise ValueError("a sweep needs an objective: the name of a metric its trials log")
    goal = {"max": "maximize", "min": "minimize"}.get(goal, goal)
    if goal not in GOALS:
        raise ValueError("goal must be \"maximize\" or \"minimize\", got %r" % (goal,))
    space = parse_space(parameters)
    if strategy == "grid":
        total = grid_size(space)
        max_trials = total if max_trials is None else min(int(max_trials), total)
    if max_trials is not None and (not isinstance(max_trials, int) or max_trials < 1):
        raise ValueError("max_trials must be a positive integer")
    if engine not in ("labbook", "optuna"):
        raise ValueError("engine must be \"labbook\" or \"optuna\"")
    if seed is None:
        seed = random.SystemRandom().randrange(2 ** 31)
    sweep_id = "sw-" + uuid.uuid4().hex[:10]
    definition = {
        "format": store.FORMAT, "version": store.FORMAT_VERSION, "id": sweep_id,
        "name": name or sweep_id, "experiment": experiment or "default", "strategy": strategy,
        "parameters": parameters, "objective": {"metric": objective, "goal": goal},
        "max_trials": max_trials, "seed": seed, "early_terminate": prune.check_config(early_terminate),
        "engine": engine, "heartbeat_timeout": heartbeat_timeout, "max_retries": max_retries,
        "command": command, "created": time.time(),
    }
    folder = os.path.join(_logdir(logdir), store.SWEEPS_DIR, sweep_id)
    store.write_definition(folder, definition)
    return Sweep(folder)


def get_sweep(sweep, logdir=None):
    """The sweep with this id (under the log root) or at this folder."""
    if isinstance(sweep, Sweep):
        return sweep
    sweep = os.fspath(sweep)
    folder = sweep if os.path.isfile(os.path.join(sweep, store.DEFINITION)) else os.path.join(
        _logdir(logdir), store.SWEEPS_DIR, sweep)
    if not os.path.isfile(os.path.join(folder, store.DEFINITION)):
        raise LookupError("no sweep %r under %s" % (sweep, os.path.dirname(folder)))
    return Sweep(folder)


class Sweep(object):
    def __init__(self, folder):
        self.folder = os.path.abspath(folder)
        self.definition = store.read_definition(self.folder)
        self.id = self.definition["id"]
        self.space = parse_space(self.definition["parameters"])
        self.objective = self.definition["objective"]["metric"]
        self.goal = self.definition["objective"]["goal"]
        self.strategy = self.definition["strategy"]
        self.max_trials = self.definition.get("max_trials")
        self._lock_path = os.path.join(self.folder, store.LOCK)
        self._log = store.TrialLog(self.folder)
        self._engine = None
        if self.definition.get("engine") == "optuna":
            from .optuna_engine import OptunaEngine
            self._engine = OptunaEngine(self)

    def __repr__(self):
        return "Sweep(%r, %s, %r %s)" % (self.id, self.strategy, self.objective, self.goal)

    @property
    def logdir(self):
        return os.path.dirname(os.path.dirname(self.folder))

    @property
    def minimize(self):
        return self.goal == "minimize"

    def state(self):
        return store.SweepState(self._log.read())

    def trials(self):
        """Every trial so far, as :class:`TrialState` objects in trial order."""
        return self.state().ordered()

    # -- suggesting ------------------------------------------------------------------------

    def suggest(self, agent=None):
        """The next trial, or None when the sweep is done or stopped. Safe across processes."""
        with store.FileLock(self._lock_path):
            state = self.state()
            if state.stopped:
                return None
            now = time.time()
            timeout = float(self.definition.get("heartbeat_timeout") or 120)
            for t in state.ordered():
                if t.status == "running" and now - t.last_seen > timeout:
                    store.append(self.folder, {"t": "abandon", "trial": t.number, "time": now,
                                               "reason": "no heartbeat for %d s" % timeout})
                    t.status = "abandoned"
            number = state.next_number()
            retry = self._retry_candidate(state)
            record = {"t": "suggest", "trial": number, "time": now, "agent": agent or store.agent_name()}
            if retry is not None:
                record.update(params=retry.params, retry_of=retry.number)
                if retry.grid_index is not None:
                    record["grid_index"] = retry.grid_index
            else:
                used = sum(1 for t in state.ordered() if t.status != "abandoned")
                if self.max_trials is not None and used >= self.max_trials:
                    return None
                params, extra = self._new_params(state, number)
                record["params"] = params
                record.update(extra)
            store.append(self.folder, record)
        return Trial(self, number, record["params"], retry_of=record.get("retry_of"))

    def _retry_candidate(self, state):
        limit = int(self.definition.get("max_retries", 2))
        for t in state.ordered():
            if t.status != "abandoned" or t.number in state.retried:
                continue
            depth, n = 0, t
            while n is not None and n.retry_of is not None:
                depth += 1
                n = state.trials.get(n.retry_of)
            if depth < limit:
                return t
        return None

    def _new_params(self, state, number):
        if self.strategy == "grid":
            taken = {t.grid_index for t in state.ordered() if t.grid_index is not None}
            index = len(taken)
            return grid_point(self.space, index), {"grid_index": index}
        if self._engine is not None:
            return self._engine.ask(number)
        rng = random.Random("%s:%d" % (self.definition["seed"], number))
        if self.strategy == "random":
            return {p.name: p.sample(rng) for p in self.space}, {}
        observations = [(t.params, t.value) for t in state.ordered()
                        if t.status in ("completed", "pruned") and t.value is not None]
        return tpe.suggest(self.space, observations, self.minimize, rng), {}

    def __iter__(self):
        while True:
            trial = self.suggest()
            if trial is None:
                return
            try:
                yield trial
            except GeneratorExit:
                if not trial.done:
                    trial.fail("the loop ended before the trial was completed")
                raise
            if not trial.done:
                trial.fail("not completed by the loop body")

    # -- control and results ---------------------------------------------------------------

    def stop(self, reason=None):
        """Agents finish their current trial and ask for no more."""
        store.append(self.folder, {"t": "stop", "time": time.time(), "reason": reason})

    def resume(self):
        store.append(self.folder, {"t": "resume", "time": time.time()})

    @property
    def stopped(self):
        return self.state().stopped

    def best(self):
        """The best completed trial (a TrialState), or None."""
        done = [t for t in self.trials() if t.status == "completed" and t.value is not None]
        if not done:
            return None
        return (min if self.minimize else max)(done, key=lambda t: t.value)

    def status(self):
        state = self.state()
        trials = state.ordered()
        counts = {}
        for t in trials:
            counts[t.status] = counts.get(t.status, 0) + 1
        finished = sum(1 for t in trials if t.status in ("completed", "failed", "pruned"))
        if state.stopped:
            overall = "stopped"
        elif self.max_trials is not None and finished >= self.max_trials:
            overall = "done"
        else:
            overall = "running" if counts.get("running") else "waiting"
        best = self.best()
        return {"id": self.id, "status": overall, "trials": len(trials), "max_trials": self.max_trials,
                "counts": counts, "best_value": best.value if best else None,
                "best_params": best.params if best else None}


class Trial(object):
    """One suggested set of parameters; complete it with the objective's value."""

    def __init__(self, sweep, number, params, retry_of=None):
        self.sweep = sweep
        self.number = number
        self.id = "%s-%d" % (sweep.id, number)
        self.params = dict(params)
        self.retry_of = retry_of
        self.done = False
        self.run_id = None
        self._reports = []
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, name="labbook-sweep-heartbeat", daemon=True)
        self._beat.start()

    def __repr__(self):
        return "Trial(%r, %r)" % (self.id, self.params)

    def _heartbeat(self):
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                store.append(self.sweep.folder, {"t": "heartbeat", "trial": self.number, "time": time.time()})
            except OSError:
                pass

    def _end(self, record):
        if self.done:
            raise RuntimeError("trial %s is already %s" % (self.id, "ended"))
        self.done = True
        self._stop.set()
        record.update(trial=self.number, time=time.time())
        if self.run_id and "run_id" not in record:
            record["run_id"] = self.run_id
        store.append(self.sweep.folder, record)

    def set_run(self, run_id):
        """Links the Labbook run that trains this trial."""
        self.run_id = run_id
        store.append(self.sweep.folder, {"t": "run", "trial": self.number, "run_id": run_id, "time": time.time()})

    def complete(self, metrics=None, value=None):
        """Ends the trial with its result: a number, or metrics that include the objective."""
        if isinstance(metrics, (int, float)) and value is None:
            metrics, value = {self.sweep.objective: metrics}, metrics
        metrics = dict(metrics or {})
        if value is None:
            value = metrics.get(self.sweep.objective)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError("trial %s: the objective %r needs a finite number, got %r"
                             % (self.id, self.sweep.objective, value))
        clean = {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
                 and math.isfinite(v)}
        self._end({"t": "complete", "value": float(value), "metrics": clean})
        if self.sweep._engine is not None:
            self.sweep._engine.tell(self.number, float(value))

    def fail(self, reason=None):
        self._end({"t": "fail", "reason": None if reason is None else str(reason)[:4000]})
        if self.sweep._engine is not None:
            self.sweep._engine.tell(self.number, None)

    def report(self, step, value):
        """Records an intermediate value of the objective (for early termination)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return
        self._reports.append((int(step), float(value)))
        store.append(self.sweep.folder, {"t": "report", "trial": self.number, "step": int(step),
                                         "value": float(value), "time": time.time()})

    def should_prune(self, step, value):
        """Reports ``value`` at ``step`` and says whether the sweep's early-termination rule stops
        this trial here; when it does, the trial ends as pruned."""
        self.report(step, value)
        cfg = self.sweep.definition.get("early_terminate")
        if not cfg or self.done:
            return False
        state = self.sweep.state()
        me = state.trials.get(self.number)
        if me is None:
            return False
        others = [t for n, t in state.trials.items() if n != self.number]
        if prune.should_prune(cfg, me, others, int(step), self.sweep.minimize):
            self._end({"t": "prune", "step": int(step), "value": float(value)})
            if self.sweep._engine is not None:
                self.sweep._engine.tell(self.number, None, pruned=True)
            return True
        return False
