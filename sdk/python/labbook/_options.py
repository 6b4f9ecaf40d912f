"""Run options: each an argument of ``init()``, else an environment variable, else a default."""

import os
import warnings

DEFAULT_LOGDIR = "labbook"
DEFAULT_HEARTBEAT_SECONDS = 10.0
DEFAULT_FLUSH_SECONDS = 0.5
DEFAULT_SYSTEM_SECONDS = 10.0
MAX_BUFFER_BYTES = 8 * 1024 * 1024  # flush from the logging thread past this
MAX_PENDING_BYTES = 64 * 1024 * 1024  # lines kept while writes fail (full disk); newer ones are lost


def resolve_logdir(logdir=None):
    """``logdir``, else ``$LABBOOK_DIR``, else ``./labbook``, as an absolute path."""
    if logdir is None:
        logdir = os.environ.get("LABBOOK_DIR") or DEFAULT_LOGDIR
    return os.path.abspath(os.fspath(logdir))


def _seconds_option(value, env, default):
    """A positive number of seconds: the argument, else $env, else the default."""
    if value is not None:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            raise TypeError("labbook: %s must be a number of seconds, not %r"
                            % (env[8:].lower(), value)) from None
        if not seconds > 0:
            raise ValueError("labbook: %s must be > 0, not %r" % (env[8:].lower(), value))
        return seconds
    raw = os.environ.get(env)
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        warnings.warn("labbook: %s=%r is not a number; using %g" % (env, raw, default))
        return default
    if not seconds > 0:
        return default
    return seconds


def _heartbeat_seconds(value=None):
    return _seconds_option(value, "LABBOOK_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS)


_FALSE = ("0", "false", "no", "off", "")


def _max_pending_bytes():
    """Bytes of records kept in memory while writes fail: LABBOOK_MAX_PENDING_BYTES or 64 MB."""
    try:
        value = int(os.environ.get("LABBOOK_MAX_PENDING_BYTES") or 0)
    except ValueError:
        value = 0
    return value if value > 0 else MAX_PENDING_BYTES


def _flag_option(value, env, default=True):
    """A switch: the argument, else $env (0/false/no/off turn it off), else the default."""
    if value is not None:
        return bool(value)
    raw = os.environ.get(env)
    if raw is None:
        return default
    return raw.strip().lower() not in _FALSE

