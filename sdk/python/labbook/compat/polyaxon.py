"""Polyaxon's tracking calls on the current Labbook run:

    from labbook.compat import polyaxon as tracking
    tracking.init(project="mnist")
    tracking.log_params(lr=0.1, batch_size=64)
    tracking.log_metrics(step=1, loss=0.3, accuracy=0.9)
    tracking.log_succeeded()

Keyword arguments are the values (``log_metrics(step=..., **metrics)``,
``log_params(reset=..., **params)``), as in Polyaxon.
"""

import hashlib
import os
import time

from .. import _api


def init(project=None, name=None, description=None, tags=None, config=None, **options):
    """Starts a run and makes it the current one (``labbook.init``)."""
    for unused in ("owner", "run_uuid", "client", "track_code", "track_env", "outputs_store",
                   "collect_artifacts", "collect_resources", "is_new", "is_offline"):
        options.pop(unused, None)
    return _api.init(project=project, name=name, description=description, tags=tags,
                      config=config, **options)


def _run():
    return _api._require_run("compat.polyaxon")


def log_metrics(step=None, timestamp=None, **metrics):
    """``log_metrics(step=3, loss=0.2, acc=0.9)``."""
    _run()._log(metrics, step, 3)


def log_metric(name, value, step=None, timestamp=None):
    _run()._log({name: value}, step, 3)


def log_params(reset=False, **params):
    """``log_params(lr=0.1)``; ``reset=True`` replaces all params."""
    _run().log_params(params, reset=reset)


def log_inputs(reset=False, **inputs):
    """Polyaxon's older name for params."""
    _run().log_params(inputs, reset=reset)


def log_outputs(reset=False, **outputs):
    """Results of the run, kept in its environment under ``outputs``."""
    run = _run()
    with run._lock:
        previous = {} if reset else dict(getattr(run, "_polyaxon_outputs", {}))
        previous.update(outputs)
        run._polyaxon_outputs = previous
    run.log_env({"outputs": previous})


def log_data_ref(data=None, data_name=None, reset=False, content=None, name=None, hash=None,
                 path=None, uri=None, description=None, context=None):
    """Records data the run used. ``data``/``path`` a local file or folder (size and sha256),
    a ``scheme://`` location, or in-memory content (bytes, text or any object, hashed as
    text); ``data_name``/``name`` names it. ``reset=True`` is accepted: records are added,
    the run keeps every reference it made."""
    label = name or data_name
    source = path if path is not None else data if data is not None else content
    run = _run()
    if isinstance(source, (str, os.PathLike)) and (os.path.exists(source) or "://" in str(source)):
        return run.log_dataset(label or os.path.basename(os.fspath(source).rstrip("/\\")),
                               path=source, uri=uri, description=description, context=context)
    if label is None:
        raise ValueError("labbook.compat.polyaxon.log_data_ref: name the data with data_name=")
    record = {"t": "dataset", "name": str(label)}
    if source is not None:
        raw = source if isinstance(source, bytes) else str(source).encode("utf-8")
        record["size"] = len(raw)
        record["sha256"] = hashlib.sha256(raw).hexdigest()
    elif hash is not None:
        record["sha256"] = str(hash)
    if uri is not None:
        record["uri"] = str(uri)
    if description is not None:
        record["description"] = str(description)
    if context is not None:
        record["context"] = str(context)
    record["time"] = time.time()
    run._check_open("log_data_ref()")
    run._record(record)
    return record


def log_run_env():
    """Captures the environment (command, git, packages, hardware...) again now."""
    _run().log_env()


def log_env(values=None):
    _run().log_env(values)


def log_code_ref(commit=None, branch=None, url=None, is_dirty=None, dirty=None):
    """Without arguments: captures git now; with them, they win over the captured values."""
    _run().log_code_ref(commit=commit, branch=branch, url=url,
                        dirty=is_dirty if is_dirty is not None else dirty)


def log_tags(tags=None, reset=False, **kw):
    _run().log_tags(tags or [], reset=reset)


def set_name(name):
    _run().set_name(name)


def set_description(description):
    _run().set_description(description)


def log_status(status, reason=None, message=None):
    return _run().log_status(status, message or reason)


def log_succeeded(message=None):
    return _run().log_succeeded(message)


def log_failed(message=None, traceback=None):
    return _run().log_failed(message, traceback)


def log_stopped(message=None):
    return _run().log_stopped(message)


def log_artifact(path, name=None, artifact_kind=None, step=None, timestamp=None):
    return _run().log_artifact(path)


def log_artifacts(path, artifact_path=None):
    return _run().log_artifacts(path, artifact_path)


def get_outputs_path():
    return _run().get_outputs_path()


get_artifacts_path = get_outputs_path


def end():
    """Finishes the run (as ``finished``) if it is still open."""
    return _api.finish()
