"""Labbook: log ML runs to plain files that the Labbook VS Code extension shows.

    import labbook

    run = labbook.init(project="mnist", name="lr-0.01", config={"lr": 0.01})
    labbook.config.batch_size = 64          # logged as a params record
    for epoch in range(10):
        labbook.log({"train/loss": 0.5, "val/acc": 0.9}, step=epoch)
    labbook.finish()

or ``with labbook.init(...) as run: ...`` (an exception ends the run as failed).

Writes the Labbook run log format v1: ``<logdir>/run-<time>-<id>/events.jsonl``,
where ``logdir`` is ``init(logdir=...)``, else ``$LABBOOK_DIR``, else ``./labbook``.
"""

from ._core import (
    FORMAT,
    FORMAT_VERSION,
    Config,
    Run,
    _config_proxy as config,
    finish,
    get_run,
    init,
    log,
)

__version__ = "0.1.0"

__all__ = ["init", "log", "finish", "config", "run", "get_run", "Run", "Config",
           "FORMAT", "FORMAT_VERSION", "__version__"]


def __getattr__(name):
    # labbook.run: the current run (None before init() and after finish())
    if name == "run":
        return get_run()
    raise AttributeError("module 'labbook' has no attribute %r" % (name,))
