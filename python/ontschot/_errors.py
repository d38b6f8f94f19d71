"""Exception classes of ontschot. The Rust core raises these with the field path attached."""

from __future__ import annotations


class OntschotError(Exception):
    """Base class of every error ontschot raises on purpose."""


class ScenarioError(OntschotError, ValueError):
    """A scenario that cannot be read, is inconsistent, or whose drawn values are impossible.

    Attributes:
        path: the field path of the first problem, e.g. ``"arms[1].uptake"``.
        problems: every problem found, as ``(path, reason)`` pairs.
    """

    path: str | None = None
    problems: list[tuple[str, str]] = []

    @classmethod
    def at(cls, path: str, reason: str) -> ScenarioError:
        """The error for one problem at ``path``."""
        err = cls(f"{path}: {reason}")
        err.path = path
        err.problems = [(path, reason)]
        return err


class DrawError(ScenarioError):
    """A value drawn in one Monte Carlo iteration is impossible (nothing is clamped).

    Attributes:
        iteration: the iteration (0-based) where it happened.
    """

    iteration: int | None = None


class ResultsError(OntschotError, ValueError):
    """Saved results could not be read back."""
