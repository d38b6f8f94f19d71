"""Sensitivity analysis and value of information, per payer: tables and plots."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._table import Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True)
class Sensitivity:
    """Global sensitivity and value of information from one Monte Carlo run.

    Attributes:
        first_order: share of the variance of each party's net explained by each parameter alone
            (rows: parameters, columns: budgets, payers, ``total``).
        evpi: expected value of perfect information per decision maker (``value`` for the whole
            population over the horizon, ``per_person``), and the decision now.
        evppi: the same for the group of parameters asked for, or ``None``.
        acceptability: probability the intervention is worth it per willingness to pay, for
            society and for health care, or ``None`` without QALYs.
    """

    first_order: pd.DataFrame
    evpi: pd.DataFrame
    evppi: pd.DataFrame | None
    acceptability: pd.DataFrame | None

    @classmethod
    def _from_json(cls, text: str) -> Sensitivity:
        d = json.loads(text)
        parties = d["parties"]
        first = pd.DataFrame([f["index"] for f in d["first_order"]], index=[f["parameter"] for f in d["first_order"]], columns=parties)
        first.insert(0, "label", [f["label_en"] for f in d["first_order"]])
        first.insert(1, "label_nl", [f["label"] for f in d["first_order"]])
        first = first.sort_values("total", ascending=False)
        first.index.name = "parameter"
        evpi = pd.DataFrame(d["evpi"]).set_index("party")
        evppi = pd.DataFrame(d["evppi"]).set_index("party") if d["evppi"] is not None else None
        curve = pd.DataFrame(d["acceptability"]).set_index("willingness_to_pay") if d["acceptability"] is not None else None
        return cls(first, evpi, evppi, curve)


def tornado_frame(text: str) -> pd.DataFrame:
    d = json.loads(text)
    k = d["parties"].index(d["ranked_by"])
    rows = [
        {
            "parameter": b["parameter"],
            "label": b["label_en"],
            "label_nl": b["label"],
            "low_value": b["values"][0],
            "high_value": b["values"][1],
            "net_low": b["low"][k],
            "net_high": b["high"][k],
            "swing": b["swing"],
        }
        for b in d["bars"]
    ]
    df = Table(rows).set_index("parameter")
    df.attrs["base"] = d["base"][k]
    df.attrs["party"] = d["ranked_by"]
    return df


def two_way_frame(text: str) -> pd.DataFrame:
    d = json.loads(text)
    (xn, xs), (yn, ys) = d["x"], d["y"]
    rows = [
        {xn: xv, yn: yv, "mean": d["mean"][r][c], "probability": d["probability"][r][c]}
        for r, xv in enumerate(xs)
        for c, yv in enumerate(ys)
    ]
    df = pd.DataFrame(rows)
    df.attrs.update(x=xn, y=yn, party=d["party"])
    return df


def plot_tornado(df: pd.DataFrame, top: int = 10, ax: Axes | None = None) -> Axes:
    """Horizontal bars from the base case to the net at each parameter's low and high value."""
    import matplotlib.pyplot as plt

    from .plot import _euro_axis

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.4 * min(top, len(df)) + 1.5))
    t = df.head(top).iloc[::-1]
    base = df.attrs.get("base", 0.0)
    y = np.arange(len(t))
    # Greys: colour means a party in every other plot, and low/high are not parties.
    ax.barh(y, t["net_low"] - base, left=base, color="#BBBBBB", label="low value")
    ax.barh(y, t["net_high"] - base, left=base, color="#444444", label="high value")
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_yticks(y, list(t["label"]) if "label" in t else list(t.index))
    _euro_axis(ax, "x")
    party = df.attrs.get("party", "total")
    ax.set_xlabel(f"net of {party} (EUR, discounted); the line is the base case")
    ax.set_title(f"Which assumptions decide the net of {party}")
    ax.legend()
    return ax


def plot_two_way(df: pd.DataFrame, value: str = "probability", ax: Axes | None = None) -> Axes:
    """Heatmap of a two-way grid: ``value`` is ``"probability"`` or ``"mean"``."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    x, y = df.attrs["x"], df.attrs["y"]
    grid = df.pivot(index=x, columns=y, values=value)
    im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="cividis")
    ax.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(df.attrs.get("y_label", y))
    ax.set_ylabel(df.attrs.get("x_label", x))
    what = "chance of gaining" if value == "probability" else "expected net (EUR, discounted)"
    ax.figure.colorbar(im, ax=ax, label=f"{what} of {df.attrs.get('party', '')}")
    ax.set_title(f"{df.attrs.get('x_label', x)} against {df.attrs.get('y_label', y)}")
    return ax


def plot_acceptability(curve: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The acceptability curve for society and for health care."""
    import matplotlib.pyplot as plt

    from .plot import _euro_axis

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    ax.plot(curve.index, curve["society"], marker="o", label="society")
    ax.plot(curve.index, curve["health_care"], marker="s", label="health care")
    ax.set_ylim(0, 1)
    _euro_axis(ax, "x")
    ax.set_xlabel("willingness to pay per QALY (EUR)")
    ax.set_ylabel("probability worth it")
    ax.legend()
    return ax
