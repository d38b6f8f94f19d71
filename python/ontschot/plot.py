"""Plots of results (matplotlib, imported only when a plot is made). Each returns its Axes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    from matplotlib.axes import Axes

    from ._results import Results, _Summarised


# Okabe & Ito (2008), safe for the common forms of colour blindness; black is kept for lines at 0.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(8, 4))
    return ax


def _euro_axis(ax: Axes, axis: str = "y") -> None:
    """Ticks in euros with thousands separators, the same notation as the tables."""
    from matplotlib.ticker import FuncFormatter

    from . import format as fmt

    ticks = FuncFormatter(lambda x, _: fmt.euro_short(x, "en"))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(ticks)


def party_styles(results: _Summarised, by: str = "budget") -> list[dict[str, Any]]:
    """Colour and line style of each budget (``by="budget"``) or payer (``by="payer"``), in the
    order of ``results.budgets`` or ``results.payers``. A payer keeps one colour in every plot; a
    payer's second budget gets its colour with dashes and hatching, so Wmo and Jeugdwet stay
    apart while both read as the municipality's."""
    if by == "payer":
        return [{"color": PALETTE[k % len(PALETTE)], "linestyle": "-", "hatch": None} for k in range(len(results.payers))]
    if by == "party":  # a region's municipalities and insurers: one colour each
        return [{"color": PALETTE[k % len(PALETTE)], "linestyle": "-", "hatch": None} for k in range(len(results.meta["parties"]))]
    if by != "budget":
        raise ValueError(f"by must be 'budget', 'payer' or 'party', not {by!r}")
    seen: dict[int, int] = {}
    styles = []
    for b in results.meta["budgets"]:
        k = int(b["payer"])
        n = seen.get(k, 0)
        seen[k] = n + 1
        styles.append(
            {"color": PALETTE[k % len(PALETTE)], "linestyle": ["-", "--", ":", "-."][n % 4], "hatch": [None, "//", "..", "xx"][n % 4]}
        )
    return styles


def _labels(results: Results, by: str) -> list[str]:
    meta = results.meta
    if by == "payer":
        return [p["label_en"] or p["label"] for p in meta["payers"]]
    return [b["label"] for b in meta["budgets"]]


def _by_party(arr: np.ndarray, results: Results, by: str) -> np.ndarray:
    """Sums the budget axis (last) into payers when ``by="payer"``."""
    if by == "budget":
        return arr
    if by != "payer":
        raise ValueError(f"by must be 'budget' or 'payer', not {by!r}")
    owner = [int(b["payer"]) for b in results.meta["budgets"]]
    out = np.zeros(arr.shape[:-1] + (len(results.payers),))
    for b, k in enumerate(owner):
        out[..., k] += arr[..., b]
    return out


def _touched(arr: np.ndarray) -> list[int]:
    """Parties with any flow: an untouched party is left out of the legend."""
    flat = arr.reshape(-1, arr.shape[-1])
    return [k for k in range(flat.shape[1]) if np.abs(flat[:, k]).max() > 0.005]


def who_pays(results: _Summarised, arm: int | str = 1, by: str = "budget", ax: Axes | None = None) -> Axes:
    """Net over the horizon per budget or payer (mean, with the 95% interval as whiskers); above
    zero the party gains. Takes :class:`Results` or :class:`Summaries`."""
    ax = _axes(ax)
    t = results.who_pays(arm, by=by)
    styles = party_styles(results, by)
    names = {"payer": results.payers, "party": [p["name"] for p in results.meta["parties"]]}.get(by, results.budgets)
    touched = [k for k, name in enumerate(names) if (t.loc[name, ["investment", "savings"]].abs() > 0.005).any()]
    t = t.iloc[touched]
    x = np.arange(len(t))
    net = t["net"].to_numpy(float)
    lo = net - t["net_p2_5"].to_numpy(float)
    hi = t["net_p97_5"].to_numpy(float) - net
    for i, k in enumerate(touched):
        ax.bar(x[i], net[i], color=styles[k]["color"], hatch=styles[k]["hatch"], edgecolor="white")
    ax.errorbar(x, net, yerr=np.vstack([lo, hi]), fmt="none", ecolor="black", capsize=4, label="95% interval")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, list(t["label"]))
    _euro_axis(ax)
    ax.set_ylabel("net over the horizon (EUR, discounted)")
    arm_label = results.meta["arms"][results._arm(arm)]["label"]
    ax.set_title(f"Who pays and who benefits: {arm_label}\nabove 0 the party gains; whiskers: 95% interval")
    ax.legend(loc="best")
    return ax


def cumulative(results: Results, arm: int | str = 1, by: str = "budget", ax: Axes | None = None) -> Axes:
    """Cumulative discounted net per budget or payer over the years: the mean and its 95% band."""
    ax = _axes(ax)
    inc = results.increment(arm=arm)
    net = _by_party(-np.cumsum(inc * results.discount_factors("costs")[None, :, None], axis=1), results, by)
    years = results.years
    styles = party_styles(results, by)
    labels = _labels(results, by)
    for k in _touched(net):
        mean = net[:, :, k].mean(axis=0)
        lo, hi = np.percentile(net[:, :, k], [2.5, 97.5], axis=0)
        ax.plot(years, mean, marker="o", color=styles[k]["color"], linestyle=styles[k]["linestyle"], label=labels[k])
        ax.fill_between(years, lo, hi, color=styles[k]["color"], alpha=0.15)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("year")
    _euro_axis(ax)
    ax.set_ylabel("cumulative net (EUR, discounted)")
    ax.set_xticks(years)
    arm_label = results.meta["arms"][results._arm(arm)]["label"]
    ax.set_title(f"Cumulative net: {arm_label}\nlines: mean; bands: 95% interval")
    ax.legend()
    return ax


def distribution(results: Results, arm: int | str = 1, by: str = "budget", ax: Axes | None = None) -> Axes:
    """Histogram of each budget's or payer's discounted net over the horizon across iterations."""
    ax = _axes(ax)
    net = _by_party(results.net(arm), results, by)
    styles = party_styles(results, by)
    labels = _labels(results, by)
    for k in _touched(net):
        ax.hist(net[:, k], bins=50, alpha=0.5, color=styles[k]["color"], hatch=styles[k]["hatch"], label=labels[k])
    ax.axvline(0, color="black", linewidth=0.8)
    _euro_axis(ax, "x")
    ax.set_xlabel("net over the horizon (EUR, discounted)")
    ax.set_ylabel("iterations")
    arm_label = results.meta["arms"][results._arm(arm)]["label"]
    ax.set_title(f"Spread of the net across {results.iterations:,} iterations: {arm_label}")
    ax.legend()
    return ax


def compare(table: "pd.DataFrame", ax: Axes | None = None) -> Axes:
    """Financing options side by side per payer, from :func:`ontschot.compare`."""
    from ._finance import plot_compare

    return plot_compare(table, ax=ax)


def tornado(table: "pd.DataFrame", top: int = 10, ax: Axes | None = None) -> Axes:
    """A tornado diagram from :meth:`Scenario.tornado`."""
    from ._sensitivity import plot_tornado

    return plot_tornado(table, top=top, ax=ax)


def two_way(table: "pd.DataFrame", value: str = "probability", ax: Axes | None = None) -> Axes:
    """A heatmap from :meth:`Scenario.two_way`."""
    from ._sensitivity import plot_two_way

    return plot_two_way(table, value=value, ax=ax)


def acceptability(curve: "pd.DataFrame", ax: Axes | None = None) -> Axes:
    """The acceptability curve from :meth:`Scenario.sensitivity` (``.acceptability``)."""
    from ._sensitivity import plot_acceptability

    return plot_acceptability(curve, ax=ax)


def trace(results: Results, states: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """People per state over time per arm (from :meth:`Results.trace`): one colour per state,
    the comparator dashed, 95% bands."""
    ax = _axes(ax)
    t = results.trace()
    names = list(dict.fromkeys(t["state"])) if states is None else list(states)
    unknown = [n for n in names if n not in set(t["state"])]
    if unknown:
        raise KeyError(f"no state named {unknown[0]!r}; states: {', '.join(dict.fromkeys(t['state']))}")
    arms = results.arms
    for k, state in enumerate(names):
        for a, arm in enumerate(arms):
            rows = t[(t["state"] == state) & (t["arm"] == arm)]
            colour = PALETTE[k % len(PALETTE)]
            style = "--" if a == 0 else "-"
            ax.plot(rows["time"], rows["mean"], style, color=colour, label=f"{rows['label'].iloc[0]} ({arm})")
            ax.fill_between(rows["time"], rows["p2_5"], rows["p97_5"], color=colour, alpha=0.12, linewidth=0)
    ax.set_xlabel("years since the start")
    ax.set_ylabel("people")
    ax.set_title("People per state (mean, 95% interval); comparator dashed")
    ax.legend(fontsize="small")
    return ax


def frontier(results: Results, perspective: str = "society", effect: str = "qalys", ax: Axes | None = None) -> Axes:
    """The cost-effectiveness plane with the efficient frontier (from :meth:`Results.frontier`):
    each iteration of each arm a dot, each arm's mean a marker, the frontier a line."""
    ax = _axes(ax)
    table = results.frontier(perspective, effect)
    costs_df = results.strategies()
    measure = {"qalys": 1, "life_years": 0}[effect]
    df, de = results.discount_factors("costs"), results.discount_factors("effects")
    budgets = results.meta["budgets"]
    payer = None if perspective == "society" else results.payers.index(perspective)
    keep = [b for b, info in enumerate(budgets) if payer is None or info["payer"] == payer]
    for a, arm in enumerate(results.arms):
        money = results.array(kind="care", arm=a)[:, :, keep] + results.array(kind="programme", arm=a)[:, :, keep]
        cost = (money.sum(axis=2) * df).sum(axis=1)
        eff = (results.effects(a)[:, :, measure] * de).sum(axis=1)
        colour = PALETTE[a % len(PALETTE)]
        ax.scatter(eff, cost, s=4, alpha=0.25, color=colour, linewidths=0)
        ax.scatter([np.mean(eff)], [np.mean(cost)], s=60, color=colour, edgecolors="black", label=str(costs_df.loc[arm, "label"]), zorder=3)
    efficient = table[table["status"] == "efficient"]
    ax.plot(efficient["effect"], efficient["cost"], "-", color="black", linewidth=1, label="efficient frontier")
    _euro_axis(ax)
    ax.set_xlabel(effect.replace("_", "-"))
    who = "society" if payer is None else results.meta["payers"][payer]["label_en"] or perspective
    ax.set_ylabel(f"costs of {who}")
    ax.set_title("Cost-effectiveness plane: each iteration a dot, the means as markers")
    ax.legend(fontsize="small")
    return ax
