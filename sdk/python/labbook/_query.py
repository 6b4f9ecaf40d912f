"""The run query language (MLflow's search syntax plus or, parentheses, not, IS NULL, order by),
evaluated in Python over RunSummary objects read from the run logs. Same semantics as the runs
table of the extension: see docs/query-language.md.

    metrics.val_acc > 0.9 and params.lr = "0.01" and tags.stage = "final" order by metrics.val_acc desc
"""

import json
import math
import re

from ._query_parser import MAX_IN, MAX_QUERY, QueryError, parse_query  # noqa: F401 (labbook._query.*)

_STATUS = {
    "running": "running", "scheduled": "running", "finished": "finished", "completed": "finished",
    "succeeded": "finished", "done": "finished", "failed": "failed", "crashed": "failed",
    "killed": "killed", "stopped": "killed", "cancelled": "killed", "canceled": "killed",
}

def _as_number(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None


def _text(v):
    return v if isinstance(v, str) else json.dumps(v)


def _lookup(run, field):
    kind, key = field
    if kind == "metrics":
        return run.metrics.get(key)
    if kind == "params":
        if key in run.params:
            return run.params[key]
        head, _, rest = key.partition(".")
        node = run.params.get(head)
        while rest and isinstance(node, dict):
            part, _, rest = rest.partition(".")
            node = node.get(part)
        return None if rest or isinstance(node, dict) or node is run.params.get(head) else node
    if kind == "tags":
        return run.tag_values.get(key)
    return {
        "run_id": run.id, "run_name": run.name, "status": run.status, "experiment": run.experiment,
        "start_time": run.start_time, "end_time": run.end_time, "duration": run.duration,
        "source": "labbook", "archived": run.archived, "deleted": False, "note": run.note,
        "description": run.description, "folder": run.path,
    }[key]


def _compare(a, op, b):
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$", re.I)
_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*d)?\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*$", re.I)


def _time_range(value):
    """[start, end) in epoch seconds: a number (seconds, or milliseconds above 10^11) or an ISO
    date (that day), date and minute, or date and second, in local time unless a zone is given."""
    if isinstance(value, float):
        v = value / 1000.0 if value > 1e11 else value
        return v, v
    m = _ISO.match(str(value).strip())
    if not m:
        raise QueryError("%r is not a date: use \"2026-11-01\", \"2026-11-01T12:00\" or epoch seconds" % (value,))
    import datetime
    y, mo, d, hh, mm, ss, zone = m.groups()
    parts = [int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0)]
    width = 86400 if hh is None else 60 if ss is None else 1
    try:
        if zone:
            offset = 0 if zone.upper() == "Z" else (1 if zone[0] == "+" else -1) * (
                int(zone[1:3]) * 3600 + int(zone[-2:]) * 60)
            tz = datetime.timezone(datetime.timedelta(seconds=offset))
            start = datetime.datetime(*parts, tzinfo=tz).timestamp()
        else:
            start = datetime.datetime(*parts).timestamp()
    except ValueError as e:
        raise QueryError("%r is not a date: %s" % (value, e))
    return start, start + width


def _duration(value):
    if isinstance(value, float):
        return value
    m = _DURATION.match(str(value))
    if not m or not any(m.groups()):
        raise QueryError("%r is not a duration: use seconds or text such as \"90s\", \"5m\", \"1h30m\", \"1d\"" % (value,))
    d, h, mi, se = (float(x) if x else 0.0 for x in m.groups())
    return d * 86400 + h * 3600 + mi * 60 + se


def _compare_time(have, op, value):
    start, end = _time_range(value)
    if start == end:
        return _compare(have, op, start)
    return {"=": start <= have < end, "!=": not start <= have < end, "<": have < start,
            "<=": have < end, ">": have >= end, ">=": have >= start}[op]


def _norm(field, value):
    """The query value in the field's terms (status names, times in seconds)."""
    if field == ("attr", "status") and isinstance(value, str):
        status = _STATUS.get(value.lower())
        if status is None:
            raise QueryError("unknown status %r" % value)
        return status
    if field == ("attr", "duration") and not isinstance(value, bool):
        return _duration(value)
    return value


def _match_one(run, field, op, value):
    have = _lookup(run, field)
    if have is None:
        return False
    if field[0] == "attr" and field[1] in ("start_time", "end_time"):
        return _compare_time(have, op, value)
    value = _norm(field, value)
    if field[0] == "metrics":
        return not math.isnan(have) and _compare(have, op, value)
    if field[0] == "params":
        a, b = _as_number(have), _as_number(value)
        if a is not None and b is not None:
            return _compare(a, op, b)
        if isinstance(value, bool):
            return _compare(_text(have).lower(), op, "true" if value else "false")
        return _compare(_text(have), op, _text(value))
    if isinstance(have, bool) or isinstance(value, bool):
        return _compare(bool(have), op, bool(value))
    if isinstance(have, float) or (isinstance(have, int) and not isinstance(have, bool)):
        b = _as_number(value)
        return b is not None and _compare(float(have), op, b)
    return _compare(_text(have), op, _text(value))


def matches(run, node):
    """Whether a run meets a condition tree from parse_query (None: every run)."""
    if node is None:
        return True
    kind = node[0]
    if kind == "and":
        return all(matches(run, n) for n in node[1])
    if kind == "or":
        return any(matches(run, n) for n in node[1])
    if kind == "not":
        return not matches(run, node[1])
    if kind == "null":
        present = _lookup(run, node[1]) is not None
        return present if node[2] else not present
    if kind == "like":
        have = _lookup(run, node[1])
        if have is None:
            return False
        return bool(node[2].match(_text(have))) != node[3]
    if kind == "in":
        have = _lookup(run, node[1])
        if have is None:
            return False
        found = any(_match_one(run, node[1], "=", v) for v in node[2])
        return found != node[3]
    return _match_one(run, node[1], node[2], node[3])


def _sort_key(run, field):
    """(missing, kind, value): numbers before text, missing always last."""
    v = _lookup(run, field)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    n = _as_number(v) if field[0] != "attr" or isinstance(v, (int, float)) else None
    return (0, n, "") if n is not None else (1, 0.0, _text(v))


def order_runs(runs, order):
    """Sorts runs by order keys [(field, desc)]; runs without a value come last either way.
    Without keys: newest first. Ties keep the reverse of the given (folder) order, as the index's
    newest-row-first tiebreak does."""
    runs = list(reversed(list(runs)))
    if not order:
        return sorted(runs, key=lambda r: -(r.start_time or 0.0))
    for field, desc in reversed(order):
        present = [r for r in runs if _sort_key(r, field) is not None]
        missing = [r for r in runs if _sort_key(r, field) is None]
        present.sort(key=lambda r: _sort_key(r, field), reverse=desc)
        runs = present + missing
    return runs
