"""Early termination: decides from the values trials report along the way whether one should stop.

Configured per sweep as ``early_terminate``:

    {"type": "median", "min_trials": 5, "warmup_steps": 0}
        The median stopping rule: stop a trial whose best value up to a step is worse than the
        median of the other trials' best values up to the same step (only trials that reached it,
        and only once ``min_trials`` of them did).
    {"type": "asha", "min_resource": 1, "reduction_factor": 3}
    {"type": "hyperband", "min_resource": 1, "max_resource": 81, "reduction_factor": 3}
        Successive halving, asynchronous: at each rung (min_resource × factor^k steps) a trial goes
        on only while its best value is within the top 1/factor of the values recorded at that rung.
        Hyperband spreads trials over brackets that start at different rungs.
"""

import math

TYPES = ("median", "asha", "hyperband")


def check_config(cfg):
    if cfg is None:
        return None
    if not isinstance(cfg, dict) or cfg.get("type") not in TYPES:
        raise ValueError("early_terminate must be a mapping with \"type\" one of %s" % ", ".join(TYPES))
    eta = cfg.get("reduction_factor", cfg.get("eta", 3))
    if not isinstance(eta, (int, float)) or eta < 2:
        raise ValueError("early_terminate: reduction_factor must be 2 or more")
    if cfg.get("min_resource", 1) <= 0:
        raise ValueError("early_terminate: min_resource must be positive")
    return dict(cfg)


def _best_upto(reports, step, minimize):
    vals = [v for s, v in reports if s <= step]
    if not vals:
        return None
    return min(vals) if minimize else max(vals)


def _worse(a, b, minimize):
    return a > b if minimize else a < b


def _median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def should_prune(cfg, trial, others, step, minimize):
    """Whether ``trial`` (a TrialState whose reports include this step) should stop now.

    ``others`` are the sweep's other trials (any status) with their reports.
    """
    if not cfg:
        return False
    mine = _best_upto(trial.reports, step, minimize)
    if mine is None:
        return False
    kind = cfg["type"]
    if kind == "median":
        if step < cfg.get("warmup_steps", 0):
            return False
        peers = [_best_upto(o.reports, step, minimize) for o in others
                 if o.reports and max(s for s, _ in o.reports) >= step]
        peers = [p for p in peers if p is not None]
        if len(peers) < cfg.get("min_trials", 5):
            return False
        return _worse(mine, _median(peers), minimize)
    eta = cfg.get("reduction_factor", cfg.get("eta", 3))
    r0 = cfg.get("min_resource", 1)
    if kind == "hyperband":
        top = cfg.get("max_resource")
        brackets = max(1, int(math.floor(math.log(top / r0, eta) + 1e-9)) + 1) if top else 1
        bracket = trial.number % brackets
        r0 = r0 * eta ** bracket
        others = [o for o in others if o.number % brackets == bracket]
    # The highest rung this step has reached.
    if step < r0:
        return False
    k = int(math.floor(math.log(step / r0, eta) + 1e-9))
    rung = r0 * eta ** k
    values = [_best_upto(o.reports, rung, minimize) for o in others
              if o.reports and max(s for s, _ in o.reports) >= rung]
    values = [v for v in values if v is not None]
    mine = _best_upto(trial.reports, rung, minimize)
    values.append(mine)
    keep = max(1, len(values) // int(eta))
    ranked = sorted(values, key=lambda v: v if minimize else -v)
    return _worse(mine, ranked[keep - 1], minimize)
