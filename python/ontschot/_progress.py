"""Progress bars: a dependency-free one on stderr (carriage returns redraw it in terminals), and
tqdm's widget in Jupyter when tqdm is installed."""

from __future__ import annotations

import sys
import time
from typing import Any, Callable

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


class NotebookBar:
    """tqdm's notebook widget (``tqdm.auto``), shown after ``delay`` seconds like :class:`Bar`."""

    def __init__(self, label: str, delay: float = 0.5) -> None:
        from tqdm.auto import tqdm

        self._tqdm = tqdm
        self.label = label
        self.delay = delay
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = self._tqdm(total=total, desc=self.label, unit=" iterations", delay=self.delay, leave=True)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.bar.close()


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where carriage returns do not redraw a line well)."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


def _bar(label: str, delay: float) -> ProgressCallback:
    """tqdm's widget in Jupyter when tqdm is installed, the plain bar otherwise."""
    if in_notebook():
        try:
            return NotebookBar(label, delay=delay)
        except ImportError:
            pass
    return Bar(label, delay=delay)


def resolve(progress: bool | ProgressCallback | None, label: str) -> ProgressCallback | None:
    """``None``: a bar for runs longer than half a second; ``True``: always; ``False``: never.
    In Jupyter with tqdm installed the bar is tqdm's widget."""
    if progress is None:
        return _bar(label, 0.5)
    if progress is True:
        return _bar(label, 0.0)
    if progress is False:
        return None
    if callable(progress):
        return progress
    raise TypeError(f"progress must be None, a bool or a callable(done, total), not {type(progress).__name__}")
