"""The module-level API (``labbook.init``, ``labbook.log``, ... on the current run) and
``Experiment``, a name under a log root to start runs of."""

import os

from . import _lifecycle
from ._config import _config_proxy
from ._options import resolve_logdir
from ._run import Run
from ._runfiles import _read_header, _read_status, _run_folders
from ._values import _as_dict, _normalize_status, _tags_list
from .sweep import env as _sweep_env


class Experiment(object):
    """An experiment (project): a name under a log root that runs belong to.

        exp = labbook.Experiment("mnist")
        with exp.start_run(name="lr-0.1", config={"lr": 0.1}) as run:
            run.log({"loss": 0.3})

    Runs started here are independent of ``labbook.init()``'s current run.
    """

    def __init__(self, name="default", logdir=None):
        self.name = str(name)
        self.logdir = resolve_logdir(logdir)

    def start_run(self, name=None, description=None, tags=None, config=None, resume=None,
                  **options):
        """A new run of this experiment (or ``resume=<run id>`` to continue one)."""
        return Run(project=self.name, name=name, description=description, tags=tags,
                   config=config, logdir=self.logdir, resume=resume, **options)

    def resume_run(self, run_id, **options):
        return self.start_run(resume=run_id, **options)

    def list_runs(self):
        """The runs of this experiment under its log root: dicts with id, name, path,
        status and start time, oldest first."""
        runs = []
        for folder in _run_folders(self.logdir):
            events = os.path.join(folder, "events.jsonl")
            header = _read_header(events)
            if header is None or header.get("project", "default") != self.name:
                continue
            state = _read_status(events)
            runs.append({"id": header.get("run_id"), "name": state[1] or header.get("name"),
                         "path": folder, "status": state[0], "time": header.get("time")})
        runs.sort(key=lambda r: (r["time"] or 0, r["path"]))
        return runs

    def __repr__(self):
        return "<labbook.Experiment %r in %s>" % (self.name, self.logdir)


def create_experiment(name, logdir=None):
    """An ``Experiment`` (Podstack style); nothing is written until a run starts."""
    return Experiment(name, logdir)


def init(project=None, name=None, description=None, tags=None, config=None, logdir=None,
         resume=None, **options):
    """Start a run and make it the current one (``labbook.run``).

    The run folder goes under ``logdir``, else ``$LABBOOK_DIR``, else
    ``./labbook``. ``resume=<run id>`` appends to that run instead. A run that
    is still open is finished first. Values set on ``labbook.config`` before
    ``init`` are taken into the new run's config (``config=`` wins on equal keys).

    Options (each also an environment variable): ``capture_env``, ``capture_git``,
    ``capture_packages``, ``capture_console``, ``capture_system`` (True/False),
    ``system_interval``, ``heartbeat_interval``, ``flush_interval`` (seconds),
    ``handle_signals``.
    """
    with _lifecycle._state_lock:
        previous = _lifecycle._current_run
        if previous is not None and not previous._finished:
            previous.finish("finished")
        merged = config_pending = _config_proxy._take_pending()
        if config is not None:
            merged = dict(config_pending)
            merged.update(_as_dict(config, "config"))
        # Inside a sweep trial (an agent set LABBOOK_SWEEP_*): the trial's values and tags.
        merged, tags = _sweep_env.apply(merged, tags)
        run = Run(project=project, name=name, description=description, tags=tags,
                  config=merged if (merged or resume is None) else None, logdir=logdir,
                  resume=resume, **options)
        _lifecycle._current_run = run
    _sweep_env.started(run)
    return run


def _require_run(what):
    run = _lifecycle._current_run
    if run is None:
        raise RuntimeError("labbook.%s: no run is active; call labbook.init() first" % what)
    return run


def log(data, step=None):
    """Log metrics to the current run; see ``Run.log``."""
    run = _lifecycle._current_run
    if run is None:
        raise RuntimeError("labbook.log: no run is active; call labbook.init() first")
    run._log(data, step, 3)


def log_metrics(metrics, step=None):
    _require_run("log_metrics")._log(metrics, step, 3)


def log_metric(key, value, step=None):
    _require_run("log_metric")._log({key: value}, step, 3)


def finish(status="finished", message=None):
    """Finish the current run (no-op if there is none)."""
    run = _lifecycle._current_run
    if run is None:
        return False
    return run.finish(status, message)


_MLFLOW_STATUS = {"FINISHED": "finished", "FAILED": "failed", "KILLED": "killed"}


def end_run(status="FINISHED"):
    """MLflow style ``finish``: status FINISHED, FAILED or KILLED (any case)."""
    return finish(_MLFLOW_STATUS.get(str(status).upper(), _normalize_status(status)))


def start_run(run_id=None, experiment_name=None, run_name=None, tags=None, description=None,
              config=None, logdir=None, **options):
    """MLflow style ``init``: ``start_run(run_name="lr-0.1", experiment_name="mnist")``.

    ``run_id`` resumes that run; ``tags`` may be a dict (``key:value`` tags).
    """
    project = options.pop("project", None) or experiment_name
    return init(project=project, name=run_name, description=description,
                tags=_tags_list(tags) if tags is not None else None, config=config,
                logdir=logdir, resume=run_id, **options)


def get_run():
    """The current run, or None."""
    return _lifecycle._current_run


active_run = get_run


def _run_method(name, doc=None):
    def call(*args, **kwargs):
        return getattr(_require_run(name), name)(*args, **kwargs)
    call.__name__ = name
    call.__doc__ = doc or "Calls ``Run.%s`` on the current run." % name
    return call


log_params = _run_method("log_params")
log_param = _run_method("log_param")
log_tags = _run_method("log_tags")
set_tags = _run_method("set_tags")
set_tag = _run_method("set_tag")
set_name = _run_method("set_name")
set_description = _run_method("set_description")
note = _run_method("note")
log_env = _run_method("log_env")
log_code_ref = _run_method("log_code_ref")
log_status = _run_method("log_status")
log_succeeded = _run_method("log_succeeded")
log_failed = _run_method("log_failed")
log_stopped = _run_method("log_stopped")
log_artifact = _run_method("log_artifact")
log_image = _run_method("log_image")
log_artifacts = _run_method("log_artifacts")
log_dataset = _run_method("log_dataset")
log_data_ref = _run_method("log_data_ref")
create_alert = _run_method("create_alert")
get_outputs_path = _run_method("get_outputs_path")


def flush():
    """Write the current run's buffered records to disk now (no-op without a run)."""
    run = _lifecycle._current_run
    if run is not None:
        run.flush()
