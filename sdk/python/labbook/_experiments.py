"""Experiments with an id, a description and tags: ``<log root>/_experiments/<id>.json``
(docs/run-log-format.md, "Experiments").

An experiment's runs are the runs whose header ``project`` is the experiment's name. The id
is derived from the name, so it is the same on every machine that shares the log root and
creating an experiment twice gives the same one (its description and tags updated).
"""

import hashlib
import json
import os
import time

from . import _files

EXPERIMENTS_DIR = "_experiments"
FORMAT = "labbook-experiment"
FORMAT_VERSION = 1


def experiment_id(name):
    """The stable id of the experiment called ``name``."""
    return "exp-" + hashlib.sha256(str(name).encode("utf-8")).hexdigest()[:12]


def _path(logdir, exp_id):
    return os.path.join(logdir, EXPERIMENTS_DIR, exp_id + ".json")


def load(logdir, exp_id):
    """The experiment with id ``exp_id`` as a dict, or None."""
    if not isinstance(exp_id, str) or not exp_id.startswith("exp-") or "/" in exp_id \
            or "\\" in exp_id or ".." in exp_id:
        return None
    try:
        with open(_path(logdir, exp_id), "r", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def find(logdir, id_or_name):
    """An experiment by id or by name (None if no file holds it)."""
    return load(logdir, id_or_name) or load(logdir, experiment_id(id_or_name))


def save(logdir, name, description=None, tags=None):
    """Creates the experiment ``name`` or updates its description (when given) and adds tags."""
    name = str(name)
    if not name:
        raise ValueError("labbook: an experiment needs a name")
    exp_id = experiment_id(name)
    data = load(logdir, exp_id) or {"format": FORMAT, "version": FORMAT_VERSION, "id": exp_id,
                                    "name": name, "description": None, "tags": [],
                                    "created": time.time()}
    if description is not None:
        data["description"] = str(description)
    for tag in tags or []:
        if tag not in data["tags"]:
            data["tags"].append(tag)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    os.makedirs(os.path.join(logdir, EXPERIMENTS_DIR), exist_ok=True)
    _files.write_bytes(_path(logdir, exp_id), text.encode("utf-8"))
    return data


def list_all(logdir):
    """Every experiment with a file under the log root, by name."""
    out = []
    try:
        names = os.listdir(os.path.join(logdir, EXPERIMENTS_DIR))
    except OSError:
        return out
    for entry in names:
        if entry.endswith(".json"):
            data = load(logdir, entry[:-5])
            if data is not None:
                out.append(data)
    return sorted(out, key=lambda d: str(d.get("name")))
