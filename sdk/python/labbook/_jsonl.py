"""Append-only JSON-lines files shared by several writers (sweep trial logs, model registries)."""

import json
import os


def append_line(path, record):
    """Appends ``record`` as one whole line with a single ``O_APPEND`` write, never through a link;
    a file whose last line was torn by a writer that died gets a newline first."""
    line = json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        size = os.fstat(fd).st_size
        if size:
            with open(path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    line = "\n" + line
        data = line.encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)
