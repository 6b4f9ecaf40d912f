"""Sweep parameters: how each is declared and how values are drawn from it.

A parameter is declared as in W&B sweeps:

    {"values": [16, 32, 64]}                                  categorical (grid walks these)
    {"value": 0.9}                                            constant
    {"min": 1e-5, "max": 1e-2, "distribution": "log_uniform"} log-uniform between min and max
    {"min": 0.1, "max": 0.5}                                  uniform (integers if both are ints)
    {"min": 0, "max": 100, "q": 5, "distribution": "q_uniform"}
    {"mu": 0, "sigma": 1, "distribution": "normal"}

Distributions: ``uniform``, ``int_uniform``, ``log_uniform`` (alias ``log_uniform_values``),
``q_uniform``, ``q_log_uniform`` (alias ``q_log_uniform_values``), ``normal``, ``q_normal``,
``log_normal``, ``categorical``, ``constant``. Bounds are the values themselves (not their
logarithms).
"""

import math

DISTRIBUTIONS = ("uniform", "int_uniform", "log_uniform", "q_uniform", "q_log_uniform",
                 "normal", "q_normal", "log_normal", "categorical", "constant")
_ALIASES = {"log_uniform_values": "log_uniform", "q_log_uniform_values": "q_log_uniform",
            "int": "int_uniform", "loguniform": "log_uniform", "choice": "categorical"}


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _number(name, spec, key):
    v = spec.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError("sweep parameter %r: %r must be a finite number, got %r" % (name, key, v))
    return v


class Param(object):
    """One parameter of the search space.

    ``kind`` is ``"float"``, ``"int"`` or ``"cat"``. Numeric parameters have an internal space
    (``log`` applied when ``log`` is true) in which samplers work: ``low``..``high`` there, or a
    normal of ``mu``/``sigma`` there.
    """

    def __init__(self, name, spec):
        self.name = name
        self.spec = spec
        self.values = None
        self.q = None
        self.log = False
        self.normal = False
        self.mu = self.sigma = None
        self.low = self.high = None
        if not isinstance(spec, dict):
            spec = {"value": spec}
        dist = spec.get("distribution")
        dist = _ALIASES.get(dist, dist)
        if dist is None:
            if "values" in spec:
                dist = "categorical"
            elif "value" in spec:
                dist = "constant"
            elif "mu" in spec or "sigma" in spec:
                dist = "normal"
            elif _is_int(spec.get("min")) and _is_int(spec.get("max")):
                dist = "int_uniform"
            else:
                dist = "uniform"
        if dist not in DISTRIBUTIONS:
            raise ValueError("sweep parameter %r: unknown distribution %r (one of %s)"
                             % (name, dist, ", ".join(DISTRIBUTIONS)))
        self.distribution = dist
        if dist == "constant":
            if "value" not in spec:
                raise ValueError("sweep parameter %r: a constant needs \"value\"" % name)
            self.kind, self.values = "cat", [spec["value"]]
            return
        if dist == "categorical":
            values = spec.get("values")
            if not isinstance(values, list) or not values:
                raise ValueError("sweep parameter %r: \"values\" must be a non-empty list" % name)
            self.kind, self.values = "cat", list(values)
            return
        self.log = dist in ("log_uniform", "q_log_uniform", "log_normal")
        if "q" in spec or dist.startswith("q_"):
            self.q = _number(name, spec, "q") if "q" in spec else 1
            if self.q <= 0:
                raise ValueError("sweep parameter %r: q must be positive" % name)
        self.kind = "int" if (dist == "int_uniform" or (self.q is not None and _is_int(self.q)
                                                         and _is_int(spec.get("min", 0)))) else "float"
        if dist in ("normal", "q_normal", "log_normal"):
            self.normal = True
            self.mu = _number(name, spec, "mu") if "mu" in spec else 0.0
            self.sigma = _number(name, spec, "sigma") if "sigma" in spec else 1.0
            if self.sigma <= 0:
                raise ValueError("sweep parameter %r: sigma must be positive" % name)
            # Samplers work on a bounded window: four standard deviations either side.
            self.low, self.high = self.mu - 4 * self.sigma, self.mu + 4 * self.sigma
            return
        lo, hi = _number(name, spec, "min"), _number(name, spec, "max")
        if lo > hi:
            raise ValueError("sweep parameter %r: min %r is above max %r" % (name, lo, hi))
        if self.log:
            if lo <= 0:
                raise ValueError("sweep parameter %r: a log distribution needs min > 0" % name)
            lo, hi = math.log(lo), math.log(hi)
        self.low, self.high = lo, hi

    # -- values ---------------------------------------------------------------------------

    def grid_values(self):
        """The values a grid search walks, in order."""
        if self.kind == "cat":
            return list(self.values)
        if self.kind == "int" and not self.log and not self.normal:
            step = int(self.q or 1)
            return list(range(int(self.low), int(self.high) + 1, step))
        raise ValueError("sweep parameter %r: a grid needs \"values\" (or an integer range), "
                         "not a %s distribution" % (self.name, self.distribution))

    def from_internal(self, u):
        """A value of the parameter from a point of the internal space."""
        x = math.exp(u) if self.log else u
        if self.q is not None:
            x = round(x / self.q) * self.q
        if self.kind == "int":
            x = int(round(x))
        elif self.q is not None:
            x = float(round(x, 12))
        return x

    def to_internal(self, value):
        x = float(value)
        return math.log(x) if self.log else x

    def sample(self, rng):
        """A random value: the random strategy, and the Bayesian one's first trials."""
        if self.kind == "cat":
            return self.values[rng.randrange(len(self.values))]
        if self.normal:
            u = rng.gauss(self.mu, self.sigma)
        elif self.kind == "int" and not self.log and self.q is None:
            return rng.randint(int(self.low), int(self.high))
        else:
            u = rng.uniform(self.low, self.high)
        return self.clip(self.from_internal(u))

    def clip(self, x):
        """Keeps a rounded value inside the declared bounds (a normal has none)."""
        if self.normal or self.kind == "cat":
            return x
        lo = math.exp(self.low) if self.log else self.low
        hi = math.exp(self.high) if self.log else self.high
        if x < lo:
            x = self.from_internal(self.to_internal(lo)) if self.q is None else x + self.q
        if x > hi:
            x = self.from_internal(self.to_internal(hi)) if self.q is None else x - self.q
        return int(x) if self.kind == "int" else x


def parse_space(parameters):
    """The search space from a ``parameters`` mapping, in its declared order."""
    if not isinstance(parameters, dict) or not parameters:
        raise ValueError("a sweep needs \"parameters\": a mapping of name to declaration")
    return [Param(str(name), spec) for name, spec in parameters.items()]


def grid_size(space):
    n = 1
    for p in space:
        n *= len(p.grid_values())
    return n


def grid_point(space, index):
    """The ``index``-th combination of the grid, the last parameter changing fastest."""
    point = {}
    for p in reversed(space):
        values = p.grid_values()
        index, i = divmod(index, len(values))
        point[p.name] = values[i]
    return {p.name: point[p.name] for p in space}
