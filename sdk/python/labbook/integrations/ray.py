"""Ray Tune: every Ray trial as a Labbook run, and a Labbook sweep driving a Ray Tune run.

    from ray import tune
    from labbook.integrations.ray import LabbookCallback, LabbookSearcher

    sweep = labbook.create_sweep(experiment="mnist", strategy="bayesian", parameters=..., objective="loss",
                                 goal="minimize", max_trials=50)
    tuner = tune.Tuner(train_fn,
                       tune_config=tune.TuneConfig(search_alg=LabbookSearcher(sweep), num_samples=50),
                       run_config=tune.RunConfig(callbacks=[LabbookCallback(project="mnist")]))
    tuner.fit()

``LabbookCallback`` runs in the Tune driver: each trial becomes a run (its config as params, every
numeric value it reports as a metric at ``training_iteration``, ``finished`` or ``failed`` at the
end), so nothing in the trainable changes. ``LabbookSearcher`` asks the sweep for each trial's
values and completes the sweep's trial with the objective Ray reports, so the same sweep runs on a
laptop with local agents or on a cluster with Ray. To use a cluster, start Ray there
(``ray start --head`` on one node, ``ray start --address=<head>:6379`` on the others) and call
``ray.init(address="auto")`` in the driver; the log root must be a folder the driver can write
(runs are written by the driver, not by the workers).
"""

from . import lazy_class, numeric_items

# Ray's own bookkeeping in every result: not training metrics.
_BOOKKEEPING = frozenset((
    "training_iteration", "time_this_iter_s", "time_total_s", "timestamp", "time_since_restore",
    "iterations_since_restore", "timesteps_since_restore", "timesteps_total", "episodes_total",
    "done", "pid", "node_ip", "hostname", "date", "trial_id", "experiment_id", "checkpoint_dir_name",
    "should_checkpoint",
))


def _import_tune(what):
    try:
        from ray import tune
        from ray.tune.search import Searcher
    except ImportError:
        raise ImportError("labbook.integrations.ray.%s needs Ray Tune: pip install \"ray[tune]\"" % what) from None
    return tune, Searcher


def _make_callback():
    tune, _ = _import_tune("LabbookCallback")
    import labbook

    class LabbookCallback(tune.Callback):
        """Records each Ray Tune trial as a Labbook run (``project``, ``logdir`` and ``tags`` as for runs)."""

        def __init__(self, project=None, logdir=None, tags=None, **run_options):
            self.project = project
            self.logdir = logdir
            self.tags = list(tags or []) + ["ray-tune"]
            self.options = dict(capture_console=False, capture_system=False, handle_signals=False)
            self.options.update(run_options)
            self.runs = {}

        def _run(self, trial):
            run = self.runs.get(trial.trial_id)
            if run is None:
                config = {k: v for k, v in (trial.config or {}).items()}
                run = labbook.Run(project=self.project,
                                  name=str(trial), tags=self.tags + ["ray-trial:%s" % trial.trial_id],
                                  config=config, logdir=self.logdir, **self.options)
                self.runs[trial.trial_id] = run
            return run

        def on_trial_start(self, iteration, trials, trial, **info):
            self._run(trial)

        def on_trial_result(self, iteration, trials, trial, result, **info):
            run = self._run(trial)
            values = {k: v for k, v in numeric_items(result).items() if k not in _BOOKKEEPING}
            if values:
                run.log(values, step=int(result.get("training_iteration") or 0))

        def on_trial_complete(self, iteration, trials, trial, **info):
            run = self.runs.pop(trial.trial_id, None) or self._run(trial)
            run.finish("finished")
            self.runs.pop(trial.trial_id, None)

        def on_trial_error(self, iteration, trials, trial, **info):
            run = self.runs.pop(trial.trial_id, None) or self._run(trial)
            run.finish("failed", getattr(trial, "error_msg", None) or "the Ray trial raised an error")
            self.runs.pop(trial.trial_id, None)

        def on_experiment_end(self, trials, **info):
            for run in list(self.runs.values()):
                run.finish("killed", "Ray Tune ended before the trial finished")
            self.runs.clear()

    return LabbookCallback


def _make_searcher():
    _, Searcher = _import_tune("LabbookSearcher")
    import labbook

    class LabbookSearcher(Searcher):
        """A Ray Tune search algorithm that takes each trial's values from a Labbook sweep."""

        def __init__(self, sweep, logdir=None):
            self.sweep = labbook.get_sweep(sweep, logdir)
            super().__init__(metric=self.sweep.objective, mode="min" if self.sweep.minimize else "max")
            self.trials = {}

        def set_search_properties(self, metric, mode, config, **spec):
            # The sweep defines the objective and the space; Tune's own settings must agree.
            if metric and metric != self.sweep.objective:
                return False
            return True

        def suggest(self, trial_id):
            trial = self.sweep.suggest(agent="ray:%s" % trial_id)
            if trial is None:
                return Searcher.FINISHED
            self.trials[trial_id] = trial
            return dict(trial.params)

        def on_trial_result(self, trial_id, result):
            trial = self.trials.get(trial_id)
            value = result.get(self.sweep.objective)
            if trial is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
                trial.report(int(result.get("training_iteration") or 0), value)

        def on_trial_complete(self, trial_id, result=None, error=False):
            trial = self.trials.pop(trial_id, None)
            if trial is None or trial.done:
                return
            value = (result or {}).get(self.sweep.objective)
            if error or not isinstance(value, (int, float)) or isinstance(value, bool):
                trial.fail("Ray trial %s %s" % (trial_id, "raised an error" if error else "reported no %r" % self.sweep.objective))
            else:
                trial.complete((result or {}), value=value)

    return LabbookSearcher


_callback = lazy_class(__name__, "LabbookCallback", _make_callback)
_searcher = lazy_class(__name__, "LabbookSearcher", _make_searcher)


def __getattr__(name):
    return _searcher(name) if name == "LabbookSearcher" else _callback(name)
