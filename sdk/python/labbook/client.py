"""A client object in the style of hosted trackers (Podstack and the like), writing the same
local files as the rest of the SDK:

    client = labbook.Client()
    exp = client.create_experiment("mnist", description="digits", tags={"team": "vision"})
    with client.start_run(experiment_id=exp.id, name="lr-0.1") as run:
        run.log_params({"lr": 0.1})
        run.log_metrics({"loss": 0.3}, step=1)

Runs started here are ordinary ``labbook.Run`` objects (``log_params``, ``log_metrics``,
``log_artifact(s)``, ``log_dataset``, ``create_alert``...), independent of ``labbook.init()``.
"""


from . import _experiments
from ._options import resolve_logdir
from ._run import Run
from ._values import _tags_list
from . import sweep as _sweep


class ExperimentInfo(object):
    """An experiment: ``id``, ``name``, ``description``, ``tags`` (``exp["id"]`` works too)."""

    def __init__(self, data, logdir):
        self.id = data["id"]
        self.experiment_id = self.id
        self.name = data["name"]
        self.description = data.get("description")
        self.tags = list(data.get("tags") or [])
        self.created = data.get("created")
        self.logdir = logdir

    def __getitem__(self, key):
        return getattr(self, key)

    def __repr__(self):
        return "<labbook.ExperimentInfo %s %r>" % (self.id, self.name)


class Client(object):
    """Experiments, runs and sweeps under one log root (``logdir``, else ``$LABBOOK_DIR``,
    else ``./labbook``). Arguments hosted clients need (``api_key``, ``host``, ``project``...)
    are accepted and ignored: everything stays in local files."""

    def __init__(self, logdir=None, **ignored):
        self.logdir = resolve_logdir(logdir)

    # -- experiments
    def create_experiment(self, name, description=None, tags=None):
        """Creates the experiment (or updates the one of that name) and returns it."""
        data = _experiments.save(self.logdir, name, description, _tags_list(tags))
        return ExperimentInfo(data, self.logdir)

    def get_experiment(self, experiment_id):
        """An experiment by id or name (LookupError if there is none)."""
        data = _experiments.find(self.logdir, experiment_id)
        if data is None:
            raise LookupError("labbook: no experiment %r under %s" % (experiment_id, self.logdir))
        return ExperimentInfo(data, self.logdir)

    def list_experiments(self):
        return [ExperimentInfo(d, self.logdir) for d in _experiments.list_all(self.logdir)]

    def _experiment_name(self, experiment_id):
        if experiment_id is None:
            return None
        if isinstance(experiment_id, ExperimentInfo):
            return experiment_id.name
        return self.get_experiment(experiment_id).name

    # -- runs
    def start_run(self, experiment_id=None, name=None, run_name=None, config=None, params=None,
                  tags=None, description=None, **options):
        """A new run of the experiment (a ``labbook.Run``; a context manager)."""
        config = dict(config or {}, **(params or {}))
        return Run(project=self._experiment_name(experiment_id), name=name or run_name,
                   description=description, tags=tags, config=config or None,
                   logdir=self.logdir, **options)

    def resume_run(self, run_id, **options):
        return Run(logdir=self.logdir, resume=run_id, **options)

    # -- sweeps
    def create_sweep(self, experiment_id=None, strategy="random", parameters=None,
                     objective=None, **options):
        """A sweep of the experiment (see ``labbook.create_sweep``)."""
        return _sweep.create_sweep(experiment=self._experiment_name(experiment_id),
                                   strategy=strategy, parameters=parameters, objective=objective,
                                   logdir=self.logdir, **options)

    def suggest_sweep_params(self, sweep_id):
        sweep_id = getattr(sweep_id, "id", sweep_id)
        return _sweep.suggest_sweep_params(sweep_id, logdir=self.logdir)

    def complete_sweep_trial(self, sweep_id, trial_id, metrics=None, value=None):
        sweep_id = getattr(sweep_id, "id", sweep_id)
        return _sweep.complete_sweep_trial(sweep_id, trial_id, metrics=metrics, value=value,
                                           logdir=self.logdir)

    def __repr__(self):
        return "<labbook.Client %s>" % self.logdir
