"""The run query language (MLflow's search syntax plus or, parentheses, not, IS NULL, order by),
evaluated in Python over RunSummary objects read from the run logs. Same semantics as the runs
table of the extension: see docs/query-language.md.

    metrics.val_acc > 0.9 and params.lr = "0.01" and tags.stage = "final" order by metrics.val_acc desc
"""

import json
import math
import re

MAX_QUERY = 10000
MAX_IN = 1000

_PREFIXES = {
    "metrics": "metrics", "metric": "metrics",
    "params": "params", "param": "params", "parameters": "params", "parameter": "params",
    "tags": "tags", "tag": "tags",
    "attributes": "attr", "attribute": "attr", "attr": "attr", "run": "attr",
}
_ATTRS = {
    "run_id": "run_id", "id": "run_id", "uid": "run_id", "run_uuid": "run_id",
    "run_name": "run_name", "name": "run_name", "status": "status",
    "start_time": "start_time", "start": "start_time", "created": "start_time",
    "end_time": "end_time", "end": "end_time", "duration": "duration",
    "experiment": "experiment", "experiment_name": "experiment", "source": "source",
    "tracker": "source", "archived": "archived", "deleted": "deleted", "note": "note",
    "description": "description", "folder": "folder",
}
_STATUS = {
    "running": "running", "scheduled": "running", "finished": "finished", "completed": "finished",
    "succeeded": "finished", "done": "finished", "failed": "failed", "crashed": "failed",
    "killed": "killed", "stopped": "killed", "cancelled": "killed", "canceled": "killed",
}
_KEYWORDS = {"and", "or", "not", "like", "ilike", "in", "is", "null", "order", "by", "asc",
             "desc", "true", "false"}
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.\-]*)
  | (?P<bq>`(?:[^`]|``)*`)
  | (?P<str>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
  | (?P<op>==|!=|<>|<=|>=|=|<|>)
  | (?P<punct>[(),])
""", re.X)


class QueryError(ValueError):
    """A query that cannot be read; the message says where and what was expected."""


def _unquote(text):
    q = text[0]
    body = text[1:-1].replace(q + q, q)
    return re.sub(r"\\([\\'\"])", r"\1", body) if q != "`" else body


def _tokens(query):
    out, pos = [], 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if not m:
            raise QueryError("unexpected %r at column %d" % (query[pos], pos + 1))
        kind, text = m.lastgroup, m.group()
        if kind == "ident" and text.endswith(".") and m.end() < len(query) and query[m.end()] in "`\"":
            q = _TOKEN.match(query, m.end())
            if q and q.lastgroup in ("bq", "str"):
                out.append(("field", text + _unquote(q.group()), pos))
                pos = q.end()
                continue
        if kind == "ident" and text.lower() in _KEYWORDS:
            out.append(("kw", text.lower(), pos))
        elif kind == "num":
            out.append(("value", float(text), pos))
        elif kind == "str":
            out.append(("value", _unquote(text), pos))
        elif kind == "ident" or kind == "bq":
            out.append(("field", text if kind == "ident" else _unquote(text), pos))
        elif kind != "ws":
            out.append((kind, text, pos))
        pos = m.end()
    return out


def _field(text):
    head, dot, key = text.partition(".")
    kind = _PREFIXES.get(head.lower()) if dot else None
    if kind is None:
        kind, key = "attr", text
    if not key:
        raise QueryError("expected a key after %r" % text)
    if kind == "attr":
        name = _ATTRS.get(key.lower())
        if name is None:
            raise QueryError("unknown attribute %r" % key)
        return ("attr", name)
    return (kind, key)


class _Parser(object):
    def __init__(self, tokens):
        self.toks, self.i = tokens, 0

    def peek(self, kind=None, text=None):
        if self.i >= len(self.toks):
            return None
        t = self.toks[self.i]
        if (kind and t[0] != kind) or (text and t[1] != text):
            return None
        return t

    def take(self, kind=None, text=None, what=None):
        t = self.peek(kind, text)
        if t is None:
            found = self.toks[self.i] if self.i < len(self.toks) else None
            where = "at column %d, found %r" % (found[2] + 1, found[1]) if found else "at the end of the query"
            raise QueryError("expected %s %s" % (what or text or kind, where))
        self.i += 1
        return t

    def parse(self):
        expr = None
        if self.i < len(self.toks) and not self.peek("kw", "order"):
            expr = self.or_expr()
        order = []
        if self.peek("kw", "order"):
            self.i += 1
            self.take("kw", "by")
            while True:
                field = _field(self.take("field", what="a field to order by")[1])
                desc = False
                if self.peek("kw", "asc") or self.peek("kw", "desc"):
                    desc = self.take()[1] == "desc"
                order.append((field, desc))
                if not self.peek("punct", ","):
                    break
                self.i += 1
        if self.i < len(self.toks):
            raise QueryError("unexpected %r at column %d" % (self.toks[self.i][1], self.toks[self.i][2] + 1))
        return expr, order

    def or_expr(self):
        parts = [self.and_expr()]
        while self.peek("kw", "or"):
            self.i += 1
            parts.append(self.and_expr())
        return ("or", parts) if len(parts) > 1 else parts[0]

    def and_expr(self):
        parts = [self.unary()]
        while self.peek("kw", "and"):
            self.i += 1
            parts.append(self.unary())
        return ("and", parts) if len(parts) > 1 else parts[0]

    def unary(self):
        if self.peek("kw", "not"):
            self.i += 1
            return ("not", self.unary())
        if self.peek("punct", "("):
            self.i += 1
            inner = self.or_expr()
            self.take("punct", ")", "')'")
            return inner
        return self.comparison()

    def value(self):
        t = self.peek("value") or self.peek("kw", "true") or self.peek("kw", "false")
        if t is None:
            self.take("value", what="a value")
        self.i += 1
        return t[1] if t[0] == "value" else t[1] == "true"

    def comparison(self):
        field = _field(self.take("field", what="a field such as metrics.acc")[1])
        if self.peek("kw", "is"):
            self.i += 1
            negate = bool(self.peek("kw", "not")) and bool(self.take())
            self.take("kw", "null")
            return ("null", field, negate)
        negate = bool(self.peek("kw", "not")) and bool(self.take())
        if self.peek("kw", "like") or self.peek("kw", "ilike"):
            op = self.take()[1]
            pattern = self.value()
            if not isinstance(pattern, str):
                raise QueryError("%s takes a quoted pattern" % op.upper())
            return ("like", field, _like(pattern, op == "ilike"), negate)
        if self.peek("kw", "in"):
            self.i += 1
            self.take("punct", "(", "'('")
            values = [self.value()]
            while self.peek("punct", ","):
                self.i += 1
                values.append(self.value())
            self.take("punct", ")", "')'")
            if len(values) > MAX_IN:
                raise QueryError("IN takes at most %d values" % MAX_IN)
            return ("in", field, values, negate)
        if negate:
            raise QueryError("expected LIKE, ILIKE or IN after NOT")
        op = self.take("op", what="an operator (=, !=, <, <=, >, >=, LIKE, IN, IS)")[1]
        op = {"==": "=", "<>": "!="}.get(op, op)
        value = self.value()
        if field[0] == "metrics" and not isinstance(value, float):
            raise QueryError("metrics compare with numbers, not strings")
        return ("cmp", field, op, value)


def _like(pattern, ignore_case):
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "%_":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.S | (re.I if ignore_case else 0))


def parse_query(query):
    """Parses a query into (condition tree or None, order keys); raises QueryError."""
    query = query or ""
    if len(query) > MAX_QUERY:
        raise QueryError("a query has at most %d characters" % MAX_QUERY)
    return _Parser(_tokens(query)).parse()


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
