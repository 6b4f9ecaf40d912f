"""Command line: ``python -m labbook sweep <create|agent|status|stop|resume> ...``.

    python -m labbook sweep create sweep.json           # prints the new sweep's id
    python -m labbook sweep agent <sweep> -- python train.py [args]
    python -m labbook sweep status <sweep>
    python -m labbook sweep stop <sweep>                # agents finish their trial and exit
    python -m labbook sweep resume <sweep>

``--logdir`` (default ``$LABBOOK_DIR`` or ``./labbook``) is the log root the sweep lives under.
"""

import argparse
import json
import sys

from .sweep import command_agent, create_sweep, get_sweep


def _load_definition(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError:
            raise SystemExit("reading %s needs PyYAML (pip install pyyaml), or write the sweep as JSON" % path)
        return yaml.safe_load(text)
    return json.loads(text)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    command = []
    if "--" in argv:
        i = argv.index("--")
        argv, command = argv[:i], argv[i + 1:]
    parser = argparse.ArgumentParser(prog="python -m labbook", description="Labbook sweeps")
    sub = parser.add_subparsers(dest="area", required=True)
    sweep = sub.add_parser("sweep", help="hyperparameter sweeps")
    actions = sweep.add_subparsers(dest="action", required=True)
    p = actions.add_parser("create", help="create a sweep from a JSON or YAML file")
    p.add_argument("file")
    p.add_argument("--logdir")
    p = actions.add_parser("agent", help="run a command once per trial: agent <sweep> -- command ...")
    p.add_argument("sweep")
    p.add_argument("--count", type=int, help="at most this many trials")
    p.add_argument("--no-args", action="store_true", help="do not pass the values as --name=value")
    p.add_argument("--logdir")
    for name in ("status", "stop", "resume"):
        p = actions.add_parser(name)
        p.add_argument("sweep")
        p.add_argument("--logdir")
    args = parser.parse_args(argv)
    if args.action == "create":
        spec = _load_definition(args.file)
        if not isinstance(spec, dict):
            raise SystemExit("%s: a sweep definition is a mapping" % args.file)
        known = ("experiment", "strategy", "parameters", "objective", "goal", "max_trials", "seed",
                 "early_terminate", "name", "engine", "heartbeat_timeout", "max_retries", "command")
        unknown = sorted(set(spec) - set(known) - {"method", "metric", "program"})
        if unknown:
            raise SystemExit("%s: unknown keys %s" % (args.file, ", ".join(unknown)))
        kwargs = {k: spec[k] for k in known if k in spec}
        kwargs.setdefault("strategy", spec.get("method", "random"))   # W&B's name
        if "objective" not in kwargs and isinstance(spec.get("metric"), dict):
            kwargs["objective"] = spec["metric"]
        if "command" not in kwargs and spec.get("program"):
            kwargs["command"] = ["python", spec["program"]]
        s = create_sweep(logdir=args.logdir, **kwargs)
        print(s.id)
        return 0
    s = get_sweep(args.sweep, args.logdir)
    if args.action == "agent":
        cmd = command or s.definition.get("command")
        if not cmd:
            raise SystemExit("agent: give the command after --, e.g. -- python train.py")
        n = command_agent(s, cmd, count=args.count, pass_args=not args.no_args)
        print("[labbook sweep] %d trial(s) run; %s" % (n, json.dumps(s.status())))
        return 0
    if args.action == "stop":
        s.stop()
    elif args.action == "resume":
        s.resume()
    print(json.dumps(s.status(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
