"""Sweep agents: run trials one after another until the sweep is done or stopped.

In-process (like ``wandb.agent``)::

    def train():
        run = labbook.init(project="mnist", config={"lr": 0.1})   # the trial's values win
        ...
        labbook.log({"val/acc": acc})
        labbook.finish()

    labbook.sweep_agent(sweep.id, train)

Or from the command line, once per trial, with the values as ``--name=value`` arguments, in
``LABBOOK_SWEEP_PARAMS`` (JSON) and in ``labbook.config``::

    python -m labbook sweep agent <sweep id> -- python train.py

Either way the trial is completed from the last value of the objective metric its run logged.
"""

import inspect
import json
import os
import subprocess
import sys
import traceback

from . import env
from .._runfiles import EVENTS_FILE, _read_header, read_lines, run_folders
from .sweep import get_sweep


def _objective_from_run(folder, metric):
    """The last value of ``metric`` in a run folder's events.jsonl, or None."""
    last = None
    for rec in read_lines(os.path.join(folder, EVENTS_FILE)):
        if rec["t"] == "metrics" and isinstance(rec.get("values"), dict):
            v = rec["values"].get(metric)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                last = v
    return last


def _find_trial_run(logdir, sweep_id, number):
    """(folder, run id) of the newest run that carries this trial's tags, or (None, None)."""
    want = {"sweep:%s" % sweep_id, "trial:%d" % number}
    for folder in reversed(run_folders(logdir)):
        head = _read_header(os.path.join(folder, EVENTS_FILE))
        if head is not None and want.issubset(set(head.get("tags") or [])):
            return folder, head.get("run_id")
    return None, None


def _settle(trial, folder, run_id, result=None, failure=None):
    """Ends a trial its function or command has run for: ties it to its run (``folder``,
    ``run_id``), then fails it with ``failure``, or completes it from ``result`` (a number or
    metrics with the objective), else from the last value of the objective its run logged."""
    if run_id and trial.run_id is None:
        trial.set_run(run_id)
    if failure is not None:
        trial.fail(failure)
        return
    metric = trial.sweep.objective
    if isinstance(result, dict) and metric in result:
        trial.complete(result)
        return
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        trial.complete(value=result)
        return
    value = _objective_from_run(folder, metric) if folder else None
    if value is None:
        trial.fail("the trial's run logged no %r" % metric)
    else:
        trial.complete(value=value)


def _trials(sweep, count):
    """The trials the sweep suggests, until it is done or stopped, or ``count`` were given."""
    given = 0
    while count is None or given < count:
        trial = sweep.suggest()
        if trial is None:
            return
        given += 1
        yield trial


def sweep_agent(sweep, function, count=None, logdir=None):
    """Runs ``function`` once per trial (``function()`` or ``function(trial)``) until the sweep is
    done or stopped, or ``count`` trials ran. Returns how many ran."""
    sweep = get_sweep(sweep, logdir)
    takes_trial = False
    try:
        takes_trial = len(inspect.signature(function).parameters) >= 1
    except (TypeError, ValueError):
        pass
    ran = 0
    for trial in _trials(sweep, count):
        ran += 1
        started = []
        with env.trial_environment(trial, on_run=started.append):
            try:
                result = function(trial) if takes_trial else function()
            except Exception:
                if not trial.done:
                    trial.fail(traceback.format_exc())
                continue
        if trial.done:
            continue
        run = started[-1] if started else None
        _settle(trial, run.path if run else None, run.id if run else None, result)
    return ran


def command_agent(sweep, command, count=None, logdir=None, pass_args=True):
    """The command-line agent: runs ``command`` once per trial. Returns how many ran."""
    sweep = get_sweep(sweep, logdir)
    ran = 0
    for trial in _trials(sweep, count):
        ran += 1
        args = list(command)
        if pass_args:
            args += ["--%s=%s" % (k, json.dumps(v) if not isinstance(v, str) else v)
                     for k, v in trial.params.items()]
        child_env = dict(os.environ)
        child_env.update(env.variables(trial))
        child_env["LABBOOK_DIR"] = sweep.logdir
        sys.stdout.write("[labbook sweep] trial %s: %s\n" % (trial.id, json.dumps(trial.params)))
        sys.stdout.flush()
        try:
            code = subprocess.call(args, env=child_env)
        except OSError as exc:
            trial.fail("could not start %r: %s" % (args[0], exc))
            continue
        except KeyboardInterrupt:
            trial.fail("agent interrupted")
            raise
        folder, run_id = _find_trial_run(sweep.logdir, sweep.id, trial.number)
        _settle(trial, folder, run_id, failure="exit code %d" % code if code != 0 else None)
    return ran
