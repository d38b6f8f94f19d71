"""The modeller's toolkit from Python: expressions and derived values, each arm's own totals,
the frontier, the acceptability of several strategies, the trace and the events."""



import numpy as np
import pytest

import ontschot

tomllib = pytest.importorskip("tomllib")

THREE_ARMS = """
name = "three strategies"
horizon_years = 10
cycle_convention = "end"
[discount]
costs = 0.03
effects = 0.03
timing = "end"
[population]
size = 1
start_age = 60
[parameters.r_death]
dist = "gamma"
mean = 0.05
sd = 0.01
[parameters.hr_cheap]
dist = "lognormal"
median = 0.9
ci = [0.8, 1.0]
[parameters.hr_dear]
dist = "lognormal"
median = 0.6
ci = [0.5, 0.72]
[derived]
p_death = "1 - exp(-r_death * exp(0.05 * (age - 60)) * cycle_years)"
[[states]]
name = "alive"
initial = 1
utility = 0.8
[[states]]
name = "dead"
dead = true
[transitions.from.alive]
alive = "rest"
dead = "p_death"
[[categories]]
name = "care"
price = 1000
paid_by = { zvw = 1 }
use_per_year = { alive = 1 }
[[arms]]
name = "usual_care"
[[arms]]
name = "cheap"
[[arms.costs]]
name = "pill"
kind = "per_person_in_state"
amount = 500
states = ["alive"]
paid_by = { zvw = 1 }
[[arms.transition_effects]]
from = "alive"
to = "dead"
hazard_ratio = "hr_cheap"
[[arms]]
name = "dear"
[[arms.costs]]
name = "coach"
kind = "per_person_in_state"
amount = 3000
states = ["alive"]
paid_by = { wmo = 1 }
[[arms.transition_effects]]
from = "alive"
to = "dead"
hazard_ratio = "hr_dear"
"""


@pytest.fixture(scope="module")
def results():
    return ontschot.Scenario.from_dict(tomllib.loads(THREE_ARMS)).run(300, seed=5, trace=True, progress=False)


def test_each_arm_s_own_totals_add_up_to_the_increments(results):
    s = results.strategies()
    assert list(s.index) == ["usual_care", "cheap", "dear"]
    for arm in ("cheap", "dear"):
        summary = results.summary(arm).loc[("total", "total")]
        assert s.loc[arm, "cost"] - s.loc["usual_care", "cost"] == pytest.approx(-summary["net"], rel=1e-9)
    # The coach is paid from the Wmo: the municipality's cost is the dear arm's only.
    assert s.loc["dear", "cost_municipality"] > 0 and s.loc["usual_care", "cost_municipality"] == 0


def test_values_per_year_discount_to_each_arm_s_totals(results):
    v = results.values_per_year()
    s = results.strategies()
    df, de = results.discount_factors("costs"), results.discount_factors("effects")
    for arm in results.arms:
        rows = v[v["arm"] == arm]
        assert (rows["cost"].to_numpy() * df).sum() == pytest.approx(s.loc[arm, "cost"], rel=1e-12)
        assert (rows["qalys"].to_numpy() * de).sum() == pytest.approx(s.loc[arm, "qalys"], rel=1e-12)


def test_the_frontier_orders_the_arms_and_gives_icers_per_perspective(results):
    f = results.frontier("society", "qalys")
    assert list(f["cost"]) == sorted(f["cost"])
    assert set(f["status"]) <= {"efficient", "dominated", "extendedly_dominated"}
    first = f.index[0]
    assert np.isnan(f.loc[first, "icer"])
    efficient = f[f["status"] == "efficient"]
    for arm, row in efficient.iloc[1:].iterrows():
        prev = f.loc[row["compared_with"]]
        assert row["icer"] == pytest.approx((row["cost"] - prev["cost"]) / (row["effect"] - prev["effect"]))
    insurer = results.frontier("insurer", "life_years")
    assert insurer.loc["cheap", "cost"] > insurer.loc["usual_care", "cost"]
    with pytest.raises(ValueError, match="no frontier for 'nobody'"):
        results.frontier("nobody")


def test_acceptability_of_several_strategies_sums_to_one(results):
    a = results.acceptability([0, 20_000, 200_000])
    assert list(a.columns) == ["wtp", "usual_care", "cheap", "dear", "optimal"]
    assert np.allclose(a[["usual_care", "cheap", "dear"]].sum(axis=1), 1.0)
    # Paying nothing for health, the cheapest arm is always best.
    assert a.loc[0, "usual_care"] == 1.0 and a.loc[0, "optimal"] == "usual_care"
    with pytest.raises(ontschot.OntschotError, match="perspective"):
        results.acceptability([0], perspective="nobody")


def test_the_trace_and_the_events_say_what_happens_to_people(results):
    t = results.trace()
    start = t[(t["point"] == 0) & (t["arm"] == "dear")]
    assert start["mean"].sum() == pytest.approx(1.0)
    e = results.events()
    deaths = e[(e["state"] == "dead") & (e["arm"] == "usual_care")]["mean"].sum()
    alive_end = t[(t["point"] == 10) & (t["arm"] == "usual_care") & (t["state"] == "alive")]["mean"].iloc[0]
    assert deaths == pytest.approx(1.0 - alive_end)
    avoided = results.avoided("dear")
    assert avoided.loc["dead", "avoided"] > 0
    assert avoided.loc["dead", "avoided"] == pytest.approx(avoided.loc["dead", "comparator"] - avoided.loc["dead", "arm"])
    ax = results.plot_trace(states=["alive"])
    assert len(ax.lines) == 3
    ax = results.plot_frontier()
    assert "frontier" in [t.get_text() for t in ax.get_legend().get_texts()][-1]


def test_without_the_trace_the_tables_say_how_to_get_it():
    r = ontschot.Scenario.from_dict(tomllib.loads(THREE_ARMS)).run(10, progress=False)
    with pytest.raises(ValueError, match="trace=True"):
        r.events()


def test_a_bad_formula_names_its_field_and_position():
    with pytest.raises(ontschot.ScenarioError, match=r"derived.p_death: in expression .*at character 10: unknown parameter or table 'r_deth' \(did you mean 'r_death'\?\)"):
        ontschot.Scenario.from_dict(tomllib.loads(THREE_ARMS.replace("-r_death *", "-r_deth *"))).run(5, progress=False)


def test_the_trace_survives_pickling(results):
    import pickle

    back = pickle.loads(pickle.dumps(results))
    assert back == results
    assert back.trace().equals(results.trace())
    assert back.frontier().equals(results.frontier())
