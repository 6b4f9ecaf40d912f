"""A Keras callback that logs to Labbook.

    import labbook
    from labbook.integrations.keras import LabbookCallback

    labbook.init(project="mnist-keras", config={"epochs": 5})
    model.fit(x, y, validation_split=0.1, epochs=5, callbacks=[LabbookCallback()])

Per epoch it logs every number in Keras' ``logs``: ``loss`` -> ``train/loss``,
``val_loss`` -> ``val/loss`` (``rename=False`` keeps Keras' names), at step = epoch.
``log_every_n_batches=N`` also logs batch metrics as ``batch/<name>`` every N batches.
At the start of training it logs the fit parameters, the optimizer and the number of
model parameters. Works with Keras 3 (any backend) and tf.keras.

This module imports without Keras; using ``LabbookCallback`` needs it.
"""

from . import numeric_items, resolve_run, lazy_class

__all__ = ["LabbookCallback"]



def _keras():
    first = None
    try:
        import keras
        return keras
    except ImportError as exc:
        first = exc
    try:
        from tensorflow import keras
        return keras
    except ImportError:
        pass
    if getattr(first, "name", None) not in (None, "keras"):
        # Keras is there but its backend is not (Keras 3 defaults to TensorFlow)
        raise ImportError("labbook.integrations.keras.LabbookCallback: Keras is installed but "
                          "does not import (%s); set KERAS_BACKEND=torch or jax, or pip "
                          "install tensorflow" % first) from None
    raise ImportError("labbook.integrations.keras.LabbookCallback needs Keras: "
                      "pip install keras (or tensorflow)") from None


def keras_name(key, rename=True):
    if not rename:
        return key
    if key.startswith("val_"):
        return "val/" + key[4:]
    if key in ("learning_rate", "lr"):
        return "train/" + key
    return "train/" + key


def _make_class():
    keras = _keras()

    class LabbookCallback(keras.callbacks.Callback):
        """Logs Keras training to a Labbook run (the current one, or a new one)."""

        def __init__(self, run=None, log_every_n_batches=None, rename=True,
                     finish_on_end=False, **init_kwargs):
            super().__init__()
            self._run = run
            self._init_kwargs = init_kwargs
            self.log_every_n_batches = log_every_n_batches
            self.rename = rename
            self.finish_on_end = finish_on_end
            self._batches = 0
            self._epoch = 0

        @property
        def run(self):
            if self._run is None or self._run.finished:
                self._run = resolve_run(None, **self._init_kwargs)
            return self._run

        def on_train_begin(self, logs=None):
            run = self.run
            params = {k: v for k, v in dict(self.params or {}).items()
                      if isinstance(v, (int, float, str, bool)) or v is None}
            info = {"fit": params}
            model = self.model
            try:
                info["model"] = {"class": type(model).__name__,
                                 "parameters": int(model.count_params())}
            except Exception:
                pass
            opt = getattr(model, "optimizer", None)
            if opt is not None:
                oinfo = {"name": type(opt).__name__}
                lr = getattr(opt, "learning_rate", None)
                try:
                    oinfo["learning_rate"] = float(lr if not hasattr(lr, "numpy") else lr.numpy())
                except Exception:
                    pass
                info["optimizer"] = oinfo
            run.log_params({"keras": info})

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

        def on_epoch_end(self, epoch, logs=None):
            values = {keras_name(k, self.rename): v for k, v in numeric_items(logs).items()}
            if values:
                self.run._log(values, epoch, 3, warn=False)

        def on_train_batch_end(self, batch, logs=None):
            self._batches += 1
            n = self.log_every_n_batches
            if not n or self._batches % n:
                return
            values = {"batch/" + k: v for k, v in numeric_items(logs).items()}
            if values:
                self.run._log(values, self._batches, 3, warn=False)

        def on_test_end(self, logs=None):
            pass  # validation results come with on_epoch_end's logs

        def on_train_end(self, logs=None):
            run = self.run
            if self.finish_on_end:
                run.finish()
            else:
                run.flush()

    return LabbookCallback


__getattr__ = lazy_class(__name__, "LabbookCallback", _make_class)
