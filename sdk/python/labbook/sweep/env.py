"""How a trial reaches the run that trains it.

An agent sets ``LABBOOK_SWEEP_ID``, ``LABBOOK_SWEEP_TRIAL`` and ``LABBOOK_SWEEP_PARAMS`` (JSON) for
the training code (in its own process, or in a child process); ``labbook.init`` then takes the
trial's values into the run's config (they win over the script's defaults) and tags the run
``sweep:<id>`` and ``trial:<n>``, so the extension and the agent find it.
"""

import contextlib
import json
import os

VARIABLES = ("LABBOOK_SWEEP_ID", "LABBOOK_SWEEP_TRIAL", "LABBOOK_SWEEP_PARAMS")
_listeners = []


def variables(trial):
    return {"LABBOOK_SWEEP_ID": trial.sweep.id, "LABBOOK_SWEEP_TRIAL": str(trial.number),
            "LABBOOK_SWEEP_PARAMS": json.dumps(trial.params)}


@contextlib.contextmanager
def trial_environment(trial, on_run=None):
    """The trial's variables set in this process for a block; ``on_run(run)`` hears of runs started in it."""
    saved = {k: os.environ.get(k) for k in VARIABLES}
    os.environ.update(variables(trial))
    if on_run is not None:
        _listeners.append(on_run)
    try:
        yield
    finally:
        if on_run is not None:
            _listeners.remove(on_run)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def current():
    """(sweep id, trial number, params) from the environment, or None."""
    sid, num, params = (os.environ.get(k) for k in VARIABLES)
    if not sid or num is None or params is None:
        return None
    try:
        values = json.loads(params)
        number = int(num)
    except ValueError:
        return None
    return (sid, number, values) if isinstance(values, dict) else None


def apply(config, tags):
    """``init``'s config and tags with the trial's values and tags (unchanged outside a trial)."""
    trial = current()
    if trial is None:
        return config, tags
    sid, number, values = trial
    merged = dict(config or {})
    merged.update(values)
    if isinstance(tags, str):
        tags = [tags]
    tags = list(tags or []) + ["sweep:%s" % sid, "trial:%d" % number]
    return merged, tags


def started(run):
    for listener in list(_listeners):
        listener(run)
