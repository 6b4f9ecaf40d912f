#!/usr/bin/env python3
"""How much logging costs a training loop.

    python3 sdk/python/bench_log.py [--points 100000]

Logs N scalar points to a run in a temporary folder, in three shapes:

- ``1 key/call``: ``labbook.log({"loss": x})`` N times (the worst case: one call per point)
- ``10 keys/call``: ``labbook.log({10 keys}, step=i)`` N/10 times
- ``threads``: 4 threads each logging N/4 points of their own keys at once (the ratio of
  its cost per point to the one-thread loop's is printed: flat is 1.0x)

For each it prints the seconds the loop spent in ``log()``, the seconds ``finish()``
took to write the rest, and microseconds per point, then the CPU time per point (all
threads of the process, init() to finish()): on a busy machine wall time also counts the
time spent waiting for a core, CPU time does not. The target: the N = 100,000 loop
costs the training loop under 1 s. The last line, ``100k points: X.XXX s``, is the
one-key-per-call loop including finish() (the figure quoted in the docs).
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import labbook  # noqa: E402

OPTIONS = dict(capture_env=False, capture_console=False, capture_system=False)


def one_key(n, logdir):
    run = labbook.init(project="bench", logdir=logdir, **OPTIONS)
    log = labbook.log
    t0 = time.perf_counter()
    for i in range(n):
        log({"loss": 1.0 / (i + 1)})
    t1 = time.perf_counter()
    run.finish()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, run


def ten_keys(n, logdir):
    run = labbook.init(project="bench", logdir=logdir, **OPTIONS)
    keys = ["train/m%d" % k for k in range(10)]
    t0 = time.perf_counter()
    for i in range(n // 10):
        x = 1.0 / (i + 1)
        run.log({keys[0]: x, keys[1]: x, keys[2]: x, keys[3]: x, keys[4]: x,
                 keys[5]: x, keys[6]: x, keys[7]: x, keys[8]: x, keys[9]: x}, step=i)
    t1 = time.perf_counter()
    run.finish()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, run


def threads(n, logdir):
    run = labbook.init(project="bench", logdir=logdir, **OPTIONS)

    def work(k):
        key = "thread%d/loss" % k
        for i in range(n // 4):
            run.log({key: 1.0 / (i + 1)})

    workers = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    t1 = time.perf_counter()
    run.finish()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, run


def plain_writer(n, logdir, ten=False):
    """The baseline: the same records written by hand (json.dumps per record, a list of lines
    written every 1,000 records), with per-key steps as the SDK keeps them."""
    import json
    path = os.path.join(logdir, "plain-%d.jsonl" % time.perf_counter_ns())
    keys = ["train/m%d" % k for k in range(10)]
    steps = {}
    lines = []
    t0 = time.perf_counter()
    with open(path, "a", encoding="utf-8") as f:
        for i in range(n // 10 if ten else n):
            x = 1.0 / (i + 1)
            if ten:
                values, step = {k: x for k in keys}, i
            else:
                values = {"loss": x}
                step = steps["loss"] = steps.get("loss", -1) + 1
            lines.append(json.dumps({"t": "metrics", "step": step, "time": time.time(),
                                     "values": values}) + "\n")
            if len(lines) >= 1000:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))
    return time.perf_counter() - t0


def count_points(run):
    import json
    points = 0
    with open(run.events_path, "rb") as f:
        for line in f:
            rec = json.loads(line)
            if rec["t"] == "metrics":
                points += len(rec["values"])
    return points


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--points", type=int, default=100000)
    p.add_argument("--repeat", type=int, default=3, help="best of N")
    args = p.parse_args(argv)
    n = args.points
    tmp = tempfile.mkdtemp(prefix="labbook-bench-")
    try:
        headline = None
        totals = {}
        cpus = {}
        for label, fn in (("1 key/call", one_key), ("10 keys/call", ten_keys),
                          ("4 threads", threads)):
            best = None
            cpu = None
            for _ in range(args.repeat):
                c0 = time.process_time()
                loop, fin, run = fn(n, tmp)
                c1 = time.process_time() - c0
                cpu = c1 if cpu is None else min(cpu, c1)
                if best is None or loop + fin < best[0] + best[1]:
                    best = (loop, fin, run)
            loop, fin, run = best
            cpus[label] = cpu
            written = count_points(run)
            if written != n:
                print("ERROR: %s wrote %d points, expected %d" % (label, written, n))
                return 1
            print("%-13s %d points: log() %.3f s + finish() %.3f s = %.3f s  (%.2f us/point, "
                  "CPU %.2f us/point)"
                  % (label, n, loop, fin, loop + fin, 1e6 * (loop + fin) / n, 1e6 * cpu / n))
            if label != "4 threads":
                base = min(plain_writer(n, tmp, ten=label.startswith("10"))
                           for _ in range(args.repeat))
                print("%-13s plain buffered writer %.3f s: labbook overhead %.2fx"
                      % ("", base, (loop + fin) / base))
            if headline is None:
                headline = loop + fin
            totals[label] = loop + fin
        print("4 threads / 1 thread, cost per point: %.2fx wall, %.2fx CPU (flat is 1.0x)"
              % (totals["4 threads"] / totals["1 key/call"],
                 cpus["4 threads"] / cpus["1 key/call"]))
        print("%dk points: %.3f s" % (n // 1000, headline))
        return 0 if headline < 1.0 or n != 100000 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
