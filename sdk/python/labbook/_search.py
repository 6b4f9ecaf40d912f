"""search_runs and best_run: find runs in the run logs with the runs table's query language."""

import math

from . import _query, _runs_reader

GOALS = {"maximize": True, "max": True, "minimize": False, "min": False}


def search_runs(query=None, order_by=None, experiment=None, logdir=None, include_archived=True):
    """Runs below the log root that meet ``query``, as RunSummary objects.

    ``query`` uses MLflow's search syntax (``metrics.val_acc > 0.9 and params.lr = "0.01"``,
    ``or``, parentheses, ``not``, ``LIKE``/``ILIKE``, ``IN``, ``IS NULL``, backticked keys such as
    ``metrics.`val/acc```, a trailing ``order by``). ``order_by`` is a list of
    ``"metrics.val_acc desc"`` strings (or one string) and comes before the query's own order.
    ``experiment`` keeps only runs of that experiment (project). Without any order: newest first.
    Raises ``labbook.QueryError`` for a query that cannot be read.
    """
    condition, order = _query.parse_query(query or "")
    if order_by:
        if isinstance(order_by, str):
            order_by = [order_by]
        _, extra = _query.parse_query("order by " + ", ".join(order_by))
        order = extra + order
    runs = [r for r in _runs_reader.read_runs(logdir)
            if (experiment is None or r.experiment == experiment)
            and (include_archived or not r.archived)
            and _query.matches(r, condition)]
    return _query.order_runs(runs, order)


def best_run(experiment, metric, goal="maximize", query=None, logdir=None):
    """The run of ``experiment`` with the highest (``goal="maximize"``) or lowest
    (``"minimize"``) last value of ``metric``, or None when no run logged it.
    Runs whose last value is NaN are left out; ``query`` narrows the runs first."""
    if goal not in GOALS:
        raise ValueError("labbook: goal must be 'maximize' or 'minimize', not %r" % (goal,))
    best = None
    for run in search_runs(query, experiment=experiment, logdir=logdir):
        value = run.metrics.get(metric)
        if value is None or math.isnan(value):
            continue
        if best is None or (value > best[0] if GOALS[goal] else value < best[0]):
            best = (value, run)
    return best[1] if best else None
