#!/usr/bin/env python3
"""Create a Labbook demo workspace with real training runs.

    python3 demo/make_demo.py <workspace_dir> [--live] [--fresh]

Runs demo/train.py several times (two projects, moons-mlp and moons-logreg, one run
that diverges and fails) into <workspace_dir>/labbook/ and writes
<workspace_dir>/README.md. If the workspace already has runs they are kept and no
runs are added, unless --fresh, which clears <workspace_dir>/labbook/ first.

--live also starts one more run in the background (detached, one epoch every
2 seconds, about 30 minutes) and prints its pid. Stop it with `kill <pid>`. If the
live run of an earlier --live has stopped, its run folder is replaced by the new one.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(HERE, "train.py")
LIVE_PID_FILE = ".demo-live.pid"

# (project-defining args, name, extra args, expected to fail)
RUNS = [
    (["--model", "mlp"], "baseline-h16",
     ["--lr", "0.3", "--hidden", "16", "--seed", "1", "--tags", "baseline,mlp",
      "--description", "Baseline: 16 tanh units, lr 0.3 with exponential decay"], False),
    (["--model", "mlp"], "low-lr-h16",
     ["--lr", "0.02", "--hidden", "16", "--seed", "1", "--tags", "mlp",
      "--description", "Same as the baseline with a 15x smaller learning rate"], False),
    (["--model", "mlp"], "small-h4",
     ["--lr", "0.3", "--hidden", "4", "--seed", "2", "--epochs", "80", "--tags", "mlp",
      "--description", "Only 4 hidden units"], False),
    (["--model", "mlp"], "relu-h32",
     ["--lr", "0.1", "--hidden", "32", "--activation", "relu", "--seed", "3",
      "--batch-size", "16", "--tags", "mlp,relu"], False),
    (["--model", "mlp"], "mse-lr0.5-diverges",
     ["--loss", "mse", "--lr", "0.5", "--hidden", "16", "--seed", "1", "--tags", "mlp,mse",
      "--description", "Squared-error loss with a learning rate that is far too high: "
                       "the loss explodes to NaN and the run fails"], True),
    (["--model", "logreg"], "logreg-lr0.1",
     ["--lr", "0.1", "--seed", "1", "--epochs", "60", "--tags", "baseline,logreg",
      "--description", "Linear baseline: two moons are not linearly separable"], False),
    (["--model", "logreg"], "logreg-lr1",
     ["--lr", "1.0", "--seed", "1", "--epochs", "60", "--tags", "logreg"], False),
]

LIVE_NAME = "live-h24"
LIVE_ARGS = ["--model", "mlp", "--name", LIVE_NAME, "--lr", "0.1", "--lr-decay", "0.997",
             "--hidden", "24", "--seed", "7", "--epochs", "900", "--sleep", "2",
             "--tags", "mlp,live",
             "--description", "Started by make_demo.py --live: one epoch every 2 s, ~30 min"]

README = """# Labbook demo workspace

This folder was made by `demo/make_demo.py` from the Labbook repository. It holds real
(tiny) training runs for trying the Labbook VS Code extension: open this folder in
VS Code with the extension installed.

- `labbook/` is the log root. Every `run-*/events.jsonl` in it is one run, written by
  the Labbook Python SDK (run log format v1).
- Project **moons-mlp**: a 2-layer MLP trained with plain-Python SGD on the two-moons
  data set, with different learning rates, widths and activations. The run
  `mse-lr0.5-diverges` uses a learning rate that is too high: its loss explodes to NaN
  and the run ends as **failed**, with the Python traceback as its status message.
- Project **moons-logreg**: logistic regression on the same data (a linear baseline).
- Each run logs `train/loss`, `train/acc`, `val/loss`, `val/acc` and `lr` once per
  epoch, its hyper-parameters (nested ones flattened with `.`, e.g. `model.hidden`),
  tags, a description and a short note with its best validation accuracy.
- A run named `live-h24` exists only if the workspace was made with `--live`: it writes
  one epoch every 2 seconds for about 30 minutes. If its process is stopped, the run
  stops writing heartbeats and Labbook shows it as killed after the heartbeat timeout.

Re-create it from the repository root with:

    python3 demo/make_demo.py <this folder> [--live] [--fresh]

Running it again keeps the existing runs (`--fresh` deletes `labbook/` first); with
`--live`, a stopped `live-h24` is replaced by a new one.
"""


def find_runs(logdir):
    """Run folders (holding events.jsonl) up to four levels below logdir."""
    found = []
    if not os.path.isdir(logdir):
        return found
    base_depth = logdir.rstrip(os.sep).count(os.sep)
    for root, dirs, files in os.walk(logdir):
        if "events.jsonl" in files:
            found.append(root)
        if root.count(os.sep) - base_depth >= 4:
            dirs[:] = []
    return sorted(found)


def run_summary(folder):
    """(project, name, status) of a run, read from its events.jsonl."""
    project, name, status = "default", os.path.basename(folder), "running"
    with open(os.path.join(folder, "events.jsonl"), "rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("t") == "header":
                project = rec.get("project", project)
                name = rec.get("name", name)
            elif rec.get("t") == "set" and "name" in rec:
                name = rec["name"]
            elif rec.get("t") == "status":
                status = rec.get("status", status)
    return project, name, status


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    try:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().split(")")[-1].split()[0] == "Z":
                return False
    except (OSError, IndexError):
        pass
    return True


def is_our_live_run(pid):
    """True if pid is alive and (where /proc tells) is a demo train.py process."""
    if not pid_alive(pid):
        return False
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return b"train.py" in f.read()
    except OSError:
        return True  # no /proc (macOS, Windows): trust the pid file


def read_live_pid(logdir):
    try:
        with open(os.path.join(logdir, LIVE_PID_FILE)) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def stop_live_run(logdir):
    pid = read_live_pid(logdir)
    if pid is not None and is_our_live_run(pid):
        print("stopping the live demo run (pid %d)" % pid)
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not pid_alive(pid):
                break
            time.sleep(0.1)


def train(logdir, args):
    cmd = [sys.executable, TRAIN, "--logdir", logdir] + args
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def start_live(logdir):
    pid = read_live_pid(logdir)
    if pid is not None and is_our_live_run(pid):
        print("live run already running: pid %d" % pid)
        return pid
    # A live run from an earlier start whose process is gone (the demo was stopped) ended as
    # killed: replace it, so that starting the demo again shows one live run, not one per start.
    for folder in find_runs(logdir):
        if run_summary(folder)[1] == LIVE_NAME:
            print("replacing the stopped live run %s" % os.path.relpath(folder, os.path.dirname(logdir)))
            shutil.rmtree(folder)
    before = set(find_runs(logdir))
    kwargs = {}
    if os.name == "nt":
        kwargs["creationflags"] = (getattr(subprocess, "DETACHED_PROCESS", 0x8)
                                   | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200))
    else:
        kwargs["start_new_session"] = True
    proc = subprocess.Popen([sys.executable, TRAIN, "--logdir", logdir] + LIVE_ARGS,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, close_fds=True, **kwargs)
    with open(os.path.join(logdir, LIVE_PID_FILE), "w") as f:
        f.write("%d\n" % proc.pid)
    folder = None
    for _ in range(100):
        new = set(find_runs(logdir)) - before
        if new:
            folder = new.pop()
            break
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    if folder:
        print("live run: %s" % os.path.relpath(folder, os.path.dirname(logdir)))
    print("live run pid: %d (stop it with: kill %d)" % (proc.pid, proc.pid))
    return proc.pid


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("workspace", help="workspace folder (created if missing)")
    p.add_argument("--live", action="store_true",
                   help="also start a run in the background that keeps logging for ~30 min")
    p.add_argument("--fresh", action="store_true", help="delete <workspace>/labbook first")
    args = p.parse_args(argv)

    workspace = os.path.abspath(args.workspace)
    logdir = os.path.join(workspace, "labbook")
    os.makedirs(workspace, exist_ok=True)

    if args.fresh and os.path.isdir(logdir):
        stop_live_run(logdir)
        print("deleting %s" % os.path.join(os.path.basename(workspace), "labbook"))
        shutil.rmtree(logdir)
    os.makedirs(logdir, exist_ok=True)

    with open(os.path.join(workspace, "README.md"), "w") as f:
        f.write(README)

    existing = find_runs(logdir)
    problems = 0
    if existing:
        print("%d runs already in the workspace; not adding any (use --fresh to start over)"
              % len(existing))
    else:
        for project_args, name, extra, should_fail in RUNS:
            t0 = time.time()
            proc = train(logdir, project_args + ["--name", name] + extra)
            failed = proc.returncode != 0
            outcome = "failed" if failed else "finished"
            note = ""
            if failed != should_fail:
                problems += 1
                note = "  (UNEXPECTED)\n" + proc.stderr
            elif failed:
                note = "  (as intended: %s)" % proc.stderr.strip().splitlines()[-1]
            print("%-22s %-9s %.1fs%s" % (name, outcome, time.time() - t0, note))

    if args.live:
        start_live(logdir)

    print()
    for folder in find_runs(logdir):
        project, name, status = run_summary(folder)
        print("  %-14s %-22s %-9s %s" % (project, name, status,
                                          os.path.relpath(folder, workspace)))
    print("workspace ready: %s" % args.workspace)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
