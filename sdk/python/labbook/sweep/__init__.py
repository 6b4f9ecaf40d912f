"""Hyperparameter sweeps, local first: a folder under the log root, agents that coordinate through
a file lock, and grid, random and Bayesian (TPE) search. See docs/sweep-format.md."""

from .agent import command_agent, sweep_agent
from .store import SweepState, TrialState
from .sweep import GOALS, STRATEGIES, Sweep, Trial, create_sweep, get_sweep


def suggest_sweep_params(sweep_id, logdir=None):
    """The next trial of a sweep as ``{"trial_id": ..., "params": {...}}``, or None when it is done.

    The trial's heartbeat runs in this process until it is completed."""
    trial = get_sweep(sweep_id, logdir).suggest()
    if trial is None:
        return None
    _open[trial.id] = trial
    return {"trial_id": trial.id, "params": dict(trial.params)}


def complete_sweep_trial(sweep_id, trial_id, metrics=None, value=None, logdir=None):
    """Completes a trial handed out by :func:`suggest_sweep_params` (in this process or another)."""
    trial = _open.pop(trial_id, None)
    if trial is None:
        sweep = get_sweep(sweep_id, logdir)
        prefix = sweep.id + "-"
        if not str(trial_id).startswith(prefix):
            raise LookupError("trial %r is not a trial of sweep %r" % (trial_id, sweep.id))
        number = int(str(trial_id)[len(prefix):])
        state = sweep.state().trials.get(number)
        if state is None:
            raise LookupError("sweep %r has no trial %r" % (sweep.id, trial_id))
        trial = Trial(sweep, number, state.params)
    trial.complete(metrics, value=value)
    return trial


_open = {}

__all__ = ["create_sweep", "get_sweep", "sweep_agent", "command_agent", "suggest_sweep_params",
           "complete_sweep_trial", "Sweep", "Trial", "SweepState", "TrialState", "STRATEGIES", "GOALS"]
