"""A dependency-free progress bar on stderr; carriage returns redraw it in terminals and Jupyter."""

from __future__ import annotations

import sys
import time
from typing import Callable

ProgressCallback = Callable[[int, int], None]


class Bar:
    """Draws ``done/total`` after ``delay`` seconds, so short runs stay silent."""

    def __init__(self, label: str, delay: float = 0.5, width: int = 30) -> None:
        self.label = label
        self.delay = delay
        self.width = width
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.start
        if not self.shown and (elapsed < self.delay or (done >= total and self.delay > 0)):
            return
        self.shown = True
        filled = int(self.width * done / max(total, 1))
        bar = "=" * filled + (">" if filled < self.width else "") + " " * max(self.width - filled - 1, 0)
        rate = done / elapsed if elapsed > 0 else 0.0
        line = f"\r{self.label} [{bar}] {done:,}/{total:,} iterations ({rate:,.0f}/s)"
        sys.stderr.write(line)
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def resolve(progress: bool | ProgressCallback | None, label: str) -> ProgressCallback | None:
    """``None``: a bar for runs longer than half a second; ``True``: always; ``False``: never."""
    if progress is None:
        return Bar(label)
    if progress is True:
        return Bar(label, delay=0.0)
    if progress is False:
        return None
    if callable(progress):
        return progress
    raise TypeError(f"progress must be None, a bool or a callable(done, total), not {type(progress).__name__}")
