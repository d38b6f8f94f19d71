"""Scenario.summarise: the summaries of a run without its records, equal to those of a kept run."""

from __future__ import annotations

import re

import pytest

import ontschot


@pytest.mark.parametrize("name", ["samenoud", "region_samenoud", "welzijn_op_recept"])
def test_the_tables_equal_those_of_a_kept_run(name: str) -> None:
    scenario = ontschot.seeds.load(name)
    # Several blocks of iterations, the last one shorter, and a range of a larger run.
    lean = scenario.summarise(iterations=3000, seed=8, first_iteration=11, progress=False)
    kept = scenario.run(iterations=3000, seed=8, first_iteration=11, progress=False)
    assert lean.iterations == 3000
    assert lean.meta == kept.meta
    for by in ("budget", "payer", "party"):
        assert lean.who_pays(by=by, after=True).equals(kept.who_pays(by=by, after=True))
        assert lean.budget(by=by).equals(kept.budget(by=by))
    assert lean.summary().equals(kept.summary())
    assert lean.budget(by="total").equals(kept.budget(by="total"))
    assert lean.health().equals(kept.health())
    for names in ("budgets", "payers", "categories", "years", "calendar_years"):
        assert getattr(lean, names) == getattr(kept, names)
    # In a notebook both show the same tables (pandas gives each styled table a random id).
    def page(x: ontschot.Results | ontschot.Summaries) -> str:
        return re.sub(r"T_[0-9a-f]+", "T_", x._repr_html_())

    assert page(lean) == page(kept)
    assert repr(lean) == repr(kept).replace("<ontschot Results:", "<ontschot Summaries:", 1)


def test_the_who_pays_chart_draws_from_summaries() -> None:
    import matplotlib.pyplot as plt

    s = ontschot.seeds.samenoud().summarise(iterations=200, seed=4, progress=False)
    for by in ("budget", "payer"):
        ax = s.plot_who_pays(by=by)
        # One bar per party the intervention touches, at its mean net.
        touched = s.who_pays(by=by)
        touched = touched[(touched[["investment", "savings"]].abs() > 0.005).any(axis=1)]
        assert [round(p.get_height(), 6) for p in ax.patches] == [round(x, 6) for x in touched["net"]]
        plt.close(ax.figure)


def test_progress_is_reported_and_arms_are_checked() -> None:
    calls: list[tuple[int, int]] = []
    s = ontschot.seeds.welzijn_op_recept().summarise(
        iterations=500, seed=1, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (500, 500)
    with pytest.raises(ValueError, match="is the comparator"):
        s.summary(0)
    with pytest.raises(KeyError, match="no arm named 'nobody'"):
        s.summary("nobody")
    with pytest.raises(AttributeError, match="read-only"):
        s.x = 1  # type: ignore[attr-defined]


def test_summaries_pickle_whole() -> None:
    import pickle

    s = ontschot.seeds.samenoud().summarise(iterations=200, seed=2, progress=False)
    back = pickle.loads(pickle.dumps(s))
    assert back == s
    assert back.who_pays(by="payer").equals(s.who_pays(by="payer"))
    assert back != ontschot.seeds.samenoud().summarise(iterations=200, seed=3, progress=False)


def test_bad_settings_name_the_field() -> None:
    with pytest.raises(ontschot.OntschotError, match="iterations"):
        ontschot.seeds.samenoud().summarise(iterations=0, progress=False)
    with pytest.raises(ontschot.OntschotError, match="above the limit"):
        ontschot.seeds.samenoud().summarise(iterations=10_000_000, max_memory=0.001, progress=False)
