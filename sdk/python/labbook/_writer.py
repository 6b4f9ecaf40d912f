"""Appending whole lines to a run's events.jsonl when the disk may be full.

A write that fails part-way (ENOSPC on a full disk, EFBIG past ``ulimit -f``) leaves
the file ending inside a line. The next write then starts with a newline, so the
torn piece stays a line of its own and no record is glued onto it; the lines that
were not written whole are written again later. The caller keeps those lines and
decides how many it can hold.
"""

import warnings


class LineWriter(object):
    """Writes lists of lines (each ending in a newline) to an append-only binary file."""

    def __init__(self, path):
        self.path = path
        self.torn = False   # the file ends inside a line: the next write starts a new one
        self.error = None   # the last write error while lines still wait, else None
        self.warned = False

    @property
    def failing(self):
        return self.error is not None

    def write(self, f, lines):
        """Append ``lines`` in order; return how many were written whole. Never raises
        for a write error: it is kept in ``error`` (and warned about once)."""
        if self.error is not None and len(lines) > 1:
            # retrying: a first line that still does not fit costs no copy of all that waits
            if self.write(f, lines[:1]) == 0:
                return 0
            return 1 + self.write(f, lines[1:])
        data = "".join(lines).encode("utf-8", "replace")
        lead = b"\n" if self.torn else b""
        buf = memoryview(lead + data)
        done = 0
        try:
            while done < len(buf):
                n = f.write(buf[done:])
                if n is None:  # pragma: no cover - non-blocking files only
                    continue
                if n <= 0:
                    raise OSError("labbook: the file took no bytes")
                done += n
        except (OSError, ValueError) as exc:
            return self._stopped(exc, lines, done - len(lead))
        self.torn = False
        self.error = None
        return len(lines)

    def _stopped(self, exc, lines, written):
        """A write stopped after ``written`` bytes of the lines (negative: not even the
        leading newline went out); returns how many lines went out whole."""
        self.error = exc
        if not self.warned:
            self.warned = True
            try:
                warnings.warn("labbook: could not write to %s: %s (records are kept in memory "
                              "and written again when there is room)" % (self.path, exc))
            except Exception:
                pass
        if written < 0:
            return 0
        whole = 0
        end = 0
        for line in lines:
            size = len(line.encode("utf-8", "replace"))
            if end + size > written:
                break
            end += size
            whole += 1
        self.torn = written > end
        return whole
