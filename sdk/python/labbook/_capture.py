"""Automatic capture: environment and system metrics (console output: ``_console``).

Nothing here may break the training program: every probe has a timeout and
swallows its errors, and the console tee always writes to the real stream first.
"""

import os
import platform
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time

from ._console import ConsoleSink, ConsoleTee, attach_console, detach_console  # noqa: F401 (kept here)

try:  # optional: better numbers on macOS and Windows
    import psutil  # type: ignore
except Exception:  # pragma: no cover - psutil is not a dependency
    psutil = None

GIT_DIFF_FILE = "git.diff"
MAX_GIT_DIFF_BYTES = 20 * 1024 * 1024
PROBE_TIMEOUT = 5.0


# --------------------------------------------------------------------------- commands


def _run(args, cwd=None, timeout=PROBE_TIMEOUT):
    """stdout of a command as text, or None if it is missing, fails or times out."""
    env = dict(os.environ)
    env["GIT_OPTIONAL_LOCKS"] = "0"  # git status must not take the index lock
    env["LC_ALL"] = "C"
    try:
        proc = subprocess.run(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=timeout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace")


def _strip_credentials(url):
    """A remote URL without user:password@ (tokens must not end up in logs)."""
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", r"\1", url.strip())


# --------------------------------------------------------------------------- environment


def command_line():
    orig = getattr(sys, "orig_argv", None)  # Python 3.10+: the command as typed
    if orig:
        args = [os.path.basename(orig[0])] + list(orig[1:])
    else:
        args = [os.path.basename(sys.executable or "python")] + list(sys.argv)
    return " ".join(shlex.quote(a) for a in args)


def git_info(run_path, cwd=None):
    """The git state of ``cwd``: commit, branch, dirty, remote; writes git.diff when dirty."""
    cwd = cwd or os.getcwd()
    if shutil.which("git") is None:
        return None
    top = _run(["git", "rev-parse", "--show-toplevel"], cwd)
    if top is None:
        return None
    info = {"root": top.strip()}
    commit = _run(["git", "rev-parse", "HEAD"], cwd)
    info["commit"] = commit.strip() if commit else None
    branch = _run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd)
    branch = branch.strip() if branch else None
    info["branch"] = branch if branch and branch != "HEAD" else None
    remote = _run(["git", "config", "--get", "remote.origin.url"], cwd)
    if remote and remote.strip():
        info["remote"] = _strip_credentials(remote)
    status = _run(["git", "status", "--porcelain", "--untracked-files=no"], cwd)
    info["dirty"] = bool(status and status.strip())
    if info["dirty"] and commit and run_path:
        diff = _run(["git", "diff", "HEAD", "--no-color", "--no-ext-diff"], cwd, timeout=30)
        if diff:
            data = diff.encode("utf-8", "replace")
            if len(data) > MAX_GIT_DIFF_BYTES:
                data = data[:MAX_GIT_DIFF_BYTES] + b"\n[labbook: diff truncated]\n"
            try:
                with open(os.path.join(run_path, GIT_DIFF_FILE), "wb") as f:
                    f.write(data)
                info["diff"] = GIT_DIFF_FILE
            except OSError:
                pass
    return info


def installed_packages():
    try:
        from importlib import metadata
    except ImportError:  # pragma: no cover - Python < 3.8
        return {}
    out = {}
    try:
        for dist in metadata.distributions():
            try:
                name = dist.metadata["Name"]
            except Exception:
                name = None
            if name and name not in out:
                out[name] = dist.version
    except Exception:
        pass
    return dict(sorted(out.items(), key=lambda kv: kv[0].lower()))


def _meminfo():
    """/proc/meminfo as {key: bytes}, or {}."""
    out = {}
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                key, _, rest = line.partition(":")
                parts = rest.split()
                if parts:
                    value = int(parts[0])
                    if len(parts) > 1 and parts[1] == "kB":
                        value *= 1024
                    out[key] = value
    except (OSError, ValueError):
        pass
    return out


def total_memory():
    info = _meminfo()
    if "MemTotal" in info:
        return info["MemTotal"]
    if psutil is not None:
        try:
            return int(psutil.virtual_memory().total)
        except Exception:
            pass
    if sys.platform == "darwin":
        out = _run(["sysctl", "-n", "hw.memsize"])
        if out and out.strip().isdigit():
            return int(out.strip())
    return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        out = _run(["sysctl", "-n", "machdep.cpu.brand_string"])
        if out:
            return out.strip()
    return platform.processor() or None


_nvidia_smi = None


def nvidia_smi():
    global _nvidia_smi
    if _nvidia_smi is None:
        _nvidia_smi = shutil.which("nvidia-smi") or ""
    return _nvidia_smi or None


def gpu_info():
    exe = nvidia_smi()
    if not exe:
        return []
    out = _run([exe, "--query-gpu=index,name,memory.total,driver_version",
                "--format=csv,noheader,nounits"])
    gpus = []
    for line in (out or "").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 4:
            continue
        gpu = {"index": _int(parts[0]), "name": parts[1], "driver": parts[3]}
        mem = _float(parts[2])
        if mem is not None:
            gpu["memory_bytes"] = int(mem * 1024 * 1024)  # MiB
        gpus.append(gpu)
    return gpus


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def collect_env(run_path, start_time, capture_git=True, capture_packages=True):
    """The ``env`` record's values (docs/run-log-format.md)."""
    env = {
        "command": command_line(),
        "argv": list(sys.argv),
        "cwd": os.getcwd(),
        "pid": os.getpid(),
        "start_time": start_time,
    }
    if capture_git:
        git = git_info(run_path)
        if git is not None:
            env["git"] = git
    env["python"] = {"version": platform.python_version(),
                     "implementation": platform.python_implementation(),
                     "executable": sys.executable}
    if capture_packages:
        env["packages"] = installed_packages()
    try:
        hostname = socket.gethostname()
    except OSError:
        hostname = platform.node()
    env["os"] = {"system": platform.system(), "release": platform.release(),
                 "machine": platform.machine(), "hostname": hostname,
                 "platform": platform.platform()}
    hardware = {"cpu_count": os.cpu_count()}
    model = cpu_model()
    if model:
        hardware["cpu_model"] = model
    mem = total_memory()
    if mem is not None:
        hardware["memory_bytes"] = mem
    hardware["gpus"] = gpu_info()
    env["hardware"] = hardware
    return env


# --------------------------------------------------------------------------- system metrics


def _proc_stat():
    """(busy, total) jiffies of all CPUs from /proc/stat, or None."""
    try:
        with open("/proc/stat") as f:
            line = f.readline()
    except OSError:
        return None
    parts = line.split()
    if not parts or parts[0] != "cpu":
        return None
    try:
        nums = [int(x) for x in parts[1:9]]
    except ValueError:
        return None
    total = sum(nums)
    idle = nums[3] + (nums[4] if len(nums) > 4 else 0)
    return total - idle, total


class SystemSampler(object):
    """Samples CPU, memory and GPU use; ``sample()`` returns the ``system/...`` values."""

    def __init__(self):
        self._prev = _proc_stat()
        self._last_cpu = None
        self._use_psutil = self._prev is None and psutil is not None
        if self._use_psutil:
            try:
                psutil.cpu_percent(interval=None)
            except Exception:
                self._use_psutil = False
        self._gpu = nvidia_smi() is not None

    def sample(self):
        values = {}
        if self._use_psutil:
            try:
                values["system/cpu_percent"] = float(psutil.cpu_percent(interval=None))
            except Exception:
                pass
        else:
            now = _proc_stat()
            if now is not None and self._prev is not None:
                busy = now[0] - self._prev[0]
                total = now[1] - self._prev[1]
                if total > 0:
                    self._last_cpu = round(100.0 * busy / total, 2)
                    self._prev = now
                # Less than a clock tick since the last sample: the last figure still stands.
                if self._last_cpu is not None:
                    values["system/cpu_percent"] = self._last_cpu
            else:
                self._prev = now
        info = _meminfo()
        if "MemTotal" in info and "MemAvailable" in info and info["MemTotal"] > 0:
            used = info["MemTotal"] - info["MemAvailable"]
            values["system/memory_percent"] = round(100.0 * used / info["MemTotal"], 2)
        elif psutil is not None:
            try:
                values["system/memory_percent"] = float(psutil.virtual_memory().percent)
            except Exception:
                pass
        if self._gpu:
            values.update(self._gpus())
        return values

    def _gpus(self):
        out = _run([nvidia_smi(), "--query-gpu=index,utilization.gpu,memory.used,memory.total",
                    "--format=csv,noheader,nounits"])
        if out is None:
            return {}
        values = {}
        for line in out.splitlines():
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 4:
                continue
            i = _int(parts[0])
            if i is None:
                continue
            util = _float(parts[1])
            used, total = _float(parts[2]), _float(parts[3])
            if util is not None:
                values["system/gpu.%d.utilization" % i] = util
            if used is not None and total:
                values["system/gpu.%d.memory_percent" % i] = round(100.0 * used / total, 2)
        return values


def sampler_loop(stop, interval, emit):
    """Calls ``emit(values)`` every ``interval`` seconds until ``stop`` is set."""
    sampler = SystemSampler()
    next_at = time.monotonic() + interval
    while not stop.wait(max(0.0, next_at - time.monotonic())):
        next_at += interval
        if next_at < time.monotonic():  # fell behind (suspended laptop): skip ahead
            next_at = time.monotonic() + interval
        try:
            values = sampler.sample()
        except Exception:
            values = {}
        if values:
            try:
                emit(values)
            except Exception:
                return
