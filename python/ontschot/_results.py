"""Results of a run: numpy arrays that share memory with the Rust result, pandas tables, plots."""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _ontschot
from ._table import Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._scenario import Scenario

_MEASURES = ["life_years", "qalys"]


def _shown(x: Any, spec: str) -> str:
    """A figure for a text line; a missing one (None or NaN, e.g. from an edited frame) is
    written as "n/a" rather than failing the whole repr."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return format(x, spec)


class _Summarised:
    """The tables of who pays and who benefits, shared by :class:`Results` and
    :class:`Summaries`: both give each intervention arm's summary (``_summary``) and budget view
    (``_budget_view``) as the core's JSON."""

    __slots__ = ()
    _meta: dict[str, Any]

    def _summary(self, arm: int | str) -> dict[str, Any]:
        raise NotImplementedError

    def _budget_view(self, arm: int | str) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def meta(self) -> dict[str, Any]:
        """Names of the axes and the run's settings (iterations, seed, discount rates, ...)."""
        return dict(self._meta)

    @property
    def iterations(self) -> int:
        """Number of iterations."""
        return int(self._meta["iterations"])

    @property
    def arms(self) -> list[str]:
        """Arm names; the first is the comparator."""
        return [a["name"] for a in self._meta["arms"]]

    @property
    def budgets(self) -> list[str]:
        """Budget names: the last axis of the flow arrays."""
        return [b["name"] for b in self._meta["budgets"]]

    @property
    def payers(self) -> list[str]:
        """Payer names."""
        return [p["name"] for p in self._meta["payers"]]

    @property
    def categories(self) -> list[str]:
        """Care category names: the last axis of the detail arrays."""
        return [c["name"] for c in self._meta["categories"]]

    @property
    def years(self) -> list[int]:
        """Years of the horizon, from 1."""
        return list(range(1, self._meta["years"] + 1))

    @property
    def calendar_years(self) -> list[int]:
        """Calendar years of the horizon (the budget view's years), from the scenario's
        ``start_year`` (or ``price_year``); model years 1, 2, ... when it gives neither."""
        start = self._meta.get("start_year")
        first = 1 if start is None else int(start)
        return list(range(first, first + self._meta["years"]))

    def _arm(self, arm: int | str, intervention: bool = False) -> int:
        names = self.arms
        if isinstance(arm, str):
            if arm not in names:
                raise KeyError(f"no arm named {arm!r}; arms: {', '.join(names)}")
            index = names.index(arm)
        elif isinstance(arm, (int, np.integer)) and not isinstance(arm, bool):
            index = int(arm)
            if not 0 <= index < len(names):
                raise IndexError(f"arm {index} out of range: the run has {len(names)} arms")
        else:
            raise TypeError(f"an arm is a name or an index, not {type(arm).__name__}")
        if intervention and index == 0:
            raise ValueError(f"arm {names[0]!r} is the comparator; choose an intervention: {', '.join(names[1:])}")
        return index

    def summary(self, arm: int | str = 1) -> pd.DataFrame:
        """Who pays and who benefits, discounted over the horizon: one row per budget, per payer,
        per party (the payers, or a region's municipalities and insurers) and the total. ``net`` = ``savings`` - ``investment``; positive means the party gains."""
        s = self._summary(arm)
        rows = []
        levels = (("budget", s["budgets"]), ("payer", s["payers"]), ("party", s["parties"]), ("total", [s["total"]]))
        for level, items in levels:
            for f in items:
                rows.append(
                    {
                        "level": level,
                        "name": f["name"],
                        "label": f["label"],
                        "payer": f.get("payer"),
                        "investment": f["investment"]["mean"],
                        "savings": f["savings"]["mean"],
                        "net": f["net"]["mean"],
                        "net_sd": f["net"]["sd"],
                        "net_p2_5": f["net"]["p2_5"],
                        "net_p50": f["net"]["p50"],
                        "net_p97_5": f["net"]["p97_5"],
                        "probability_gain": f["probability_gain"],
                        "transfers": f["transfers"]["mean"],
                        "net_after": f["net_after"]["mean"],
                        "net_after_p2_5": f["net_after"]["p2_5"],
                        "net_after_p97_5": f["net_after"]["p97_5"],
                        "probability_gain_after": f["probability_gain_after"],
                        "break_even_year": f["break_even_year"],
                        "return_per_euro": f["return_per_euro"],
                    }
                )
        df = Table(rows).set_index(["level", "name"])
        df["break_even_year"] = df["break_even_year"].astype("Int64")
        df["return_per_euro"] = df["return_per_euro"].astype(float)
        return df

    def who_pays(self, arm: int | str = 1, by: str = "budget", after: bool = False) -> pd.DataFrame:
        """The who-pays-who-benefits table of the societal view (reference prices, discounted
        over the horizon; see :meth:`budget` for each party's cash per year) per ``"budget"`` or
        per ``"payer"``: what each party
        invests, saves on care, its net with the 95% interval, and the probability it gains; with
        ``after=True``, what it receives through the financing arrangements in force and its net
        after them."""
        if by not in ("budget", "payer", "party"):
            raise ValueError(f"by must be 'budget', 'payer' or 'party', not {by!r}")
        df = self.summary(arm).xs(by, level="level")
        if after:
            cols = ["label", "net", "transfers", "net_after", "net_after_p2_5", "net_after_p97_5", "probability_gain_after"]
            return df[cols]
        cols = ["label", "investment", "savings", "net", "net_p2_5", "net_p97_5", "probability_gain", "break_even_year"]
        if by == "budget":
            cols.insert(1, "payer")
        return df[cols]

    def budget(self, arm: int | str = 1, by: str = "payer") -> pd.DataFrame:
        """The budget view: per party (``by="payer"``, ``"budget"``, ``"party"`` for a region's
        municipalities and insurers, or ``"total"``) and calendar
        year, the change in the party's cash that the intervention brings, in nominal euros of
        that year, not discounted, after the arrangements in force. Positive ``cash`` means the
        party's cash position is better (it pays less).

        Columns: ``party``, ``label``, ``year`` (calendar year), ``cash`` (mean), ``cash_p2_5``,
        ``cash_p97_5``, ``probability_better``, ``cumulative`` (mean from the first year on),
        ``cumulative_p2_5``, ``cumulative_p97_5``, ``probability_better_cumulative``,
        ``before`` (mean before the arrangements), ``transfers`` (mean received through them),
        ``bears_risk`` (False for the long-term care fund, which the care office administers
        without financial risk: its figures are spending, not a gain).

        >>> import ontschot
        >>> r = ontschot.seeds.samenoud().run(iterations=100, seed=1, progress=False)
        >>> r.budget()["year"].unique().tolist()
        [2025, 2026, 2027, 2028, 2029]
        """
        if by not in ("payer", "budget", "party", "total"):
            raise ValueError(f"by must be 'payer', 'budget', 'party' or 'total', not {by!r}")
        view = self._budget_view(arm)
        parties = {"payer": view["payers"], "budget": view["budgets"], "party": view["parties"], "total": [view["total"]]}[by]
        rows = []
        for p in parties:
            for y in p["years"]:
                rows.append(
                    {
                        "party": p["name"],
                        "label": p["label"],
                        "year": int(y["year"]),
                        "cash": y["cash"]["mean"],
                        "cash_p2_5": y["cash"]["p2_5"],
                        "cash_p97_5": y["cash"]["p97_5"],
                        "probability_better": y["probability_better"],
                        "cumulative": y["cumulative"]["mean"],
                        "cumulative_p2_5": y["cumulative"]["p2_5"],
                        "cumulative_p97_5": y["cumulative"]["p97_5"],
                        "probability_better_cumulative": y["probability_better_cumulative"],
                        "before": y["before"],
                        "transfers": y["transfers"],
                        "bears_risk": p["bears_risk"],
                    }
                )
        return Table(rows)

    def health(self, arm: int | str = 1) -> pd.Series:
        """Life-years and QALYs gained (discounted), cost per QALY and net monetary benefit at the
        scenario's willingness to pay, and at each Dutch reference value per QALY
        (``net_monetary_benefit_20000``, ``probability_cost_effective_50000``, ...: €20,000, €50,000
        and €80,000 by burden of disease)."""
        h = self._summary(arm)["health"]
        out: dict[str, Any] = {
            "life_years": h["life_years"]["mean"],
            "life_years_p2_5": h["life_years"]["p2_5"],
            "life_years_p97_5": h["life_years"]["p97_5"],
        }
        if h["qalys"] is not None:
            out.update(
                qalys=h["qalys"]["mean"],
                qalys_p2_5=h["qalys"]["p2_5"],
                qalys_p97_5=h["qalys"]["p97_5"],
                icer=h["icer"],
                net_monetary_benefit=h["net_monetary_benefit"]["mean"],
                probability_cost_effective=h["probability_cost_effective"],
            )
            # At each Dutch reference value per QALY (by burden of disease).
            for r in h["reference_values"]:
                wtp = int(r["willingness_to_pay"])
                out[f"net_monetary_benefit_{wtp}"] = r["net_monetary_benefit"]["mean"]
                out[f"probability_cost_effective_{wtp}"] = r["probability_cost_effective"]
        out["willingness_to_pay"] = h["willingness_to_pay"]
        return pd.Series(out, name=self.arms[self._arm(arm)])

    def plot_who_pays(self, arm: int | str = 1, by: str = "budget", ax: Axes | None = None) -> Axes:
        """Bar chart of each party's net over the horizon with its 95% interval."""
        from . import plot

        return plot.who_pays(self, arm=arm, by=by, ax=ax)

    def __repr__(self) -> str:
        m = self._meta
        lines = [f"<ontschot {type(self).__name__}: {m['scenario']}, {m['iterations']:,} iterations, seed {m['seed']}, {m['years']} years>"]
        for a in range(1, len(self.arms)):
            s = self.who_pays(a)
            lines.append(f"  {self.arms[a]} vs {self.arms[0]} (net over the horizon, + = gains):")
            for name, row in s.iterrows():
                net, lo, hi, p = (_shown(row[k], f) for k, f in [("net", ",.0f"), ("net_p2_5", ",.0f"), ("net_p97_5", ",.0f"), ("probability_gain", ".0%")])
                lines.append(f"    {name:<16} {net:>14}  [{lo}, {hi}]  P(gain) {p}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        m = self._meta
        esc = html.escape
        parts = [
            f"<p><b>{esc(m['scenario'])}</b>: {m['iterations']:,} iterations, seed {m['seed']}, {m['years']} years. "
            "Societal view: euros at reference prices, discounted over the horizon; a net above zero means the "
            "party gains; intervals are 95% intervals across the iterations.</p>"
        ]
        labels = [a["label"] for a in m["arms"]]
        for a in range(1, len(self.arms)):
            parts.append(f"<p><b>{esc(labels[a])}</b> against {esc(labels[0])}</p>")
            s = self.summary(a)
            t = pd.concat([s.xs("payer", level="level"), s.xs("total", level="level")])
            touched = (t[["investment", "savings", "transfers"]].abs() > 0.005).any(axis=1)
            t = t[touched | (t.index == "total")].copy()
            english = {p["name"]: p["label_en"] or p["label"] for p in m["payers"]} | {"total": "All parties together"}
            t["label"] = [english.get(name, label) for name, label in zip(t.index, t["label"])]
            cols = ["label", "investment", "savings", "net", "net_p2_5", "net_p97_5", "probability_gain"]
            if m.get("financed"):  # arrangements in force, as in the report
                cols += ["transfers", "net_after", "probability_gain_after"]
            cols.append("break_even_year")
            parts.append(t[cols].styled("en").hide(axis="index").to_html())
            parts.append(f"<p>{esc(self._health_line(a))}</p>")
        return "\n".join(parts)

    def _health_line(self, arm: int) -> str:
        """What the arm brings people, in a sentence (life-years, and QALYs when valued)."""
        h = self.health(arm)

        def measure(key: str, words: str) -> str:
            return f"{h[key]:+,.1f} {words} (95% interval {h[key + '_p2_5']:,.1f} to {h[key + '_p97_5']:,.1f})"

        line = "For people: " + measure("life_years", "life-years")
        if "qalys" in h:
            line += ", " + measure("qalys", "QALYs")
        return line + ", discounted over the horizon."


class Summaries(_Summarised):
    """What a run shows without its records (:meth:`Scenario.summarise`): per intervention arm
    the societal summary and the budget view, the same numbers to the bit as those of
    :meth:`Scenario.run` with the same settings, in a small part of its memory. The
    tables are those of :class:`Results`: :meth:`summary`, :meth:`who_pays`, :meth:`budget` and
    :meth:`health`, with :meth:`plot_who_pays`, and a notebook shows them as it shows
    :class:`Results`; arrays, the trace and the report need :meth:`Scenario.run`.

    >>> import ontschot
    >>> s = ontschot.seeds.welzijn_op_recept()
    >>> lean = s.summarise(iterations=200, seed=3, progress=False)
    >>> kept = s.run(iterations=200, seed=3, progress=False)
    >>> lean.summary().equals(kept.summary())
    True
    """

    __slots__ = ("_arms", "_meta")

    def __init__(self) -> None:
        raise TypeError("Summaries come from Scenario.summarise()")

    @classmethod
    def _wrap(cls, text: str) -> Summaries:
        data = json.loads(text)
        self = object.__new__(cls)
        object.__setattr__(self, "_meta", data["meta"])
        object.__setattr__(self, "_arms", data["arms"])
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Summaries are read-only")

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # As the core's JSON: summaries sent back from a Dask worker, say, arrive whole.
        return (Summaries._wrap, (json.dumps({"meta": self._meta, "arms": self._arms}),))

    def __eq__(self, other: object) -> bool:
        """Equal when every number and setting is the same."""
        return isinstance(other, Summaries) and (self._meta, self._arms) == (other._meta, other._arms)

    __hash__ = None  # type: ignore[assignment]

    def _summary(self, arm: int | str) -> dict[str, Any]:
        return self._arms[self._arm(arm, intervention=True) - 1]["summary"]  # type: ignore[no-any-return]

    def _budget_view(self, arm: int | str) -> dict[str, Any]:
        return self._arms[self._arm(arm, intervention=True) - 1]["budget"]  # type: ignore[no-any-return]


class Results(_Summarised):
    """The arrays and summaries of one run.

    Money comes in two views. The *societal view* (``array``, ``increment``, ``summary``,
    ``who_pays``) values use at reference prices of the price year, and its summaries discount.
    The *budget view* (``budget``, ``budget_array``, ``array(kind="cash")``) is each party's own
    cash: tariffs, the share of a changed unit that releases cash, indexation to each calendar
    year and own contributions by their rules, nominal and never discounted.

    Flow arrays have axes ``[iteration, year, budget]`` in euros for the whole population,
    undiscounted; effects ``[iteration, year, measure]`` with measure 0 = life-years, 1 = QALYs,
    2 = participant-years, 3 = people starting the intervention.
    Arrays are read-only views of the result's own memory (no copy). Arms and budgets can be given
    by name or index; arm 0 is the comparator (usual care).

    >>> import ontschot
    >>> r = ontschot.seeds.welzijn_op_recept().run(iterations=100, seed=3, progress=False)
    >>> r.increment("zvw").shape   # [iteration, year] for the first intervention
    (100, 3)
    """

    __slots__ = ("_inner", "_meta", "_scenario")

    def __init__(self) -> None:
        raise TypeError("Results come from Scenario.run()")

    @classmethod
    def _wrap(cls, inner: _ontschot.Results) -> Results:
        self = object.__new__(cls)
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_meta", json.loads(inner.meta_json()))
        object.__setattr__(self, "_scenario", None)
        return self

    def _budget(self, budget: int | str) -> int:
        names = self.budgets
        if isinstance(budget, str):
            if budget not in names:
                raise KeyError(f"no budget named {budget!r}; budgets: {', '.join(names)}")
            return names.index(budget)
        if not isinstance(budget, (int, np.integer)) or isinstance(budget, bool):
            raise TypeError(f"a budget is a name or an index, not {type(budget).__name__}")
        index = int(budget)
        if not 0 <= index < len(names):
            raise IndexError(f"budget {index} out of range: the run has {len(names)} budgets")
        return index

    # --- arrays ------------------------------------------------------------------------------
    def array(self, arm: int | str = 1, budget: int | str | None = None, kind: str = "care") -> np.ndarray:
        """Costs of one arm: ``kind`` is ``"care"`` (care use at reference prices),
        ``"programme"`` (the intervention's own costs), or their budget-view counterparts
        ``"cash"`` and ``"cash_programme"`` (nominal cash of each calendar year). Axes
        ``[iteration, year, budget]``, or ``[iteration, year]`` when ``budget`` is given. A
        read-only view, no copy."""
        a = self._arm(arm)
        kinds = {
            "care": self._inner.care,
            "programme": self._inner.programme,
            "cash": self._inner.cash,
            "cash_programme": self._inner.cash_programme,
        }
        if kind not in kinds:
            raise ValueError(f"kind must be one of {', '.join(map(repr, kinds))}, not {kind!r}")
        arr = kinds[kind](a)
        return arr if budget is None else arr[:, :, self._budget(budget)]

    def increment(self, budget: int | str | None = None, arm: int | str = 1) -> np.ndarray:
        """Total costs (care + programme) of ``arm`` minus the comparator's, per iteration and
        year: positive means the budget pays more with the intervention. Axes
        ``[iteration, year, budget]``, or ``[iteration, year]`` for one budget. A read-only view."""
        arr = self._inner.increment(self._arm(arm, intervention=True))
        return arr if budget is None else arr[:, :, self._budget(budget)]

    def effects(self, arm: int | str = 1) -> np.ndarray:
        """Life-years (measure 0), QALYs (1), participant-years (2) and people starting the
        intervention (3), ``[iteration, year, measure]``."""
        return self._inner.effects(self._arm(arm))

    def detail(self, arm: int | str = 1) -> np.ndarray | None:
        """Care costs per category ``[iteration, year, category]``, when run with ``detail=True``."""
        return self._inner.detail(self._arm(arm))

    def transfers(self, arm: int | str = 1) -> np.ndarray | None:
        """Money moved by the financing arrangements in force, ``[iteration, year, budget]``:
        positive where a budget pays, negative where it receives; ``None`` without arrangements."""
        return self._inner.transfers(self._arm(arm))

    def units(self, arm: int | str = 1) -> np.ndarray:
        """Units of care use per category (contacts, days, hours), ``[iteration, year, category]``."""
        return self._inner.units(self._arm(arm))

    def discount_factors(self, of: str = "costs") -> np.ndarray:
        """Discount factor per year, for ``"costs"`` or ``"effects"``, by the scenario's
        ``discount.timing`` (by default year 1 undiscounted)."""
        if of == "costs":
            return np.asarray(self._inner.cost_discount_factors())
        if of == "effects":
            return np.asarray(self._inner.effect_discount_factors())
        raise ValueError(f"of must be 'costs' or 'effects', not {of!r}")

    # --- tables ------------------------------------------------------------------------------
    def _summary(self, arm: int | str) -> dict[str, Any]:
        return json.loads(self._inner.summary_json(self._arm(arm, intervention=True)))  # type: ignore[no-any-return]

    def _budget_view(self, arm: int | str) -> dict[str, Any]:
        return json.loads(self._inner.budget_json(self._arm(arm, intervention=True)))  # type: ignore[no-any-return]

    def free_riders(self, arm: int | str = 1) -> pd.DataFrame:
        """A region's municipalities and insurers, each when every party joins and pays by the
        keys and when it alone stays out (and still receives the savings on its residents or
        members), before arrangements: the societal net (discounted) and its probability of
        gain, the budget view's cash over the horizon, and ``incentive_to_stay_out`` in cash.
        Empty without a ``[region]``."""
        rows = json.loads(self._inner.free_riders_json(self._arm(arm, intervention=True)))
        columns = [
            "party", "label", "kind", "net_joining", "net_free_riding", "probability_gain_joining",
            "probability_gain_free_riding", "cash_joining", "cash_free_riding", "incentive_to_stay_out",
        ]
        return Table(rows, columns=columns)

    def deal(
        self, goal: str = "expected", parties: Sequence[str] | None = None, *, arm: int | str = 1, view: str = "budget"
    ) -> pd.DataFrame:
        """A deal every party can sign: the shares by which ``parties`` (default: all that bear
        risk and that the intervention touches, but the client) pay into a pooled budget that pays the intervention, so that each
        gains. ``goal``: ``"expected"``, ``"probability:P"``, ``"maxmin"`` (the smallest
        probability of gaining as large as it can be) or ``"nash"`` (Nash bargaining). One row
        per party: ``share``, ``bound`` (the largest share that meets the goal), ``net`` and
        ``probability_gain`` at the share. ``df.attrs`` holds ``feasible``, ``message`` and
        ``costs``: when no deal exists the message says which party blocks it, and the rows
        show the closest split."""
        from ._scenario import _names

        d = json.loads(self._inner.deal_json(self._arm(arm, intervention=True), _names(parties or [], "parties"), goal, view))
        df = Table(d["parties"], columns=["party", "label", "share", "bound", "net", "probability_gain"])
        df.attrs.update(feasible=d["feasible"], message=d["message"], costs=d["costs"], probability=d["probability"])
        return df

    def budget_array(self, party: str = "total", arm: int | str = 1) -> np.ndarray:
        """The change in cash of one payer, budget or ``"total"`` per ``[iteration, year]``, in
        nominal euros, after the arrangements in force: positive means the party's cash position
        is better. Computed in Rust and handed to numpy without a copy."""
        return self._inner.budget_array(self._arm(arm, intervention=True), party)

    def to_pandas(self, kind: str = "increment", discounted: bool = False) -> pd.DataFrame:
        """A tidy long frame with columns ``iteration, arm, year, budget, value``.

        ``kind`` is ``"increment"`` (each intervention minus the comparator), ``"costs"`` (care +
        programme per arm), ``"care"`` or ``"programme"``; ``discounted`` applies the cost
        discount factors per year.
        """
        arms = range(1, len(self.arms)) if kind == "increment" else range(len(self.arms))
        frames = []
        factors = self.discount_factors("costs") if discounted else np.ones(len(self.years))
        for a in arms:
            if kind == "increment":
                arr = self.increment(arm=a)
            elif kind == "costs":
                arr = self.array(a, kind="care") + self.array(a, kind="programme")
            elif kind in ("care", "programme"):
                arr = self.array(a, kind=kind)
            else:
                raise ValueError(f"kind must be 'increment', 'costs', 'care' or 'programme', not {kind!r}")
            arr = arr * factors[None, :, None]
            n, y, b = arr.shape
            frames.append(
                pd.DataFrame(
                    {
                        "iteration": np.repeat(np.arange(n), y * b),
                        "arm": self.arms[a],
                        "year": np.tile(np.repeat(np.arange(1, y + 1), b), n),
                        "budget": np.tile(np.asarray(self.budgets, dtype=object), n * y),
                        "value": arr.reshape(-1),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    # --- people, and several strategies --------------------------------------------------------
    def _trace(self) -> dict[str, Any]:
        t = json.loads(self._inner.trace_json())
        if t is None:
            raise ValueError("this run did not keep the trace: run the scenario with scenario.run(trace=True)")
        return t  # type: ignore[no-any-return]

    def trace(self) -> pd.DataFrame:
        """The people in each state at each trace point, per arm, over the iterations: a tidy
        table with columns ``arm``, ``point`` (0 is the start, t the end of cycle t), ``time``
        (years since the start), ``state``, ``label``, ``mean``, ``p2_5``, ``p97_5``. Needs a run
        with ``trace=True``."""
        t = self._trace()
        cycle_years = 1.0 / max(1, round((len(t["arms"][0]["occupancy"]) - 1) / self._meta["years"]))
        rows = []
        for a in t["arms"]:
            for p, states in enumerate(a["occupancy"]):
                for s, st in zip(t["states"], states):
                    rows.append({"arm": a["arm"]["name"], "point": p, "time": p * cycle_years, "state": s["name"], "label": s["label"], "mean": st["mean"], "p2_5": st["p2_5"], "p97_5": st["p97_5"]})
        return Table(rows)

    def events(self) -> pd.DataFrame:
        """The people entering each state per year, per arm (admissions into a hospital state,
        deaths into a dead state): a tidy table with columns ``arm``, ``year``, ``state``,
        ``label``, ``mean``, ``p2_5``, ``p97_5``, and for the interventions ``avoided`` (mean
        entries over the horizon avoided against the comparator, on the year's rows per state the
        same number) with ``avoided_p2_5`` and ``avoided_p97_5``. Needs ``trace=True``."""
        t = self._trace()
        rows = []
        for a in t["arms"]:
            for y, states in enumerate(a["events"]):
                for k, (s, st) in enumerate(zip(t["states"], states)):
                    row = {"arm": a["arm"]["name"], "year": y + 1, "state": s["name"], "label": s["label"], "mean": st["mean"], "p2_5": st["p2_5"], "p97_5": st["p97_5"]}
                    avoided = a["avoided"][k] if a["avoided"] else None
                    row["avoided"] = avoided["mean"] if avoided else float("nan")
                    row["avoided_p2_5"] = avoided["p2_5"] if avoided else float("nan")
                    row["avoided_p97_5"] = avoided["p97_5"] if avoided else float("nan")
                    rows.append(row)
        return Table(rows)

    def avoided(self, arm: int | str = 1) -> pd.DataFrame:
        """Per state, the entries over the horizon in the comparator and in ``arm`` and those the
        intervention avoids (mean and 95% interval), indexed by state. Needs ``trace=True``."""
        index = self._arm(arm, intervention=True)
        t = self._trace()
        a, c = t["arms"][index], t["arms"][0]
        rows = [
            {"state": s["name"], "label": s["label"], "comparator": c["total_events"][k]["mean"], "arm": a["total_events"][k]["mean"], "avoided": a["avoided"][k]["mean"], "avoided_p2_5": a["avoided"][k]["p2_5"], "avoided_p97_5": a["avoided"][k]["p97_5"]}
            for k, s in enumerate(t["states"])
        ]
        return Table(rows).set_index("state")

    def strategies(self) -> pd.DataFrame:
        """Each arm's own discounted totals (not increments): ``cost`` (all budgets), the cost
        of each payer (``cost_<payer>``), ``life_years`` and ``qalys``, means with 95% intervals,
        indexed by arm."""
        s = json.loads(self._inner.strategies_json())
        rows = []
        for a in s["arms"]:
            row: dict[str, Any] = {"arm": a["arm"]["name"], "label": a["arm"]["label"], "cost": a["cost"]["mean"], "cost_p2_5": a["cost"]["p2_5"], "cost_p97_5": a["cost"]["p97_5"]}
            for p, st in zip(s["payers"], a["payers"]):
                row[f"cost_{p['name']}"] = st["mean"]
            row["life_years"] = a["life_years"]["mean"]
            q = a.get("qalys")
            row["qalys"] = q["mean"] if q else float("nan")
            row["qalys_p2_5"] = q["p2_5"] if q else float("nan")
            row["qalys_p97_5"] = q["p97_5"] if q else float("nan")
            rows.append(row)
        return Table(rows).set_index("arm")

    def values_per_year(self) -> pd.DataFrame:
        """Each arm's undiscounted flows per model year (means over the iterations): ``cost``
        (all budgets), ``cost_<payer>``, ``life_years`` and ``qalys``; a tidy table with
        ``arm`` and ``year``."""
        s = json.loads(self._inner.strategies_json())
        rows = []
        for a in s["arms"]:
            for y, v in enumerate(a["years"]):
                row: dict[str, Any] = {"arm": a["arm"]["name"], "year": y + 1, "cost": v["cost"]}
                for p, x in zip(s["payers"], v["payers"]):
                    row[f"cost_{p['name']}"] = x
                row["life_years"] = v["life_years"]
                row["qalys"] = v["qalys"]
                rows.append(row)
        return Table(rows)

    def frontier(self, perspective: str = "society", effect: str = "qalys") -> pd.DataFrame:
        """The efficient frontier from one perspective (``"society"`` or a payer's key, whose
        costs are its own budgets') by ``"qalys"`` or ``"life_years"``: every arm, cheapest first,
        with its mean cost and effect, its ``status`` (``efficient``, ``dominated`` or
        ``extendedly_dominated``), what dominates it, and for an efficient arm after the first
        its ``icer`` against the efficient arm before it."""
        s = json.loads(self._inner.strategies_json())
        found = [f for f in s["frontiers"] if f["perspective"] == perspective and f["effect"] == effect]
        if not found:
            known = sorted({f"{f['perspective']}/{f['effect']}" for f in s["frontiers"]})
            raise ValueError(f"no frontier for {perspective!r} by {effect!r}; there are: {', '.join(known)}")
        rows = []
        for p in found[0]["points"]:
            by = p.get("by") or (" and ".join(p["between"]) if p.get("between") else None)
            rows.append({"arm": p["arm"]["name"], "label": p["arm"]["label"], "cost": p["cost"], "effect": p["effect"], "status": p["status"], "dominated_by": by, "compared_with": p["compared_with"], "icer": p["icer"] if p["icer"] is not None else float("nan")})
        return Table(rows).set_index("arm")

    def acceptability(self, wtp: Sequence[float] | None = None, perspective: str = "society", effect: str = "qalys") -> pd.DataFrame:
        """Per willingness to pay (default 0 to 100,000 euros per unit of effect), the share of
        iterations in which each arm has the highest net monetary benefit (the acceptability
        curves of several strategies, one column per arm) and ``optimal``, the arm with the
        highest mean net benefit: the acceptability frontier follows its column."""
        grid = list(np.linspace(0, 100_000, 41)) if wtp is None else [float(w) for w in wtp]
        out = json.loads(self._inner.acceptability_json(grid, perspective, effect))
        df = pd.DataFrame(out["chances"], columns=self.arms)
        df.insert(0, "wtp", grid)
        df["optimal"] = [self.arms[b] for b in out["best"]]
        return df

    def plot_trace(self, states: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
        """The people in each state over time, one line per arm and state with its 95% band."""
        from . import plot

        return plot.trace(self, states=states, ax=ax)

    def plot_frontier(self, perspective: str = "society", effect: str = "qalys", ax: Axes | None = None) -> Axes:
        """The cost-effectiveness plane of every arm (each iteration a dot, the means as
        markers) with the efficient frontier drawn through the efficient arms."""
        from . import plot

        return plot.frontier(self, perspective=perspective, effect=effect, ax=ax)

    # --- plots (matplotlib, imported when used) ------------------------------------------------
    def plot_cumulative(self, arm: int | str = 1, by: str = "budget", ax: Axes | None = None) -> Axes:
        """Cumulative discounted net per budget (or ``by="payer"``) over the years, with 95% bands."""
        from . import plot

        return plot.cumulative(self, arm=arm, by=by, ax=ax)

    def plot_distribution(self, arm: int | str = 1, by: str = "budget", ax: Axes | None = None) -> Axes:
        """Distribution of each budget's (or ``by="payer"``, each payer's) net over the horizon."""
        from . import plot

        return plot.distribution(self, arm=arm, by=by, ax=ax)

    def report(self, path: str | os.PathLike[str], lang: str = "nl", arm: int | str = 1) -> None:
        """Writes the self-contained HTML report of this run (for boards and councils) to
        ``path``: the answer in plain words, who pays and who benefits, the years, the financing
        arrangements, the deciding assumptions, every assumption with its source, and the method.
        ``lang`` is ``"nl"`` or ``"en"``; ``arm`` the intervention arm reported, by index or name."""
        if self._scenario is None:
            raise ValueError("these results do not know their scenario: run the scenario with scenario.run() first")
        index = self._arm(arm, intervention=True)
        command = f"scenario.run(iterations={self._meta['iterations']}, seed={self._meta['seed']}).report({os.fspath(path)!r}, arm={arm!r})"
        html = self._scenario._inner.report(self._inner, lang, command, index)
        with open(path, "w", encoding="utf-8") as f:
            f.write(html)

    def to_excel(self, path: str | os.PathLike[str], lang: str = "en") -> None:
        """Writes an Excel workbook to ``path``, one sheet per table with words for headers and
        Excel number formats (euros, percentages), for Word and PowerPoint: who pays (societal
        view, per budget, payer and in total), the net per year, each party's cash per calendar
        year (budget view), the financing options side by side (when the scenario has several) and
        every assumption with its source. ``lang`` is ``"en"`` or ``"nl"``. The same workbook as
        ``ontschot run --xlsx``."""
        if self._scenario is None:
            raise ValueError("these results do not know their scenario: run the scenario with scenario.run() first")
        data = self._scenario._inner.excel(self._inner, lang)
        with open(path, "wb") as f:
            f.write(data)

    # --- Python protocol -----------------------------------------------------------------------
    def net(self, arm: int | str = 1) -> np.ndarray:
        """Discounted net over the horizon per iteration and budget (``[iteration, budget]``);
        positive means the budget gains. A new array."""
        inc = self.increment(arm=arm)
        return -(inc * self.discount_factors("costs")[None, :, None]).sum(axis=1)

    def __reduce__(self) -> tuple[Any, tuple[bytes, Scenario | None]]:
        # The scenario travels along, so that report(), to_excel() and merge() work after
        # unpickling (results sent back from a Dask worker, say).
        return (_from_bytes, (bytes(self._inner.to_bytes()), self._scenario))

    @staticmethod
    def merge(parts: Sequence[Results]) -> Results:
        """Joins the results of ranges of one run into the results of the whole run, bit for bit.

        Each part is a run of the same scenario with the same seed and mode over a range of
        iterations (``scenario.run(iterations=n, first_iteration=k)``); the ranges must follow
        each other, in any order. The ranges can run in other processes or on other machines
        (see ``docs/scale.md``).

        >>> import ontschot
        >>> s = ontschot.seeds.welzijn_op_recept()
        >>> parts = [s.run(iterations=50, first_iteration=k, seed=1, progress=False) for k in (50, 0)]
        >>> ontschot.Results.merge(parts) == s.run(iterations=100, seed=1, progress=False)
        True
        """
        parts = list(parts)
        if not parts or not all(isinstance(p, Results) for p in parts):
            raise TypeError("merge takes a non-empty list of Results")
        scenario = parts[0]._scenario
        if scenario is None or any(p._scenario is None for p in parts):
            raise ValueError("these results do not know their scenario: run them with scenario.run()")
        if any(p._scenario != scenario for p in parts[1:]):
            raise ValueError("the results come from different scenarios: merge ranges of one run")
        merged = Results._wrap(scenario._inner.merge([p._inner for p in parts]))
        object.__setattr__(merged, "_scenario", scenario)
        return merged

    def __eq__(self, other: object) -> bool:
        """Equal when every number and setting is the same, bit for bit."""
        return isinstance(other, Results) and bytes(self._inner.to_bytes()) == bytes(other._inner.to_bytes())

    __hash__ = None  # type: ignore[assignment]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Results are read-only")


def _from_bytes(data: bytes, scenario: Scenario | None = None) -> Results:
    results = Results._wrap(_ontschot.Results.from_bytes(data))
    object.__setattr__(results, "_scenario", scenario)
    return results
