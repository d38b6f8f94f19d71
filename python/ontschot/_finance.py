"""Financing: the split solver's answer and side-by-side comparisons of arrangements."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._table import Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._scenario import Scenario


@dataclass(frozen=True)
class Solution:
    """The solver's answer for one term of one arrangement.

    Attributes:
        term: the term varied (``share``, ``amount``, ``price``, ...).
        goal: ``"expected_gain"``, ``"probability"`` or ``"proportional"``.
        feasible: the ranges of values that meet the goal (empty when none does).
        proposal: the proposed value, or ``None`` when no value meets the goal.
        message: the answer in a sentence, including why there is none.
        payers: per payer at the proposal (or the closest value): mean net after the
            arrangements, probability of no loss, and the proportional part where asked.
    """

    term: str
    goal: str
    feasible: list[tuple[float, float]]
    proposal: float | None
    message: str
    payers: pd.DataFrame = field(repr=False)

    @classmethod
    def _from_json(cls, text: str) -> Solution:
        d = json.loads(text)
        goal = d["goal"] if isinstance(d["goal"], str) else next(iter(d["goal"]))
        payers = pd.DataFrame(d["payers"]).set_index("name")
        return cls(d["term"], goal, [tuple(r) for r in d["feasible"]], d["proposal"], d["message"], payers)

    def __str__(self) -> str:
        return self.message


def _frame(options: list[dict[str, Any]], scenario: str) -> pd.DataFrame:
    rows = []
    for o in options:
        s = o["summary"]
        for level, items in (("payer", s["payers"]), ("total", [s["total"]])):
            for f in items:
                rows.append(
                    {
                        "scenario": scenario,
                        "option": o["name"],
                        "option_label": o["label"],
                        "hypothetical": o.get("hypothetical", False),
                        "level": level,
                        "payer": f["name"],
                        "label": f["label"],
                        "net": f["net_after"]["mean"],
                        "net_p2_5": f["net_after"]["p2_5"],
                        "net_p97_5": f["net_after"]["p97_5"],
                        "probability_gain": f["probability_gain_after"],
                    }
                )
    return pd.DataFrame(rows)


def compare(
    scenarios: Scenario | Iterable[Scenario | tuple[str, Scenario]],
    iterations: int | None = None,
    seed: int | None = None,
    *,
    arm: int = 1,
    threads: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Financing options side by side, per payer: expected net after the arrangements, its 95%
    interval and the probability of gaining.

    Each scenario contributes every option it has (no arrangement, the arrangements in force, its
    alternatives); several scenarios (variants) run with the same seed, so every parameter they
    share gets the same draws. Give ``(label, scenario)`` pairs to name variants.
    """
    from ._progress import resolve
    from ._scenario import Scenario, _counts

    iterations, seed, threads = _counts(iterations=iterations, seed=seed, threads=threads)
    if isinstance(scenarios, str):
        raise TypeError("compare takes scenarios (ontschot.seeds.samenoud(), Scenario.from_file(...)), not a name")
    items: Sequence[Scenario | tuple[str, Scenario]] = [scenarios] if isinstance(scenarios, Scenario) else list(scenarios)
    if not items:
        raise ValueError("compare needs at least one scenario")
    frames = []
    for item in items:
        label, s = item if isinstance(item, tuple) else (item.name, item)
        callback = resolve(progress, label)
        options = json.loads(s._inner.compare(arm, iterations, seed, threads, callback))
        frames.append(_frame(options, label))
    return Table(pd.concat(frames, ignore_index=True))


def plot_compare(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bars per option and payer with 95% intervals, from :func:`compare`."""
    import matplotlib.pyplot as plt
    import numpy as np

    from .plot import _euro_axis

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    t = table[table["level"] == "payer"]
    options = list(dict.fromkeys(zip(t["scenario"], t["option_label"])))
    payers = list(dict.fromkeys(t["label"]))
    width = 0.8 / max(len(options), 1)
    x = np.arange(len(payers))
    for k, (scenario, option) in enumerate(options):
        sub = t[(t["scenario"] == scenario) & (t["option_label"] == option)].set_index("label").reindex(payers)
        net = sub["net"].to_numpy(float)
        err = np.vstack([net - sub["net_p2_5"].to_numpy(float), sub["net_p97_5"].to_numpy(float) - net])
        name = option if len({s for s, _ in options}) == 1 else f"{scenario}: {option}"
        # Greys and hatches: colour stays the sign of a party in every plot, options are not parties.
        grey = str(0.25 + 0.55 * k / max(len(options) - 1, 1))
        hatch = [None, "//", "..", "xx", "\\\\"][k % 5]
        ax.bar(x + (k - (len(options) - 1) / 2) * width, net, width, color=grey, hatch=hatch, edgecolor="white", label=name)
        ax.errorbar(x + (k - (len(options) - 1) / 2) * width, net, yerr=err, fmt="none", ecolor="black", capsize=3)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, payers)
    _euro_axis(ax)
    ax.set_ylabel("net after arrangements (EUR, discounted)")
    ax.set_title("Financing options per party: mean net, whiskers: 95% interval")
    ax.legend(fontsize="small")
    return ax
