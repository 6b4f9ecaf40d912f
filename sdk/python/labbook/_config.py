"""``Config`` (a run's configuration, logged as ``params`` records on every change) and
``labbook.config``, the current run's."""

import copy

from . import _lifecycle
from ._values import _as_dict, _flatten

try:  # Python 3.3+
    from collections.abc import Mapping, MutableMapping
except ImportError:  # pragma: no cover
    from collections import Mapping, MutableMapping


class Config(MutableMapping):
    """A run's configuration: a dict with attribute access.

    Every change (``config.lr = 0.1``, ``config["lr"] = 0.1``, ``update``)
    appends a ``params`` record; nested dicts are flattened with ``.``.
    Values are copied when set: changing a nested dict you got back from the
    config afterwards is not logged (set the key again instead).
    """

    def __init__(self, data=None, run=None):
        object.__setattr__(self, "_data", {})
        object.__setattr__(self, "_run", run)
        if data:
            self._data.update(copy.deepcopy(_as_dict(data, "config")))

    # -- writing
    def _emit(self, changed, replaced_nested):
        run = self._run
        if run is None:
            return
        if replaced_nested:
            run._write_params(_flatten(self._data), reset=True)
        elif changed:
            run._write_params(_flatten(changed), reset=False)

    def _check_open(self):
        if self._run is not None:
            self._run._check_open("changing the config")

    def _set_many(self, items):
        self._check_open()
        changed = {}
        replaced_nested = False
        for key, value in items:
            if not isinstance(key, str):
                key = str(key)
            if isinstance(self._data.get(key), Mapping):
                replaced_nested = True
            if isinstance(value, Mapping):
                value = copy.deepcopy(dict(value))
            else:
                try:
                    value = copy.deepcopy(value)
                except Exception:
                    pass
            self._data[key] = value
            changed[key] = value
        self._emit(changed, replaced_nested)

    # -- MutableMapping
    def __getitem__(self, key):
        return self._data[key]

    def __setitem__(self, key, value):
        self._set_many([(key, value)])

    def __delitem__(self, key):
        self._check_open()
        del self._data[key]
        if self._run is not None:
            self._run._write_params(_flatten(self._data), reset=True)

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data

    def update(self, *args, **kwargs):  # one params record for the whole update
        if len(args) > 1:
            raise TypeError("update expected at most 1 positional argument")
        items = []
        if args:
            items.extend(_as_dict(args[0], "config").items())
        items.extend(kwargs.items())
        if items:
            self._set_many(items)

    def clear(self):
        self._check_open()
        self._data.clear()
        if self._run is not None:
            self._run._write_params({}, reset=True)

    # -- attribute access
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError("config has no key %r" % name) from None

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __delattr__(self, name):
        if name.startswith("_"):
            object.__delattr__(self, name)
            return
        try:
            del self[name]
        except KeyError:
            raise AttributeError("config has no key %r" % name) from None

    def _replace(self, data):
        """Replace the whole configuration (one ``params`` record with ``reset``)."""
        self._check_open()
        data = copy.deepcopy(_as_dict(data, "params"))
        object.__setattr__(self, "_data", {str(k): v for k, v in data.items()})
        if self._run is not None:
            self._run._write_params(_flatten(self._data), reset=True)

    def to_dict(self):
        """A deep copy of the configuration as a plain (nested) dict."""
        return copy.deepcopy(self._data)

    def __repr__(self):
        return "Config(%r)" % (self._data,)


class _ConfigProxy(MutableMapping):
    """``labbook.config``: the current run's Config.

    Before ``init()`` it collects values that the next ``init()`` takes over.
    """

    def __init__(self):
        object.__setattr__(self, "_pending", Config())

    def _target(self):
        run = _lifecycle._current_run
        if run is not None and not run._finished:
            return run.config
        return self._pending

    def _take_pending(self):
        data = self._pending.to_dict()
        object.__setattr__(self, "_pending", Config())
        return data

    def __getitem__(self, key):
        return self._target()[key]

    def __setitem__(self, key, value):
        self._target()[key] = value

    def __delitem__(self, key):
        del self._target()[key]

    def __iter__(self):
        return iter(self._target())

    def __len__(self):
        return len(self._target())

    def __contains__(self, key):
        return key in self._target()

    def update(self, *args, **kwargs):
        self._target().update(*args, **kwargs)

    def clear(self):
        self._target().clear()

    def to_dict(self):
        return self._target().to_dict()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._target(), name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._target(), name, value)

    def __delattr__(self, name):
        delattr(self._target(), name)

    def __repr__(self):
        return repr(self._target())


_config_proxy = _ConfigProxy()
