"""A Hugging Face Transformers ``TrainerCallback`` that logs to Labbook.

    import labbook
    from labbook.integrations.huggingface import LabbookCallback

    trainer = Trainer(model=model, args=args, train_dataset=train, eval_dataset=val,
                      callbacks=[LabbookCallback(project="sst2")])
    trainer.train()

On the main process only: the ``TrainingArguments`` (and the model's config, if it
has one) are logged as params (``args.*``, ``model.*``); every ``on_log`` is logged at
step = ``state.global_step`` with ``eval_loss`` -> ``eval/loss``, ``test_x`` ->
``test/x`` and the rest under ``train/``. ``log_checkpoints=True`` copies every saved
checkpoint folder into the run's artifacts.

This module imports without transformers; using ``LabbookCallback`` needs it.
"""

import os

from . import numeric_items, resolve_run, lazy_class

__all__ = ["LabbookCallback", "hf_name"]



def hf_name(key):
    for prefix in ("eval", "test", "train"):
        if key.startswith(prefix + "_"):
            return prefix + "/" + key[len(prefix) + 1:]
    return "train/" + key


def _make_class():
    try:
        from transformers import TrainerCallback
    except ImportError:
        raise ImportError("labbook.integrations.huggingface.LabbookCallback needs "
                          "transformers: pip install transformers") from None

    class LabbookCallback(TrainerCallback):
        """Logs a Hugging Face ``Trainer`` run to Labbook."""

        def __init__(self, run=None, log_checkpoints=False, finish_on_end=False,
                     **init_kwargs):
            self._run = run
            self._init_kwargs = init_kwargs
            self.log_checkpoints = log_checkpoints
            self.finish_on_end = finish_on_end

        @property
        def run(self):
            if self._run is None or self._run.finished:
                self._run = resolve_run(None, **self._init_kwargs)
            return self._run

        def on_train_begin(self, args, state, control, model=None, **kwargs):
            if not state.is_world_process_zero:
                return
            run = self.run
            params = {}
            try:
                params["args"] = {k: v for k, v in args.to_dict().items()
                                  if isinstance(v, (int, float, str, bool)) or v is None}
            except Exception:
                pass
            config = getattr(model, "config", None)
            if config is not None and hasattr(config, "to_dict"):
                try:
                    params["model"] = {k: v for k, v in config.to_dict().items()
                                       if isinstance(v, (int, float, str, bool))}
                except Exception:
                    pass
            if model is not None:
                try:
                    params.setdefault("model", {})["parameters"] = int(
                        sum(p.numel() for p in model.parameters()))
                except Exception:
                    pass
            if params:
                run.log_params(params)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if not state.is_world_process_zero:
                return
            values = {hf_name(k): v for k, v in numeric_items(logs).items()}
            if values:
                self.run._log(values, int(state.global_step), 3, warn=False)

        def on_save(self, args, state, control, **kwargs):
            if not (self.log_checkpoints and state.is_world_process_zero):
                return
            name = "checkpoint-%d" % state.global_step
            folder = os.path.join(args.output_dir, name)
            if os.path.isdir(folder):
                self.run.log_artifacts(folder, "checkpoints/" + name)

        def on_train_end(self, args, state, control, **kwargs):
            if not state.is_world_process_zero:
                return
            if self.finish_on_end:
                self.run.finish()
            else:
                self.run.flush()

    return LabbookCallback


__getattr__ = lazy_class(__name__, "LabbookCallback", _make_class)
