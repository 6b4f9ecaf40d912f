"""A PyTorch Lightning logger that writes to Labbook.

    import lightning as L
    from labbook.integrations.lightning import LabbookLogger

    logger = LabbookLogger(project="mnist", name="lit-baseline")
    trainer = L.Trainer(max_epochs=5, logger=logger)
    trainer.fit(model, train_loader, val_loader)

``self.log("train_loss", loss)`` in the LightningModule arrives as metric
``train_loss`` at step = the trainer's global step (``self.save_hyperparameters()``
arrives as params). ``LabbookLogger(run=run)`` logs to an existing run; without it the
logger uses the current run or starts one with ``labbook.init(project, name, ...)``.
``log_checkpoints=True`` copies saved checkpoints into the run's artifacts.
Works with ``lightning`` (``lightning.pytorch``) and the older ``pytorch_lightning``.

This module imports without Lightning; using ``LabbookLogger`` needs it.
"""

import argparse
import os

from . import numeric_items, resolve_run, lazy_class

__all__ = ["LabbookLogger"]



def _lightning():
    try:
        from lightning.pytorch.loggers.logger import Logger, rank_zero_experiment
        from lightning.pytorch.utilities import rank_zero_only
        return Logger, rank_zero_experiment, rank_zero_only
    except ImportError:
        pass
    try:
        from pytorch_lightning.loggers.logger import Logger, rank_zero_experiment
        from pytorch_lightning.utilities import rank_zero_only
        return Logger, rank_zero_experiment, rank_zero_only
    except ImportError:
        raise ImportError("labbook.integrations.lightning.LabbookLogger needs PyTorch "
                          "Lightning: pip install lightning") from None


def _make_class():
    Logger, rank_zero_experiment, rank_zero_only = _lightning()

    class LabbookLogger(Logger):
        """A Lightning ``Logger`` backed by a Labbook run."""

        def __init__(self, project=None, name=None, run=None, logdir=None,
                     log_checkpoints=False, finish_on_end=False, **init_kwargs):
            super().__init__()
            self._project = project
            self._run_name = name
            self._logdir = logdir
            self._run = run
            self._init_kwargs = init_kwargs
            self.log_checkpoints = log_checkpoints
            self.finish_on_end = finish_on_end
            self._logged_checkpoints = set()

        @property
        def name(self):
            if self._run is not None:
                return self._run.project
            return self._project or "default"

        @property
        def version(self):
            run = self._run if self._run is not None else self.experiment
            run_id = getattr(run, "id", None)
            return run_id if isinstance(run_id, str) else None

        @property
        def save_dir(self):
            # None: Lightning puts checkpoints under default_root_dir/<project>/<run id>/,
            # not into the log root (log_checkpoints=True copies them into the run)
            return None

        @property
        def log_dir(self):
            return self._run.path if self._run is not None else None

        @property
        @rank_zero_experiment
        def experiment(self):
            """The Labbook ``Run``."""
            if self._run is None or self._run.finished:
                self._run = resolve_run(None, project=self._project, name=self._run_name,
                                        logdir=self._logdir, **self._init_kwargs)
            return self._run

        @rank_zero_only
        def log_hyperparams(self, params, *args, **kwargs):
            if isinstance(params, argparse.Namespace):
                params = vars(params)
            params = dict(params or {})
            if params:
                self.experiment.log_params(params)

        @rank_zero_only
        def log_metrics(self, metrics, step=None):
            values = numeric_items(metrics)
            if values:
                self.experiment._log(values, step, 3, warn=False)

        @rank_zero_only
        def after_save_checkpoint(self, checkpoint_callback):
            if not self.log_checkpoints:
                return
            paths = set()
            for attr in ("best_model_path", "last_model_path"):
                path = getattr(checkpoint_callback, attr, None)
                if path and os.path.isfile(path):
                    paths.add(path)
            for path in sorted(paths):
                try:
                    mtime = os.path.getmtime(path)
                except OSError:
                    continue
                if (path, mtime) in self._logged_checkpoints:
                    continue
                self._logged_checkpoints.add((path, mtime))
                self.experiment.log_artifact(path, "checkpoints")

        @rank_zero_only
        def save(self):
            if self._run is not None and not self._run.finished:
                self._run.flush()

        @rank_zero_only
        def finalize(self, status):
            run = self._run
            if run is None or run.finished:
                return
            if self.finish_on_end:
                run.finish({"success": "finished", "failed": "failed"}.get(status, "killed"))
            else:
                run.flush()  # the run ends with the program (or labbook.finish())

    return LabbookLogger


__getattr__ = lazy_class(__name__, "LabbookLogger", _make_class)
