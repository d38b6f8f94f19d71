"""The budget view from Python: each party's cash per calendar year, the same as the CLI's."""

import json
import pickle
import subprocess

import numpy as np
import pytest

import ontschot
from conftest import ROOT


def test_budget_view_matches_the_cli_json(cli, tmp_path):
    out = tmp_path / "run.json"
    subprocess.run([cli, "run", ROOT / "seeds" / "samenoud.toml", "-n", "300", "--seed", "5", "--json", out, "-q"], check=True, capture_output=True)
    doc = json.loads(out.read_text())["budget"][0]
    r = ontschot.seeds.samenoud().run(iterations=300, seed=5, progress=False)
    table = r.budget(by="payer").set_index(["party", "year"])
    for p in doc["payers"]:
        for y in p["years"]:
            row = table.loc[(p["name"], y["year"])]
            assert row["cash"] == y["cash"]["mean"]
            assert row["cash_p97_5"] == y["cash"]["p97_5"]
            assert row["probability_better"] == y["probability_better"]
            assert row["cumulative"] == y["cumulative"]["mean"]


def test_budget_table_has_calendar_years_and_parties_that_sum_to_the_total():
    r = ontschot.seeds.samenoud().run(iterations=200, seed=2, progress=False)
    payers = r.budget()
    assert list(payers.columns[:8]) == ["party", "label", "year", "cash", "cash_p2_5", "cash_p97_5", "probability_better", "cumulative"]
    assert r.calendar_years == [2025, 2026, 2027, 2028, 2029]
    assert payers["year"].dtype.kind == "i"
    total = r.budget(by="total").set_index("year")["cash"]
    summed = payers.groupby("year")["cash"].sum()
    np.testing.assert_allclose(summed.to_numpy(), total.to_numpy(), rtol=1e-9)
    # The long-term care fund is administered by the care office, which bears no risk.
    fund = payers[payers["party"] == "care_office"]
    assert not fund["bears_risk"].any()
    assert fund["label"].iloc[0] == "Fonds langdurige zorg"
    # Budgets add up to their payer.
    budgets = r.budget(by="budget")
    assert set(budgets["party"]) == set(r.budgets)


def test_budget_array_is_the_cash_behind_the_table_and_names_unknown_parties():
    r = ontschot.seeds.welzijn_op_recept().run(iterations=120, seed=4, progress=False)
    a = r.budget_array("municipality")
    assert a.shape == (120, 3)
    assert a.flags.owndata or a.base is not None
    table = r.budget().set_index(["party", "year"])
    for k, year in enumerate(r.calendar_years):
        assert a[:, k].mean() == pytest.approx(table.loc[("municipality", year), "cash"], rel=1e-12)
        assert (a[:, k] > 0).mean() == table.loc[("municipality", year), "probability_better"]
    with pytest.raises(KeyError, match="no payer or budget named 'nobody'; known: insurer"):
        r.budget_array("nobody")
    with pytest.raises(ValueError, match="comparator"):
        r.budget(arm=0)


def test_cash_arrays_are_views_and_survive_pickling():
    r = ontschot.seeds.samenoud().run(iterations=30, seed=1, progress=False)
    cash = r.array(1, kind="cash")
    assert np.shares_memory(cash, r.array(1, kind="cash"))
    back = pickle.loads(pickle.dumps(r))
    np.testing.assert_array_equal(back.array(1, kind="cash"), cash)
    assert back.budget().equals(r.budget())
    with pytest.raises(ValueError, match="'cash'"):
        r.array(1, kind="money")
