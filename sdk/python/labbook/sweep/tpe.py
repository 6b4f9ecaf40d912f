"""Tree-structured Parzen Estimator (Bergstra et al. 2011), the method of Hyperopt and of Optuna's
default sampler, with the standard library only.

Completed trials are split into the best ``gamma(n)`` ("good") and the rest; a Parzen estimator (a
mixture with a kernel per trial, plus a wide prior) is fitted to each group;
candidates are drawn from the good one and the one with the highest ratio good/bad density wins.
The estimators are joint over the parameters (multivariate TPE, Optuna's default). Defaults follow Optuna:
10 random start-up trials, gamma(n) = min(ceil(0.1 n), 25), 24 candidates, bandwidths by the
"magic clip" of Hyperopt.
"""

import math

N_STARTUP = 10
N_CANDIDATES = 24
MAX_ABOVE = 300
PRIOR_WEIGHT = 1.0
_SQRT2 = math.sqrt(2.0)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def gamma(n):
    return min(int(math.ceil(0.1 * n)), 25)


def _ncdf(x):
    return 0.5 * (1.0 + math.erf(x / _SQRT2))


def _numeric_kernels(values, low, high):
    """Centres and bandwidths of one dimension's kernels (the prior last), as Optuna computes them:
    the larger gap to a neighbour (bounds included; the outermost points take their inner gap),
    clipped to [span / min(100, n + 2), span]."""
    span = high - low if high > low else 1.0
    n = len(values)
    order = sorted(range(n), key=lambda i: values[i])
    xs = [low] + [values[i] for i in order] + [high]
    gaps = [max(xs[j] - xs[j - 1], xs[j + 1] - xs[j]) for j in range(1, n + 1)]
    if n >= 2:
        gaps[0] = xs[2] - xs[1]
        gaps[-1] = xs[-2] - xs[-3]
    sigmas = [0.0] * n
    lo_clip = span / min(100.0, 2.0 + n)
    for rank, i in enumerate(order):
        sigmas[i] = min(max(gaps[rank], lo_clip), span)
    return list(values) + [(low + high) / 2.0], sigmas + [span]


class _NumericDim(object):
    """Truncated normals on [low, high], one per kernel."""

    def __init__(self, values, low, high, prior_mu=None, prior_sigma=None):
        self.low, self.high = low, high
        self.mus, self.sigmas = _numeric_kernels(values, low, high)
        if prior_mu is not None:
            self.mus[-1], self.sigmas[-1] = prior_mu, prior_sigma
        mass = [max(_ncdf((high - m) / sd) - _ncdf((low - m) / sd), 1e-12) for m, sd in zip(self.mus, self.sigmas)]
        self.consts = [-math.log(sd) - _LOG_SQRT_2PI - math.log(z) for sd, z in zip(self.sigmas, mass)]
        self.scales = [-0.5 / (sd * sd) for sd in self.sigmas]

    def sample(self, k, rng):
        m, sd = self.mus[k], self.sigmas[k]
        for _ in range(100):
            x = rng.gauss(m, sd)
            if self.low <= x <= self.high:
                return x
        return min(max(m, self.low), self.high)

    def log_pdfs(self, x):
        return [c + k * (x - m) * (x - m) for c, k, m in zip(self.consts, self.scales, self.mus)]


class _CategoricalDim(object):
    """Per kernel, the observed choice plus a share of the prior spread over all choices."""

    def __init__(self, indices, n_choices):
        n_kernels = len(indices) + 1
        self.rows = []
        for idx in list(indices) + [None]:
            row = [PRIOR_WEIGHT / n_kernels] * n_choices
            if idx is not None:
                row[idx] += 1.0
            total = sum(row)
            self.rows.append([math.log(w / total) for w in row])

    def sample(self, k, rng):
        r, acc = rng.random(), 0.0
        row = self.rows[k]
        for i, lw in enumerate(row):
            acc += math.exp(lw)
            if r <= acc:
                return i
        return len(row) - 1

    def log_pdfs(self, i):
        return [row[int(i)] for row in self.rows]


class _Joint(object):
    """Multivariate TPE's estimator: a mixture whose components are products over dimensions, one
    component per observation plus the prior (Optuna's default since it made multivariate TPE the default)."""

    def __init__(self, dims, n):
        self.dims = dims
        w = [1.0] * n + [PRIOR_WEIGHT]
        total = sum(w)
        self.log_w = [math.log(x / total) for x in w]
        self.w = [x / total for x in w]

    def sample(self, rng):
        r, acc, k = rng.random(), 0.0, len(self.w) - 1
        for i, x in enumerate(self.w):
            acc += x
            if r <= acc:
                k = i
                break
        return [d.sample(k, rng) for d in self.dims]

    def log_pdf(self, point):
        terms = list(self.log_w)
        for d, x in zip(self.dims, point):
            for i, lp in enumerate(d.log_pdfs(x)):
                terms[i] += lp
        best = max(terms)
        return best + math.log(sum(math.exp(t - best) for t in terms))


def _bounds(param):
    low, high = param.low, param.high
    if (param.q is not None or param.kind == "int") and not param.log:
        half = 0.5 * (param.q or 1)     # discrete: the end values as likely as the others
        low, high = low - half, high + half
    return low, high


def _estimator(space, rows):
    dims = []
    for p in space:
        if p.kind == "cat":
            index = {repr(v): i for i, v in enumerate(p.values)}
            dims.append(_CategoricalDim([index.get(repr(r[p.name]), 0) for r in rows], len(p.values)))
        else:
            low, high = _bounds(p)
            values = [min(max(p.to_internal(r[p.name]), low), high) for r in rows]
            dims.append(_NumericDim(values, low, high, p.mu if p.normal else None, p.sigma if p.normal else None))
    return _Joint(dims, len(rows))


def _point_to_params(space, point):
    out = {}
    for p, x in zip(space, point):
        out[p.name] = p.values[x] if p.kind == "cat" else p.clip(p.from_internal(x))
    return out


def suggest(space, observations, minimize, rng, n_startup=N_STARTUP):
    """Parameters for the next trial.

    ``observations`` are ``(params, value)`` pairs of completed trials; ``minimize`` says which
    way is better. Fewer than ``n_startup`` observations: random sampling.
    """
    obs = [(p, v) for p, v in observations if isinstance(v, (int, float)) and math.isfinite(v)]
    if len(obs) < n_startup:
        return {p.name: p.sample(rng) for p in space}
    ordered = sorted(obs, key=lambda pv: pv[1] if minimize else -pv[1])
    n_good = gamma(len(ordered))
    good = [p for p, _ in ordered[:n_good]]
    # The rest, at most MAX_ABOVE of them, the newest first (Optuna weights old trials down too):
    # keeps a suggestion fast with thousands of trials.
    bad = [p for p, _ in ordered[n_good:]]
    if len(bad) > MAX_ABOVE:
        order = {id(p): i for i, (p, _) in enumerate(obs)}
        bad = sorted(bad, key=lambda p: -order[id(p)])[:MAX_ABOVE]
    complete = [p for p in space if p.kind != "cat" or len(p.values) > 1]
    good = [r for r in good if all(p.name in r for p in complete)]
    bad = [r for r in bad if all(p.name in r for p in complete)]
    below, above = _estimator(complete, good), _estimator(complete, bad)
    best, best_score = None, None
    for _ in range(N_CANDIDATES):
        point = below.sample(rng)
        score = below.log_pdf(point) - above.log_pdf(point)
        if best_score is None or score > best_score:
            best, best_score = point, score
    out = _point_to_params(complete, best)
    for p in space:
        if p.name not in out:
            out[p.name] = p.values[0]
    return {p.name: out[p.name] for p in space}
