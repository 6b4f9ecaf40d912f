"""Reading the run query language: tokens, then a condition tree and order keys
(docs/query-language.md). ``_query`` evaluates the tree over runs."""

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
