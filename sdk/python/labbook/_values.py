"""Values as the run log holds them: JSON-safe values, metric numbers, steps, statuses, tags
and run names (docs/run-log-format.md)."""

import json
import math
import operator
import os
import secrets
import socket

try:  # Python 3.3+
    from collections.abc import Mapping
except ImportError:  # pragma: no cover
    from collections import Mapping

MAX_STEP = 2 ** 53 - 1  # steps must be exact in JavaScript (the extension)
STATUSES = ("running", "finished", "failed", "killed")

_frepr = float.__repr__
_irepr = int.__repr__


def _float_to_json(x):
    """A float as JSON can hold it: NaN and infinities become strings."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _jsonable(value, _depth=0):
    """Any value turned into something json.dumps writes without NaN tokens."""
    if _depth > 50:
        return str(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float_to_json(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, _depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [_jsonable(v, _depth + 1) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    # numpy / torch scalars and arrays
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        try:
            return _jsonable(tolist(), _depth + 1)
        except Exception:
            pass
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return _jsonable(item(), _depth + 1)
        except Exception:
            pass
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


def _flatten(mapping, prefix=""):
    """Nested mappings flattened with '.': {"a": {"b": 1}} -> {"a.b": 1}."""
    out = {}
    for key, value in mapping.items():
        name = prefix + str(key)
        if isinstance(value, Mapping) and len(value) > 0:
            out.update(_flatten(value, name + "."))
        elif isinstance(value, Mapping):
            out[name] = {}
        else:
            out[name] = _jsonable(value)
    return out


def _as_dict(obj, what):
    """A mapping, argparse.Namespace or similar object as a plain dict."""
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    raise TypeError("%s must be a dict (or an object with attributes), not %s"
                    % (what, type(obj).__name__))


def _metric_value(key, value):
    """A metric value as int/float, or raise TypeError/ValueError naming the key."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    if value is None:
        raise TypeError("labbook.log: metric %r is None; values must be numbers" % key)
    if isinstance(value, (str, bytes)):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        try:
            return float(text)
        except ValueError:
            raise ValueError("labbook.log: metric %r has the value %r, which is not a number"
                             % (key, value)) from None
    # torch tensors, numpy scalars and 0-d arrays have .item()
    item = getattr(value, "item", None)
    if callable(item):
        try:
            value = item()
        except Exception as exc:
            raise TypeError("labbook.log: metric %r: cannot take a single number from %s (%s)"
                            % (key, type(value).__name__, exc)) from None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return value
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError("labbook.log: metric %r has a value of type %s, which is not a number (%s)"
                        % (key, type(value).__name__, exc)) from None


def _process_identity():
    """Where the run's process is (header ``host`` and ``pid``): the extension marks a running
    run killed at once when this process is gone from this machine."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


def _check_step(step):
    if isinstance(step, bool):
        raise TypeError("labbook.log: step must be an integer, not bool")
    try:
        step = operator.index(step)
    except TypeError:
        raise TypeError("labbook.log: step must be an integer, not %s"
                        % type(step).__name__) from None
    if step < 0:
        raise ValueError("labbook.log: step must be >= 0, got %d" % step)
    if step > MAX_STEP:
        raise ValueError("labbook.log: step must be <= %d (2**53 - 1), got %d" % (MAX_STEP, step))
    return step


def _new_run_id():
    return secrets.token_hex(5)  # 10 hex characters


_NAME_ADJECTIVES = ("amber", "bold", "brisk", "calm", "clever", "cosmic", "crisp", "dapper", "eager", "fancy", "gentle", "golden", "grand", "happy", "hidden", "jolly", "keen", "lively", "lucid", "mellow", "merry", "nimble", "noble", "polar", "proud", "quiet", "rapid", "silver", "sleek", "sunny", "swift", "vivid")
_NAME_NOUNS = ("badger", "bison", "canyon", "comet", "condor", "cedar", "delta", "ember", "falcon", "fjord", "gecko", "glacier", "harbor", "heron", "ibis", "jaguar", "kestrel", "lagoon", "lynx", "maple", "meadow", "nebula", "otter", "panda", "quasar", "raven", "sparrow", "summit", "tundra", "walrus", "willow", "zephyr")


def _friendly_name(run_id):
    """A readable default run name from the run id, e.g. ``swift-otter-417`` (the Node SDK gives the same)."""
    h = 0x811C9DC5
    for byte in str(run_id).encode("utf-8"):  # FNV-1a, 32 bits
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "%s-%s-%d" % (_NAME_ADJECTIVES[h % len(_NAME_ADJECTIVES)],
                          _NAME_NOUNS[(h >> 8) % len(_NAME_NOUNS)], (h >> 16) % 1000)


def _number_text(value):
    """JSON text of an int or float; NaN and infinities as strings."""
    if type(value) is float or isinstance(value, float):
        if value - value == 0.0:
            return _frepr(value)
        if value != value:
            return '"NaN"'
        return '"Infinity"' if value > 0 else '"-Infinity"'
    return _irepr(int(value))


def _dumps(record):
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


_STATUS_ALIASES = {
    "running": "running", "started": "running", "starting": "running", "resuming": "running",
    "finished": "finished", "succeeded": "finished", "success": "finished",
    "done": "finished", "completed": "finished",
    "failed": "failed", "failure": "failed", "error": "failed",
    "killed": "killed", "stopped": "killed", "stopping": "killed", "aborted": "killed",
    "cancelled": "killed", "canceled": "killed", "interrupted": "killed",
}


def _normalize_status(status):
    key = str(status).strip().lower()
    if key not in _STATUS_ALIASES:
        raise ValueError("labbook: unknown status %r (use running, finished, failed or killed)"
                         % (status,))
    return _STATUS_ALIASES[key]


def _tags_list(tags):
    """Tags as a list of strings: a string, a list, or a dict {key: value} -> 'key:value'."""
    if tags is None:
        return []
    if isinstance(tags, str):
        return [tags]
    if isinstance(tags, Mapping):
        out = []
        for key, value in tags.items():
            if value is None or value is True or value == "":
                out.append(str(key))
            else:
                out.append("%s:%s" % (key, value))
        return out
    return [str(t) for t in tags]
