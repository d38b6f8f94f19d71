"""The individual mode from Python: the same arrays as the cohort, the CLI's numbers, clear errors."""

import json
import subprocess

import numpy as np
import pytest

import ontschot
from conftest import ROOT


def small_samenoud(size: int = 300) -> ontschot.Scenario:
    return ontschot.seeds.samenoud().with_values({"population.size": size})


def test_individual_results_have_the_cohort_shape_and_whole_counts():
    s = small_samenoud()
    cohort = s.run(iterations=40, seed=3, progress=False)
    people = s.run(iterations=40, seed=3, progress=False, mode="individual")
    assert people.meta["mode"] == "individual" and cohort.meta["mode"] == "cohort"
    for arm in (0, 1):
        assert people.array(arm).shape == cohort.array(arm).shape
        units = people.units(arm)
        assert np.array_equal(units, np.round(units)), "counts of use are whole numbers"
    # Per iteration the same parameter draws, so the same programme's costs in the cohort's
    # expectation; the people's luck makes care differ.
    assert not np.array_equal(people.array(0), cohort.array(0))


def test_same_seed_gives_the_same_numbers_as_the_cli(cli, tmp_path):
    path = tmp_path / "small.toml"
    text = (ROOT / "seeds" / "samenoud.toml").read_text().replace("size = 2971", "size = 400")
    path.write_text(text)
    out = tmp_path / "run.json"
    cmd = [cli, "run", path, "-n", "50", "--seed", "4", "--mode", "individual", "--json", out, "-q"]
    subprocess.run(cmd, check=True, capture_output=True)
    doc = json.loads(out.read_text())
    r = ontschot.Scenario.from_file(path).run(iterations=50, seed=4, progress=False, mode="individual", threads=1)
    summary = r.summary()
    for b in doc["summaries"][0]["budgets"]:
        assert summary.loc[("budget", b["name"]), "net"] == b["net"]["mean"]


def test_modes_are_checked_with_their_field():
    with pytest.raises(ontschot.ScenarioError) as e:
        small_samenoud().run(iterations=2, progress=False, mode="people")
    assert e.value.path == "simulation.mode"
    with pytest.raises(ontschot.ScenarioError) as e:
        small_samenoud(300).with_values({"population.size": 300.5}).run(iterations=2, progress=False, mode="individual")
    assert "population.size" in str(e.value) and "whole people" in str(e.value)
    with pytest.raises(ontschot.ScenarioError) as e:
        small_samenoud().with_values({"simulation.mode": "individual", "population.inflow": -1}).validate()
    assert e.value.path == "population.inflow"


def test_parameter_draws_are_the_draws_of_the_run(tmp_path):
    # A one-off cost equal to a drawn parameter shows each iteration's draw in the results.
    text = (ROOT / "seeds" / "samenoud.toml").read_text().replace(
        "[[arms.costs]]\nname = \"profiling_and_prevention\"",
        "[[arms.costs]]\nname = \"start_up\"\nkind = \"one_off\"\namount = \"prevention_cost\"\npaid_by = { wmo = 1 }\n\n"
        "[[arms.costs]]\nname = \"profiling_and_prevention\"",
    )
    path = tmp_path / "one_off.toml"
    path.write_text(text)
    s = ontschot.Scenario.from_file(path)
    r = s.run(iterations=200, seed=5, progress=False)
    draws = s.parameter_draws(200, seed=5)
    assert draws.shape[0] == 200 and "profile.robust" in draws
    no_start_up = ontschot.seeds.samenoud().run(iterations=200, seed=5, progress=False)
    start_up = r.array(1, "wmo", kind="programme")[:, 0] - no_start_up.array(1, "wmo", kind="programme")[:, 0]
    assert np.allclose(start_up, draws["prevention_cost"].to_numpy(), rtol=1e-9)
    shares = draws[["profile.robust", "profile.frail", "profile.complex"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    # Each iteration has its own streams: a shorter run has the same first draws.
    assert draws.iloc[:20].equals(s.parameter_draws(20, seed=5))
    with pytest.raises(ontschot.ScenarioError) as e:
        s.parameter_draws(-1)
    assert e.value.path == "simulation.iterations"
