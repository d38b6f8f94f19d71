"""Financing arrangements from Python: the solver, comparisons, transfers."""

import json
import subprocess

import numpy as np
import pytest

import ontschot
from conftest import ROOT


def test_solver_gives_the_same_answer_as_the_cli(cli, tmp_path):
    out = tmp_path / "solve.json"
    args = ["--alternative", "shared_savings_wlz", "--arrangement", "1", "--term", "share", "--goal", "proportional"]
    subprocess.run([cli, "solve", ROOT / "seeds" / "samenoud.toml", "-n", "500", "--seed", "3", "--json", out, "-q", *args], check=True, capture_output=True)
    expected = json.loads(out.read_text())
    s = ontschot.seeds.samenoud()
    answer = s.solve("share", "proportional", alternative="shared_savings_wlz", arrangement=1, iterations=500, seed=3, progress=False)
    assert answer.proposal == expected["proposal"]
    assert answer.message == expected["message"]
    assert list(answer.payers.index) == ["insurer", "municipality", "care_office", "client", "grant_funder"]


def test_an_infeasible_goal_says_why_and_proposes_nothing():
    s = ontschot.seeds.samenoud()
    answer = s.solve("share", "expected", alternative="shared_savings_wlz", arrangement=1, iterations=300, progress=False)
    assert answer.proposal is None and answer.feasible == []
    assert "loses money in total" in str(answer)
    with pytest.raises(ontschot.ScenarioError, match="has no term 'price'"):
        s.solve("price", alternative="shared_savings_wlz", arrangement=1, iterations=10, progress=False)
    with pytest.raises(ValueError, match="goal must be"):
        s.solve("share", "sometimes")


def test_a_probability_goal_finds_a_range():
    # A cheap coach makes Welzijn op Recept pay for itself often enough to share.
    s = ontschot.seeds.welzijn_op_recept().with_values({"coach_trajectory_cost": 40.0})
    answer = s.solve("share", 0.3, alternative="shared_savings", iterations=400, seed=5, progress=False)
    assert answer.proposal is not None and answer.feasible, answer.message
    lo, hi = answer.feasible[0]
    assert 0.0 <= lo <= answer.proposal <= hi <= 1.0
    assert (answer.payers["probability_no_loss"] >= 0.3).all()


def test_comparison_keeps_the_total_and_names_every_option():
    table = ontschot.seeds.welzijn_op_recept().compare(iterations=300, progress=False)
    assert list(dict.fromkeys(table["option"])) == ["none", "shared_savings", "per_gp_contact_avoided", "solver_proportional"]
    totals = table[table["level"] == "total"]["net"].to_numpy()
    np.testing.assert_allclose(totals, totals[0], rtol=1e-9)
    both = ontschot.compare([("base", ontschot.seeds.welzijn_op_recept()), ("cheap", ontschot.seeds.welzijn_op_recept().with_values({"coach_trajectory_cost": 100.0}))], iterations=200, progress=False)
    assert set(both["scenario"]) == {"base", "cheap"}
    base = both[(both.scenario == "base") & (both.option == "none") & (both.payer == "insurer")]["net"].item()
    cheap = both[(both.scenario == "cheap") & (both.option == "none") & (both.payer == "insurer")]["net"].item()
    assert base == pytest.approx(cheap, rel=1e-12), "the insurer's care savings do not depend on the coach's price (same draws)"
    import matplotlib.pyplot as plt

    ax = ontschot.plot.compare(table)
    assert ax.has_data()
    plt.close("all")


def test_transfers_only_move_money_and_show_before_and_after():
    r = ontschot.seeds.samenoud().run(iterations=200, seed=1, progress=False)
    t = r.transfers()
    assert t.shape == (200, 5, len(r.budgets))
    np.testing.assert_allclose(t.sum(axis=2), 0.0, atol=1e-6)
    assert np.shares_memory(r.transfers(), r.transfers())
    assert np.all(r.transfers(0) == 0)
    after = r.who_pays(by="payer", after=True)
    assert after["net_after"].sum() == pytest.approx(r.summary().loc[("total", "total"), "net"], rel=1e-9)
    assert r.units().shape == (200, 5, len(r.categories))
    assert ontschot.seeds.welzijn_op_recept().run(iterations=5, progress=False).transfers() is None
