"""Labbook: log ML runs to plain files that the Labbook VS Code extension shows.

    import labbook

    run = labbook.init(project="mnist", name="lr-0.01", config={"lr": 0.01})
    labbook.config.batch_size = 64          # logged as a params record
    for epoch in range(10):
        labbook.log({"train/loss": 0.5, "val/acc": 0.9}, step=epoch)
    labbook.log_artifact("model.pt", artifact_path="checkpoints")
    labbook.finish()

or ``with labbook.init(...) as run: ...`` (an exception ends the run as failed).

Writes the Labbook run log format v1: ``<logdir>/run-<time>-<id>/events.jsonl``,
where ``logdir`` is ``init(logdir=...)``, else ``$LABBOOK_DIR``, else ``./labbook``.
See docs/python-sdk.md for the whole API.
"""

from ._alerts import ALERT_LEVELS, parse_condition
from ._run import FORMAT, FORMAT_VERSION, Run
from ._config import Config, _config_proxy as config
from ._api import (
    Experiment,
    active_run,
    create_alert,
    create_experiment,
    end_run,
    finish,
    flush,
    get_outputs_path,
    get_run,
    init,
    log,
    log_artifact,
    log_artifacts,
    log_image,
    log_code_ref,
    log_data_ref,
    log_dataset,
    log_env,
    log_failed,
    log_metric,
    log_metrics,
    log_param,
    log_params,
    log_status,
    log_stopped,
    log_succeeded,
    log_tags,
    note,
    set_description,
    set_name,
    set_tag,
    set_tags,
    start_run,
)
from .sweep import (
    complete_sweep_trial,
    create_sweep,
    get_sweep,
    suggest_sweep_params,
    sweep_agent,
)
from .client import Client, ExperimentInfo
from ._query import QueryError
from ._search import best_run, search_runs
from ._runs_reader import RunSummary
from ._models import (
    ModelHashWarning,
    ModelVersion,
    RegisteredModel,
    get_model,
    list_models,
    register_model,
    set_model_alias,
)

__version__ = "0.2.0"

__all__ = [
    "init", "log", "finish", "config", "run", "get_run", "active_run", "Run", "Config",
    "Experiment", "create_experiment", "log_params", "log_param", "log_metric", "log_metrics",
    "log_tags", "set_tag", "set_tags", "set_name", "set_description", "note", "log_env",
    "log_code_ref", "log_status", "log_succeeded", "log_failed", "log_stopped",
    "log_artifact", "log_artifacts", "log_image", "log_dataset", "log_data_ref", "create_alert",
    "get_outputs_path", "flush", "start_run", "end_run", "parse_condition",
    "create_sweep", "get_sweep", "sweep_agent", "suggest_sweep_params", "complete_sweep_trial",
    "FORMAT", "FORMAT_VERSION", "ALERT_LEVELS", "__version__",
    "Client", "ExperimentInfo",
    "search_runs", "best_run", "RunSummary", "QueryError",
    "register_model", "get_model", "set_model_alias", "list_models",
    "ModelVersion", "RegisteredModel", "ModelHashWarning",
]


def __getattr__(name):
    # labbook.run: the current run (None before init() and after finish())
    if name == "run":
        return get_run()
    raise AttributeError("module 'labbook' has no attribute %r" % (name,))
