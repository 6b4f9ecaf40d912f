"""Framework helpers. Each module imports without its framework installed and raises a
clear ImportError only when its helper is used.

- ``labbook.integrations.torch``: helpers for plain PyTorch loops
  (``log_model_info``, ``log_lr``, ``grad_norm``, ``save_checkpoint``)
- ``labbook.integrations.lightning``: ``LabbookLogger``, a Lightning ``Logger``
- ``labbook.integrations.keras``: ``LabbookCallback``, a Keras callback
- ``labbook.integrations.huggingface``: ``LabbookCallback``, a Transformers ``TrainerCallback``
- ``labbook.integrations.ray``: ``LabbookCallback`` (each Ray Tune trial a run) and
  ``LabbookSearcher`` (a Labbook sweep drives a Ray Tune run)
"""

import numbers


def resolve_run(run=None, **init_kwargs):
    """``run`` if given, else the current run, else a new one from ``labbook.init``."""
    import labbook
    if run is not None:
        return run
    current = labbook.get_run()
    if current is not None and not current.finished:
        return current
    return labbook.init(**{k: v for k, v in init_kwargs.items() if v is not None})


def numeric_items(values):
    """The entries of ``values`` that are single numbers (plain, numpy or 0-d tensors)."""
    out = {}
    for key, value in (values or {}).items():
        if isinstance(value, bool) or isinstance(value, numbers.Number):
            out[str(key)] = value
            continue
        item = getattr(value, "item", None)
        numel = getattr(value, "numel", None) or getattr(value, "size", None)
        try:
            if callable(numel) and numel() != 1:
                continue
            if isinstance(numel, int) and numel != 1:
                continue
            if callable(item):
                v = item()
                if isinstance(v, numbers.Number):
                    out[str(key)] = v
        except Exception:
            continue
    return out


def lazy_class(module, name, factory):
    """A module ``__getattr__`` that builds class ``name`` with ``factory`` on first use, so the
    module imports without its framework and the framework is imported only when needed."""
    built = []

    def __getattr__(attr):
        if attr == name:
            if not built:
                built.append(factory())
            return built[0]
        raise AttributeError("module %r has no attribute %r" % (module, attr))

    return __getattr__
