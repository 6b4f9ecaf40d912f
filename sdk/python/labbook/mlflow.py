"""MLflow's tracking calls, writing Labbook runs: ``import labbook.mlflow as mlflow``.

A script written for MLflow's fluent tracking API runs unchanged without MLflow installed:
``set_experiment``, ``start_run`` (a context manager, ``nested=True`` too), ``active_run``,
``log_param(s)``, ``log_metric(s)``, ``set_tag(s)``, ``log_artifact(s)``, ``log_dict``,
``log_text``, ``log_figure``, ``log_image``, ``end_run``. As in MLflow, a logging call without
a run starts one. Differences (docs/python-sdk.md, "MLflow scripts"):

- ``set_tracking_uri`` is accepted and ignored (with a note once): runs go to the Labbook
  log root (``$LABBOOK_DIR`` or ``./labbook``), where the extension shows them;
- a metric logged without ``step`` goes to its next step (MLflow would put every value at
  step 0 and order them by time);
- ``autolog`` does nothing (with a note once): use the Labbook framework integrations.
"""

import json
import os
import tempfile
import warnings

from . import _experiments, _lifecycle
from ._options import resolve_logdir
from ._run import Run
from ._values import _flatten, _normalize_status, _tags_list

_state = {"experiment": None, "tracking_uri": None, "last": None}
_stack = []   # runs started here, innermost last
_noted = set()


def _note(key, text):
    if key not in _noted:
        _noted.add(key)
        warnings.warn("labbook.mlflow: " + text, stacklevel=3)


def _logdir():
    return resolve_logdir()


class Experiment(object):
    """What MLflow's ``Experiment`` offers: ``experiment_id``, ``name``, ``tags``..."""

    def __init__(self, data):
        self.experiment_id = data["id"]
        self.name = data["name"]
        self.tags = {t.split(":", 1)[0]: (t.split(":", 1) + [""])[1] for t in data["tags"]}
        self.description = data.get("description")
        self.artifact_location = _logdir()
        self.lifecycle_stage = "active"
        self.creation_time = int((data.get("created") or 0) * 1000)


class RunInfo(object):
    def __init__(self, run, experiment_id):
        self._run = run
        self.run_id = run.id
        self.run_uuid = run.id
        self.run_name = run.name
        self.experiment_id = experiment_id
        self.artifact_uri = "file://" + os.path.join(run.path, "artifacts")
        self.start_time = int(run._start_time * 1000)

    @property
    def status(self):
        return {"running": "RUNNING", "finished": "FINISHED", "failed": "FAILED",
                "killed": "KILLED"}[self._run.status]

    @property
    def lifecycle_stage(self):
        return "active"


class RunData(object):
    def __init__(self, run):
        self._run = run

    @property
    def params(self):
        return {k: str(v) for k, v in _flatten(self._run.config.to_dict()).items()}

    @property
    def tags(self):
        return {t.split(":", 1)[0]: (t.split(":", 1) + [""])[1] for t in self._run.tags or []}


class ActiveRun(object):
    """What ``start_run`` returns: ``.info.run_id`` etc.; leaving the ``with`` block ends it
    (FAILED if an exception escaped, KILLED on Ctrl-C)."""

    def __init__(self, run, experiment_id):
        self.labbook_run = run
        self.info = RunInfo(run, experiment_id)
        self.data = RunData(run)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.labbook_run.__exit__(exc_type, exc, tb)
        _pop(self.labbook_run)
        return False


# --------------------------------------------------------------------------- experiments


def set_tracking_uri(uri):
    """Accepted and ignored: runs go to the Labbook log root."""
    _state["tracking_uri"] = str(uri)
    _note("uri", "set_tracking_uri(%r) is ignored; runs are written to %s (set LABBOOK_DIR "
                 "to change it)" % (str(uri), _logdir()))


def get_tracking_uri():
    return "file://" + _logdir()


def create_experiment(name, artifact_location=None, tags=None):
    """Creates the experiment and returns its id (the same id for the same name)."""
    return _experiments.save(_logdir(), name, None, _tags_list(tags))["id"]


def set_experiment(experiment_name=None, experiment_id=None):
    """Makes the experiment current (creating it by name if needed) and returns it."""
    if experiment_id is not None:
        data = _experiments.find(_logdir(), experiment_id)
        if data is None:
            raise LookupError("labbook.mlflow: no experiment with id %r" % (experiment_id,))
    elif experiment_name is not None:
        data = _experiments.find(_logdir(), experiment_name) or \
            _experiments.save(_logdir(), experiment_name)
    else:
        raise ValueError("labbook.mlflow.set_experiment: give experiment_name or experiment_id")
    _state["experiment"] = data
    return Experiment(data)


def get_experiment(experiment_id):
    data = _experiments.find(_logdir(), experiment_id)
    return Experiment(data) if data is not None else None


def get_experiment_by_name(name):
    data = _experiments.load(_logdir(), _experiments.experiment_id(name))
    return Experiment(data) if data is not None else None


def set_experiment_tag(key, value):
    data = _current_experiment()
    _state["experiment"] = _experiments.save(_logdir(), data["name"], None,
                                             _tags_list({key: value}))


def set_experiment_tags(tags):
    for key, value in dict(tags).items():
        set_experiment_tag(key, value)


def _current_experiment():
    data = _state["experiment"]
    if data is None:
        name = os.environ.get("MLFLOW_EXPERIMENT_NAME") or "Default"
        data = _state["experiment"] = _experiments.save(_logdir(), name)
    return data


# --------------------------------------------------------------------------- runs


def start_run(run_id=None, experiment_id=None, run_name=None, nested=False, parent_run_id=None,
              tags=None, description=None, log_system_metrics=None, **options):
    """Starts a run (or resumes ``run_id``) and makes it the active one."""
    active = _active()
    if active is not None and not nested and run_id != active.id:
        raise RuntimeError("labbook.mlflow: run %s is already active; end it with end_run() or "
                           "start this one with start_run(nested=True)" % active.id)
    if run_id is not None and active is not None and run_id == active.id:
        return ActiveRun(active, _experiment_of(active))
    data = (_experiments.find(_logdir(), experiment_id) if experiment_id is not None
            else _current_experiment())
    if data is None:
        raise LookupError("labbook.mlflow: no experiment with id %r" % (experiment_id,))
    tags = _tags_list(tags)
    parent = parent_run_id or (active.id if nested and active is not None else None)
    if parent:
        tags.append("mlflow.parentRunId:%s" % parent)
    if log_system_metrics is not None:
        options.setdefault("capture_system", bool(log_system_metrics))
    run = Run(project=data["name"], name=run_name, description=description,
              tags=tags or None, logdir=_logdir(), resume=run_id, **options)
    run._mlflow_experiment = data["id"]
    run._mlflow_outer = _lifecycle._current_run  # active again when this run ends
    _stack.append(run)
    _lifecycle._current_run = run
    _state["last"] = run
    return ActiveRun(run, data["id"])


def _experiment_of(run):
    return getattr(run, "_mlflow_experiment", None) or _experiments.experiment_id(run.project)


def _active():
    while _stack and _stack[-1].finished:
        _stack.pop()
    if _stack:
        return _stack[-1]
    run = _lifecycle._current_run  # a run started with labbook.init() counts as active too
    return run if run is not None and not run.finished else None


def _pop(run):
    if run in _stack:
        _stack.remove(run)
    if _lifecycle._current_run is run or _lifecycle._current_run is None:  # finish() may have cleared it
        outer = getattr(run, "_mlflow_outer", None)
        _lifecycle._current_run = outer if outer is not None and not outer.finished else None


def _run():
    run = _active()
    if run is None:
        start_run()
        run = _stack[-1]
    return run


def active_run():
    """The active run (``.info.run_id``...) or None."""
    run = _active()
    return ActiveRun(run, _experiment_of(run)) if run is not None else None


def last_active_run():
    run = _state["last"]
    return ActiveRun(run, _experiment_of(run)) if run is not None else None


def end_run(status="FINISHED"):
    """Ends the active run: FINISHED, FAILED or KILLED (Labbook and Polyaxon names work too)."""
    run = _active()
    if run is None:
        return
    run.finish(_normalize_status(status))
    _pop(run)


# --------------------------------------------------------------------------- logging


def log_param(key, value, synchronous=None):
    _run().log_param(key, value)
    return value


def log_params(params, synchronous=None, run_id=None):
    _run().log_params(params)


def log_metric(key, value, step=None, timestamp=None, synchronous=None, run_id=None, **ignored):
    _run()._log({key: value}, step, 3)


def log_metrics(metrics, step=None, timestamp=None, synchronous=None, run_id=None, **ignored):
    _run()._log(metrics, step, 3)


def set_tag(key, value, synchronous=None):
    _run().set_tag(key, value)


def set_tags(tags, synchronous=None):
    _run().set_tags(tags)


def log_artifact(local_path, artifact_path=None, run_id=None):
    return _run().log_artifact(local_path, artifact_path)


def log_artifacts(local_dir, artifact_path=None, run_id=None):
    return _run().log_artifacts(local_dir, artifact_path)


def _log_file(artifact_file, write):
    """Writes a file named like ``artifact_file`` with ``write(path)`` and logs it there."""
    folder, name = os.path.split(str(artifact_file).replace("\\", "/"))
    with tempfile.TemporaryDirectory(prefix="labbook-mlflow-") as tmp:
        path = os.path.join(tmp, name)
        write(path)
        return _run().log_artifact(path, folder or None)


def log_text(text, artifact_file, run_id=None):
    def write(path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return _log_file(artifact_file, write)


def log_dict(dictionary, artifact_file, run_id=None):
    """JSON, or YAML for a ``.yaml``/``.yml`` name (JSON too when PyYAML is missing: JSON is
    YAML)."""
    def write(path):
        text = None
        if str(artifact_file).endswith((".yaml", ".yml")):
            try:
                import yaml
                text = yaml.safe_dump(dictionary, sort_keys=False)
            except ImportError:
                pass
        if text is None:
            text = json.dumps(dictionary, indent=2, ensure_ascii=False)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return _log_file(artifact_file, write)


def log_figure(figure, artifact_file, save_kwargs=None, run_id=None):
    """A matplotlib figure (``savefig``) or a plotly one (``write_html``/``write_image``)."""
    def write(path):
        if hasattr(figure, "savefig"):
            figure.savefig(path, **(save_kwargs or {}))
        elif path.endswith(".html") and hasattr(figure, "write_html"):
            figure.write_html(path, **(save_kwargs or {}))
        elif hasattr(figure, "write_image"):
            figure.write_image(path, **(save_kwargs or {}))
        else:
            raise TypeError("labbook.mlflow.log_figure: not a matplotlib or plotly figure: %s"
                            % type(figure).__name__)
    return _log_file(artifact_file, write)


def log_image(image, artifact_file=None, key=None, step=None, timestamp=None, synchronous=None):
    """``key=`` (with ``step``): an image series in the run panel; ``artifact_file=``: that
    file name under the images of the run."""
    if key is None:
        if artifact_file is None:
            raise ValueError("labbook.mlflow.log_image: give artifact_file or key")
        key = os.path.splitext(str(artifact_file))[0]
    return _run().log_image(key, image, step=step)


def log_input(dataset, context=None, tags=None):
    """A dataset the run used: MLflow dataset objects (``name``, ``source``) or a path."""
    name = getattr(dataset, "name", None) or str(dataset)
    source = getattr(dataset, "source", None)
    uri = getattr(source, "uri", None) or getattr(source, "url", None)
    path = None if uri or not os.path.exists(str(dataset)) else str(dataset)
    if path is None and uri is None:
        uri = str(source) if source is not None else name
    return _run().log_dataset(name, path=path, uri=uri, context=context)


def get_artifact_uri(artifact_path=None):
    base = os.path.join(_run().path, "artifacts")
    return "file://" + (os.path.join(base, artifact_path) if artifact_path else base)


def autolog(*args, **kwargs):
    """Does nothing in Labbook (use labbook.integrations for frameworks)."""
    _note("autolog", "autolog() does nothing here; see labbook.integrations for PyTorch "
                     "Lightning, Keras, Hugging Face and Ray")


def flush_async_logging():
    run = _active()
    if run is not None:
        run.flush()


__all__ = ["set_tracking_uri", "get_tracking_uri", "create_experiment", "set_experiment",
           "get_experiment", "get_experiment_by_name", "set_experiment_tag",
           "set_experiment_tags", "start_run", "active_run", "last_active_run", "end_run",
           "log_param", "log_params", "log_metric", "log_metrics", "set_tag", "set_tags",
           "log_artifact", "log_artifacts", "log_text", "log_dict", "log_figure", "log_image",
           "log_input", "get_artifact_uri", "autolog", "flush_async_logging", "ActiveRun",
           "Experiment"]
