"""Where the Python writer's names have always been importable from (``labbook._core``).

The writer lives in modules along its seams:

- ``_values``: JSON-safe values, metric numbers, steps, statuses, tags, run names;
- ``_options``: init() options with their environment variables and defaults;
- ``_config``: ``Config`` and ``labbook.config``;
- ``_run`` with its parts ``_run_writer``, ``_run_records`` and ``_run_artifacts``: ``Run``;
- ``_lifecycle``: the current and open runs, and the exit, exception and signal hooks;
- ``_api``: the module-level calls and ``Experiment``.

Names are re-exported here unchanged. The process state that is rebound while the program runs
(the current run, the buffer limits, ...) is read from and written to its own module, so
``_core._current_run`` and ``_core.MAX_PENDING_BYTES = n`` act as they always did.
"""

import sys
import types

from . import _capture, _context, _exit, _files, _fork, _image, _lifecycle, _options, _writer  # noqa: F401
from ._alerts import ALERT_LEVELS, parse_condition  # noqa: F401
from ._api import (  # noqa: F401
    Experiment, _MLFLOW_STATUS, _require_run, _run_method, active_run, create_alert,
    create_experiment, end_run, finish, flush, get_outputs_path, get_run, init, log,
    log_artifact, log_artifacts, log_code_ref, log_data_ref, log_dataset, log_env, log_failed,
    log_image, log_metric, log_metrics, log_param, log_params, log_status, log_stopped,
    log_succeeded, log_tags, note, set_description, set_name, set_tag, set_tags, start_run)
from ._config import Config, _ConfigProxy, _config_proxy  # noqa: F401
from ._lifecycle import (  # noqa: F401
    _atexit_finish, _die_of_signal, _deferred_signal_from_thread, _excepthook, _finish_all,
    _forget_run, _handle_deferred_signal, _holds_our_locks, _in_flush, _install_hooks,
    _install_signal_handlers, _on_signal, _open_runs, _signal_name, _signals_installed,
    _state_lock, _tls, _unsaved_runs)
from ._options import (  # noqa: F401
    DEFAULT_FLUSH_SECONDS, DEFAULT_HEARTBEAT_SECONDS, DEFAULT_LOGDIR, DEFAULT_SYSTEM_SECONDS,
    _FALSE, _flag_option, _heartbeat_seconds, _max_pending_bytes, _seconds_option)
from ._run import FORMAT, FORMAT_VERSION, Run  # noqa: F401
from ._run_writer import _time  # noqa: F401
from ._runfiles import (  # noqa: F401
    _KeySteps, _RUN_ID_RE, _find_run_folder, _read_header, _read_state, _read_status,
    _run_folders)
from ._values import (  # noqa: F401
    MAX_STEP, STATUSES, _NAME_ADJECTIVES, _NAME_NOUNS, _STATUS_ALIASES, _as_dict, _check_step,
    _dumps, _flatten, _float_to_json, _friendly_name, _frepr, _irepr, _jsonable, _metric_value,
    _new_run_id, _normalize_status, _number_text, _process_identity, _tags_list)
from .sweep import env as _sweep_env  # noqa: F401

# Rebound at run time: kept in one place, their module, and reached from here.
_LIVE = {
    "_current_run": _lifecycle, "_hooks_installed": _lifecycle, "_unsaved_pid": _lifecycle,
    "_deferred_signal": _lifecycle, "_previous_excepthook": _lifecycle,
    "MAX_BUFFER_BYTES": _options, "MAX_PENDING_BYTES": _options,
}


class _CoreModule(types.ModuleType):
    def __getattr__(self, name):
        owner = _LIVE.get(name)
        if owner is None:
            raise AttributeError("module %r has no attribute %r" % (__name__, name))
        return getattr(owner, name)

    def __setattr__(self, name, value):
        owner = _LIVE.get(name)
        if owner is not None:
            setattr(owner, name, value)
        else:
            super().__setattr__(name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(_LIVE))


sys.modules[__name__].__class__ = _CoreModule
