"""Sensitivity and value of information from Python."""

import matplotlib.pyplot as plt
import pytest

import ontschot


def test_tornado_ranks_parameters_and_plots():
    t = ontschot.seeds.samenoud().tornado("insurer")
    assert list(t.columns) == ["label", "label_nl", "low_value", "high_value", "net_low", "net_high", "swing"]
    assert t["swing"].is_monotonic_decreasing
    assert t.attrs["party"] == "insurer"
    given = ontschot.seeds.samenoud().tornado("insurer", {"uptake": (0.2, 0.8)})
    assert tuple(given.loc["uptake", ["low_value", "high_value"]]) == (0.2, 0.8)
    assert ontschot.plot.tornado(t).has_data()
    with pytest.raises(ontschot.ScenarioError, match="no budget or payer named 'bank'"):
        ontschot.seeds.samenoud().tornado("bank")
    plt.close("all")


def test_two_way_grid_and_heatmap():
    g = ontschot.seeds.samenoud().two_way("uptake", [0.3, 0.6], "rr_hospital", [0.9, 1.1], "insurer", iterations=100)
    assert len(g) == 4 and set(g.columns) == {"uptake", "rr_hospital", "mean", "probability"}
    worse = g[(g.uptake == 0.6) & (g.rr_hospital == 1.1)]["mean"].item()
    better = g[(g.uptake == 0.6) & (g.rr_hospital == 0.9)]["mean"].item()
    assert better > worse
    assert ontschot.plot.two_way(g).has_data()
    plt.close("all")


def test_sensitivity_value_of_information_and_acceptability():
    s = ontschot.seeds.samenoud().sensitivity(iterations=1000, seed=2, group=["rr_nursing_home"], progress=False)
    assert s.first_order.index[0] == "rr_nursing_home", s.first_order.head()
    assert (s.evpi["value"] >= 0).all() and "society" in s.evpi.index
    assert (s.evppi["value"] <= s.evpi["value"] + 1e-6).all(), "partial information is worth at most perfect information"
    results = ontschot.seeds.samenoud().run(iterations=1000, seed=2, progress=False)
    assert s.acceptability.loc[0.0, "society"] == results.summary().loc[("total", "total"), "probability_gain"]
    assert ontschot.plot.acceptability(s.acceptability).has_data()
    plt.close("all")


def test_payer_acceptability_over_a_shared_savings_share():
    c = ontschot.seeds.samenoud().acceptability_by_term("share", [0.0, 0.5, 1.0], alternative="shared_savings_wlz", arrangement=1, iterations=300, progress=False)
    insurer = c[c.payer == "insurer"]["probability_no_loss"].to_list()
    assert insurer == sorted(insurer), "the more the care office passes on, the likelier the insurer breaks even"


def test_variants_run_on_the_same_draws():
    s = ontschot.seeds.samenoud()
    table = s.variants(iterations=200)
    assert list(dict.fromkeys(table["option"]))[0] == "base"
    assert len(set(table["option"])) == 1 + len(s.to_dict().get("variants", []))
