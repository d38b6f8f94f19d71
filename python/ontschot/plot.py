"""Plots of results (matplotlib, imported only when a plot is made). Each returns its Axes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from ._results import Results


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(8, 4))
    return ax


def who_pays(results: Results, arm: int | str = 1, by: str = "budget", ax: Axes | None = None) -> Axes:
    """Net over the horizon per budget or payer, with 95% interval; above zero the party gains."""
    ax = _axes(ax)
    t = results.who_pays(arm, by=by)
    x = np.arange(len(t))
    net = t["net"].to_numpy(float)
    lo = net - t["net_p2_5"].to_numpy(float)
    hi = t["net_p97_5"].to_numpy(float) - net
    colours = ["tab:green" if v >= 0 else "tab:red" for v in net]
    ax.bar(x, net, color=colours, yerr=np.vstack([lo, hi]), capsize=4)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, list(t["label"]))
    ax.set_ylabel("net over the horizon (EUR, discounted)")
    ax.set_title(f"Who pays and who benefits: {results.arms[results._arm(arm)]}")
    return ax


def cumulative(results: Results, arm: int | str = 1, ax: Axes | None = None) -> Axes:
    """Cumulative discounted net per budget over the years, mean and 95% band."""
    ax = _axes(ax)
    inc = results.increment(arm=arm)
    net = -np.cumsum(inc * results.discount_factors("costs")[None, :, None], axis=1)
    years = results.years
    labels = [b["label"] for b in results.meta["budgets"]]
    for b, label in enumerate(labels):
        mean = net[:, :, b].mean(axis=0)
        lo, hi = np.percentile(net[:, :, b], [2.5, 97.5], axis=0)
        (line,) = ax.plot(years, mean, marker="o", label=label)
        ax.fill_between(years, lo, hi, color=line.get_color(), alpha=0.15)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel("cumulative net (EUR, discounted)")
    ax.set_xticks(years)
    ax.legend()
    return ax


def distribution(results: Results, arm: int | str = 1, ax: Axes | None = None) -> Axes:
    """Histogram of each budget's discounted net over the horizon across iterations."""
    ax = _axes(ax)
    net = results.net(arm)
    labels = [b["label"] for b in results.meta["budgets"]]
    for b, label in enumerate(labels):
        ax.hist(net[:, b], bins=50, alpha=0.5, label=label)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("net over the horizon (EUR, discounted)")
    ax.set_ylabel("iterations")
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
