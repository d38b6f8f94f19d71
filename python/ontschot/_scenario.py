"""Scenarios: read from files or dicts, changed with overrides, and run."""

from __future__ import annotations

import json
import math
import numbers
import operator
import os
import warnings
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from . import _ontschot
from ._errors import OntschotError, ScenarioError
from ._progress import ProgressCallback, resolve

if TYPE_CHECKING:
    import pandas as pd

    from ._finance import Solution
    from ._results import Results, Summaries
    from ._sensitivity import Sensitivity


def _plain(value: Any, path: str) -> Any:
    """Turns numpy scalars, tuples and mappings into plain JSON values, naming the path of a value
    that has no JSON form."""
    if isinstance(value, float) and not math.isfinite(value):
        # JSON has no NaN or infinity; name the field as the core would.
        raise ScenarioError.at(path or ".", f"must be a finite number, got {value}")
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ScenarioError.at(path or ".", f"keys must be strings, got {k!r}")
            out[k] = _plain(v, f"{path}.{k}" if path else k)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    item = getattr(value, "item", None)  # numpy scalars and 0-d arrays
    if callable(item) and getattr(value, "ndim", 0) == 0:
        return _plain(item(), path)
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist):
        return _plain(tolist(), path)
    raise ScenarioError.at(path or ".", f"cannot use a value of type {type(value).__name__}")


def _counts(**settings: Any) -> tuple[int | None, ...]:
    """Run settings as the whole numbers the core takes (unsigned 64 bits), in the order given.

    NumPy's integers (``np.int64(10)``) are whole numbers too; a bool or a float is refused."""
    out: list[int | None] = []
    for name, value in settings.items():
        try:
            n = None if value is None or isinstance(value, bool) else operator.index(value)
        except TypeError:
            n = None
        if value is not None and (n is None or not 0 <= n < 2**64):
            raise ScenarioError.at(f"simulation.{name}", f"must be a whole number >= 0, got {value!r}")
        out.append(n)
    return tuple(out)


def _checked_mode(mode: Any) -> str | None:
    """``mode`` as the core takes it: a name, or none for the scenario's."""
    if mode is not None and not isinstance(mode, str):
        raise ScenarioError.at("simulation.mode", f"must be 'cohort' or 'individual', got {mode!r}")
    return mode


def _flag(name: str, value: Any) -> Any:
    """A yes/no setting: ``True`` or ``False`` (``None`` where the setting has a default)."""
    if value is not None and not isinstance(value, bool):
        raise ScenarioError.at(f"simulation.{name}", f"must be True or False, got {value!r}")
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=False)


class Scenario:
    """A business-case scenario: population, states, care categories, arms and settings.

    Create one with :meth:`from_file`, :meth:`from_dict` or :mod:`ontschot.seeds`; scenarios are
    immutable, :meth:`with_values` returns a changed copy.

    >>> import ontschot
    >>> s = ontschot.seeds.welzijn_op_recept()
    >>> s.with_values({"uptake": 0.5}).to_dict()["parameters"]["uptake"]["value"]
    0.5
    """

    __slots__ = ("_inner",)

    def __init__(self) -> None:
        raise TypeError("use Scenario.from_file, Scenario.from_dict or ontschot.seeds")

    @classmethod
    def _wrap(cls, inner: _ontschot.Scenario) -> Scenario:
        self = object.__new__(cls)
        object.__setattr__(self, "_inner", inner)
        return self

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Scenario:
        """Reads a ``.toml`` or ``.json`` scenario file. Raises :class:`ScenarioError` naming the
        file and field for a bad file, ``OSError`` for a missing one."""
        return cls._wrap(_ontschot.Scenario.from_file(os.fspath(path)))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str | None = None) -> Scenario:
        """Builds a scenario from a dict with the structure of a scenario file."""
        if not isinstance(data, Mapping):
            raise ScenarioError.at(".", f"a scenario must be a mapping, not {type(data).__name__}")
        return cls._wrap(_ontschot.Scenario.from_json(_dumps(_plain(data, "")), origin))

    @classmethod
    def _from_json(cls, text: str, origin: str | None, checksum: int | None = None) -> Scenario:
        # A pickle carries a checksum of the scenario's text: a damaged or changed pickle is
        # refused instead of read as another scenario.
        if checksum is not None and _checksum(text, origin) != checksum:
            raise ScenarioError("the pickled scenario is damaged or changed (its checksum does not match)")
        return cls._wrap(_ontschot.Scenario.from_json(text, origin))

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a dict (the structure of a scenario file)."""
        return json.loads(self._inner.to_json())  # type: ignore[no-any-return]

    def with_values(self, values: Mapping[str, Any]) -> Scenario:
        """A copy with values replaced.

        A key is a parameter name (the parameter becomes fixed at the value; give a dict to set a
        whole distribution) or a dotted field path such as ``"discount.costs"``,
        ``"population.size"`` or ``"arms.samenoud.uptake"`` (list elements by name or index).
        """
        if not isinstance(values, Mapping):
            raise TypeError(f"values must be a mapping, not {type(values).__name__}")
        return self._wrap(self._inner.with_values(_dumps(_plain(dict(values), ""))))

    def template(self, path: str | os.PathLike[str]) -> None:
        """Writes the parameters to an Excel sheet to edit (name, labels, distribution, its
        values, unit, source, assumption), with a second sheet that says how to fill it in; read
        it back with :meth:`with_sheet`. The same file as ``ontschot template``."""
        with open(path, "wb") as f:
            f.write(self._inner.template_xlsx())

    def with_sheet(self, path: str | os.PathLike[str]) -> Scenario:
        """A copy whose parameters are replaced by the rows of the sheet 'Parameters' at ``path``
        (a sheet from :meth:`template`, edited; .xlsx, .xls or .ods). A row replaces that
        parameter's distribution; parameters without a row keep theirs. A cell that cannot be
        read raises :class:`ScenarioError` naming the sheet, row and column (``.path`` is the
        cell, e.g. ``"Parameters!C2"``)."""
        return self._wrap(self._inner.with_sheet(os.fspath(path)))

    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.to_dict()["name"])

    @property
    def origin(self) -> str | None:
        """The file the scenario came from, if any."""
        return self._inner.origin

    def validate(self) -> None:
        """Checks the scenario; raises :class:`ScenarioError` listing every problem found.

        What the scenario leaves to a default that changes its results (``transitions.kind``
        left out, say), and a drawn parameter that would stop a run of the scenario's iterations
        once in a thousand runs or more (a normal cost below 0), come as a :class:`UserWarning`
        each. A run that such a draw would stop with a chance of 5% or more is refused before it
        starts."""
        for note in self._inner.validate():
            warnings.warn(note, UserWarning, stacklevel=2)

    def run(
        self,
        iterations: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        *,
        detail: bool | None = None,
        progress: bool | ProgressCallback | None = None,
        mode: Literal["cohort", "individual"] | None = None,
        max_memory: float | None = None,
        first_iteration: int = 0,
        trace: bool = False,
    ) -> Results:
        """Runs the Monte Carlo simulation.

        Args:
            iterations: parameter draws (default: the scenario's ``[simulation] iterations``).
            seed: seed of the random streams (default: the scenario's).
            threads: worker threads (default: one per core); results do not depend on it.
            detail: keep care costs per category (``Results.detail``).
            mode: ``"cohort"`` (expected values) or ``"individual"`` (every person simulated, so
                the results also carry the luck of who needs care); default: the scenario's
                ``[simulation] mode``. Both give arrays of the same shape.
            progress: ``None`` shows a bar on stderr for runs longer than half a second,
                ``True`` always, ``False`` never; or a callable ``(done, total)``.
            max_memory: the most memory the run may take, in GB (default 8); a run that would
                need more raises ``OntschotError`` before it starts, with the estimate.
            first_iteration: run the range of ``iterations`` that starts at this iteration of a
                larger run (default 0): iteration ``k`` draws the same numbers in any range, and
                :meth:`Results.merge` joins ranges into the whole run, bit for bit.
            trace: keep the people in each state at each point and those entering each state per
                year (:meth:`Results.trace`, :meth:`Results.events`, :meth:`Results.avoided`);
                cohort mode.

        The GIL is released while the simulation runs; Ctrl-C stops it within a fraction of a
        second with ``KeyboardInterrupt``.
        """
        from ._results import Results

        iterations, seed, threads, first = _counts(iterations=iterations, seed=seed, threads=threads, first_iteration=first_iteration)
        callback = resolve(progress, self._inner_name())
        results = Results._wrap(
            self._inner.run(
                iterations, seed, threads, _flag("detail", detail), callback, _checked_mode(mode), _bytes(max_memory), first or 0, _flag("trace", trace)
            )
        )
        object.__setattr__(results, "_scenario", self)
        return results

    def summarise(
        self,
        iterations: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        *,
        progress: bool | ProgressCallback | None = None,
        mode: Literal["cohort", "individual"] | None = None,
        max_memory: float | None = None,
        first_iteration: int = 0,
    ) -> Summaries:
        """Runs the Monte Carlo simulation and keeps only the summaries: per intervention arm who
        pays and who benefits (:meth:`Summaries.summary`, :meth:`Summaries.who_pays`) and each
        party's cash per year (:meth:`Summaries.budget`), the same numbers to the bit as those of
        :meth:`run` with the same settings. Blocks of iterations are simulated and added to the
        summaries in their order, so the run needs a small part of the memory of :meth:`run`
        (100,000 SamenOud iterations: under 100 MB rather than about 450 MB) and, on several
        threads, less time. The
        arguments are those of :meth:`run`; there are no arrays, trace or costs per category.

        >>> import ontschot
        >>> s = ontschot.seeds.samenoud().summarise(iterations=300, seed=1, progress=False)
        >>> s.who_pays(by="payer")["net"].notna().all().item()
        True
        """
        from ._results import Summaries

        iterations, seed, threads, first = _counts(iterations=iterations, seed=seed, threads=threads, first_iteration=first_iteration)
        callback = resolve(progress, self._inner_name())
        return Summaries._wrap(self._inner.summarise(iterations, seed, threads, callback, _checked_mode(mode), _bytes(max_memory), first or 0))

    def solve(
        self,
        term: str,
        goal: str | float = "expected",
        *,
        arrangement: int = 0,
        alternative: str | None = None,
        range: tuple[float, float] = (0.0, 1.0),
        arm: int = 1,
        iterations: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> Solution:
        """Finds the values of one term of a financing arrangement (``share``, ``cap``,
        ``floor``, ``amount``, ``price``, ``max_return``) that meet a goal, on one run's draws.

        ``goal`` is ``"expected"`` (every payer gains on average), a probability ``p`` (every
        payer loses no money with probability at least ``p``) or ``"proportional"`` (the net
        benefit split in proportion to what each payer invests). The arrangement is one in force,
        or of the named ``alternative``. When no value meets the goal the answer says why.
        """
        from ._finance import Solution

        if isinstance(goal, (int, float)) and not isinstance(goal, bool):
            kind, probability = "probability", float(goal)
        elif goal in ("expected", "proportional"):
            kind, probability = str(goal), None
        else:
            raise ValueError(f"goal must be 'expected', 'proportional' or a probability, not {goal!r}")
        low, high = range
        iterations, seed, threads = _counts(iterations=iterations, seed=seed, threads=threads)
        callback = resolve(progress, self.name)
        text = self._inner.solve(
            term, kind, probability, arrangement, alternative, low, high, arm, iterations, seed, threads, callback
        )
        return Solution._from_json(text)

    def free_riders(
        self,
        iterations: int | None = None,
        seed: int | None = None,
        *,
        arm: int = 1,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """A region's municipalities and insurers as joiners and as free riders: runs the scenario
        and returns :meth:`Results.free_riders`. Needs a ``[region]``.

        >>> import ontschot
        >>> df = ontschot.seeds.region_samenoud().free_riders(iterations=100, seed=1, progress=False)
        >>> (df["incentive_to_stay_out"] > 0).all()
        np.True_
        """
        if self.to_dict().get("region") is None:
            raise ValueError("free riders are municipalities and insurers of a region: this scenario has no [region]")
        return self.run(iterations, seed, threads, progress=progress).free_riders(arm)

    def deal(
        self,
        goal: str = "expected",
        parties: Sequence[str] | None = None,
        *,
        iterations: int | None = None,
        seed: int | None = None,
        arm: int = 1,
        view: str = "budget",
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Runs the scenario and proposes a deal every party can sign (see :meth:`Results.deal`).

        >>> import ontschot
        >>> df = ontschot.seeds.region_samenoud().deal("maxmin", iterations=200, seed=1, progress=False)
        >>> bool(df.attrs["feasible"]), round(float(df["share"].sum()), 9)
        (True, 1.0)
        """
        return self.run(iterations, seed, threads, progress=progress).deal(goal, parties, arm=arm, view=view)

    def compare(
        self,
        iterations: int | None = None,
        seed: int | None = None,
        *,
        arm: int = 1,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Every financing option of this scenario side by side on the same draws (see
        :func:`ontschot.compare`)."""
        from ._finance import compare

        return compare(self, iterations, seed, arm=arm, threads=threads, progress=progress)

    def tornado(
        self, party: str = "total", values: Mapping[str, tuple[float, float]] | None = None, *, arm: int = 1
    ) -> pd.DataFrame:
        """One-way sensitivity: each uncertain parameter at its 2.5 and 97.5 percentiles (or the
        ``values`` given as ``{name: (low, high)}``), all others at their means; the net of
        ``party`` (a budget, payer or ``"total"``) at each, widest swing first. ``df.attrs["base"]``
        holds the base case."""
        from ._sensitivity import tornado_frame

        triples = [[k, float(lo), float(hi)] for k, (lo, hi) in (values or {}).items()]
        for k, lo, hi in triples:
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise ValueError(f"values[{k!r}]: low and high must be finite numbers, got ({lo}, {hi})")
        return tornado_frame(self._inner.tornado(party, json.dumps(triples), arm))

    def two_way(
        self,
        x: str,
        xs: Sequence[float],
        y: str,
        ys: Sequence[float],
        party: str = "total",
        *,
        arm: int = 1,
        iterations: int | None = None,
        seed: int | None = None,
    ) -> pd.DataFrame:
        """Two-way sensitivity: per cell of the grid ``xs`` x ``ys``, the expected net of
        ``party`` and the probability it gains, the other parameters drawn as usual."""
        from ._sensitivity import two_way_frame

        iterations, seed = _counts(iterations=iterations, seed=seed)
        df = two_way_frame(self._inner.two_way(x, list(xs), y, list(ys), party, arm, iterations, seed))
        df.attrs.update(x_label=self.parameter_label(x), y_label=self.parameter_label(y))
        return df

    def parameter_label(self, name: str, lang: str = "en") -> str:
        """The words for a parameter in ``lang`` (``"en"`` or ``"nl"``): its label, the other
        language's when it has only that one, else the key."""
        p = self.to_dict()["parameters"].get(name, {})
        first, second = ("label_en", "label") if lang == "en" else ("label", "label_en")
        return str(p.get(first) or p.get(second) or name)

    def sensitivity(
        self,
        iterations: int | None = None,
        seed: int | None = None,
        *,
        group: Sequence[str] = (),
        wtp: Sequence[float] = tuple(range(0, 100_001, 10_000)),
        arm: int = 1,
        threads: int | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> Sensitivity:
        """Global sensitivity (first-order variance shares per payer), the EVPI per decision
        maker, the EVPPI of ``group`` and the acceptability curve at ``wtp``, from one run."""
        from ._sensitivity import Sensitivity

        iterations, seed, threads = _counts(iterations=iterations, seed=seed, threads=threads)
        callback = resolve(progress, self.name)
        text = self._inner.sensitivity(_names(group, "group"), [float(w) for w in wtp], arm, iterations, seed, threads, callback)
        return Sensitivity._from_json(text)

    def acceptability_by_term(
        self,
        term: str,
        values: Sequence[float],
        *,
        arrangement: int = 0,
        alternative: str | None = None,
        arm: int = 1,
        iterations: int | None = None,
        seed: int | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> pd.DataFrame:
        """Per payer, the expected net and the probability of not losing money at each value of
        an arrangement term (e.g. a shared-savings share)."""
        import pandas as pd

        iterations, seed = _counts(iterations=iterations, seed=seed)
        callback = resolve(progress, self.name)
        text = self._inner.sweep(term, [float(v) for v in values], arrangement, alternative, arm, iterations, seed, None, callback)
        rows = [
            {"value": v, "payer": p["name"], "net_after": p["net_after"], "probability_no_loss": p["probability_no_loss"]}
            for v, payers in json.loads(text)
            for p in payers
        ]
        return pd.DataFrame(rows)

    def variants(self, iterations: int | None = None, seed: int | None = None, *, arm: int = 1) -> pd.DataFrame:
        """The base case and the scenario's ``[[variants]]`` side by side on the same draws."""
        from ._finance import _frame

        iterations, seed = _counts(iterations=iterations, seed=seed)
        options = json.loads(self._inner.variants(arm, iterations, seed, None))
        return _frame(options, self.name)

    def report(
        self,
        path: str | os.PathLike[str],
        iterations: int | None = None,
        seed: int | None = None,
        *,
        lang: str = "nl",
        arm: int | str = 1,
    ) -> Results:
        """Runs the scenario and writes its HTML report to ``path`` (see :meth:`Results.report`);
        returns the results."""
        results = self.run(iterations, seed, progress=None)
        results.report(path, lang=lang, arm=arm)
        return results

    def parameter_draws(self, iterations: int | None = None, seed: int | None = None) -> pd.DataFrame:
        """Every parameter's value in each iteration of a run with this seed (a Dirichlet's
        components as ``name.part``): the draws behind :meth:`run`'s results, recomputed from the
        seed. One row per iteration; for regression metamodels or checks of one's own.

        >>> from ontschot import seeds
        >>> draws = seeds.samenoud().parameter_draws(2000, seed=1)
        >>> round(float(draws["uptake"].mean()), 2)
        0.49
        """
        import pandas as pd

        iterations, seed = _counts(iterations=iterations, seed=seed)
        names, draws = self._inner.parameter_draws(iterations, seed)
        frame = pd.DataFrame(draws, columns=names)
        frame.index.name = "iteration"
        return frame

    def deterministic(self, *, detail: bool | None = None) -> Results:
        """One run with every parameter at its mean (the base case)."""
        from ._results import Results

        results = Results._wrap(self._inner.deterministic(detail))
        object.__setattr__(results, "_scenario", self)
        return results

    def _inner_name(self) -> str:
        return self.name

    def __reduce__(self) -> tuple[Any, tuple[str, str | None, int]]:
        text = self._inner.to_json()
        return (Scenario._from_json, (text, self.origin, _checksum(text, self.origin)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self._inner.to_json())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Scenario is immutable; use with_values to get a changed copy")

    def _repr_html_(self) -> str:
        """The scenario in a notebook: its people and horizon, states, arms, budgets with their
        payers, and every parameter with its distribution and source (assumptions marked)."""
        import html

        from .format import whole

        esc = html.escape
        d = self.to_dict()
        pop = d["population"]
        inflow = f" + {whole(pop['inflow'], 'en')} a year" if pop.get("inflow") else ""
        start = f" from {d['start_year']}" if d.get("start_year") else ""
        parts = [
            f"<p><b>{esc(d['name'])}</b>: {whole(pop['size'], 'en')} people{inflow}, {d['horizon_years']} years{start}</p>"
        ]
        if d.get("description"):
            parts.append(f"<p>{esc(d['description'])}</p>")
        parts.append("<p>States: " + ", ".join(esc(st["name"]) for st in d["states"]) + "</p>")
        parts.append("<p>Arms: " + ", ".join(esc(a.get("label") or a["name"]) for a in d["arms"]) + " (the first is the comparator)</p>")
        try:
            meta = json.loads(self._inner.deterministic(None).meta_json())
        except OntschotError as e:  # an invalid scenario still displays, with what is wrong
            parts.append(f"<p><b>Not valid:</b> {esc(str(e))}</p>")
        else:
            rows = "".join(
                f"<tr><td>{esc(b['label'])}</td><td>{esc(meta['payers'][b['payer']]['label_en'])}</td></tr>" for b in meta["budgets"]
            )
            parts.append(f"<table><thead><tr><th>Budget</th><th>Payer</th></tr></thead><tbody>{rows}</tbody></table>")
        rows = []
        for name, spec in d["parameters"].items():
            values = ", ".join(f"{k} {v}" for k, v in spec.items() if k not in ("dist", "unit", "source", "assumption", "label", "label_en"))
            label = spec.get("label_en") or spec.get("label")
            shown = f"{esc(label)} <code>{esc(name)}</code>" if label else esc(name)
            rows.append(
                f"<tr><td style='text-align:left'>{shown}</td><td>{esc(spec['dist'])} ({esc(values)})</td><td>{esc(spec.get('unit', ''))}</td>"
                f"<td style='text-align:left'>{esc(spec.get('source', ''))}</td><td>{'assumption' if spec.get('assumption') else ''}</td></tr>"
            )
        head = "<tr><th>Parameter</th><th>Distribution</th><th>Unit</th><th>Source</th><th></th></tr>"
        parts.append(f"<details><summary>{len(rows)} parameters</summary><table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></details>")
        return "\n".join(parts)

    def __repr__(self) -> str:
        d = self.to_dict()
        arms = ", ".join(a["name"] for a in d["arms"])
        return (
            f"Scenario({d['name']!r}, {d['horizon_years']} years, {len(d['states'])} states, "
            f"{len(d['categories'])} care categories, {len(d['parameters'])} parameters, arms: {arms})"
        )


def _names(names: Sequence[str], field: str) -> list[str]:
    """A list of names; one name alone would be read letter by letter."""
    if isinstance(names, str):
        raise TypeError(f"{field} is a list of names, not one string: write [{names!r}]")
    return list(names)


def _bytes(gigabytes: float | None) -> int | None:
    """A memory limit in GB as bytes (none: the default)."""
    if gigabytes is None:
        return None
    if isinstance(gigabytes, bool) or not isinstance(gigabytes, numbers.Real):
        raise TypeError(f"max_memory is a number of GB, not {type(gigabytes).__name__}")
    if not (math.isfinite(gigabytes) and gigabytes > 0):
        raise ValueError(f"max_memory must be a positive number of GB, got {gigabytes!r}")
    # Above 18 billion GB a limit no longer limits anything: the most the core can hold.
    return min(int(gigabytes * 1e9), 2**64 - 1)


def _checksum(text: str, origin: str | None) -> int:
    """CRC-32 of a pickled scenario's text and origin."""
    return zlib.crc32(f"{origin or ''}\0{text}".encode())
