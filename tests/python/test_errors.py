"""Every scenario problem the core finds reaches Python as a ScenarioError with its field path;
no input crashes the interpreter."""

import copy
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ontschot
from conftest import ROOT


def base() -> dict:
    return ontschot.seeds.welzijn_op_recept().to_dict()


def problem(d: dict, path: str, reason: str) -> ontschot.ScenarioError:
    with pytest.raises(ontschot.ScenarioError) as e:
        ontschot.Scenario.from_dict(d).validate()
    err = e.value
    assert isinstance(err, ValueError) and isinstance(err, ontschot.OntschotError)
    paths = [p for p, _ in err.problems]
    assert path in paths, f"{path} not in {paths}: {err}"
    assert reason in str(err), str(err)
    return err


def test_shares_not_summing_to_one():
    d = base()
    d["categories"][0]["paid_by"] = {"zvw": 0.6, "wmo": 0.3}
    problem(d, "categories[0].paid_by", "must sum to 1, they sum to 0.9")


def test_probability_outside_zero_one():
    d = ontschot.seeds.samenoud().to_dict()
    d["transitions"]["from"]["robust"]["frail"] = 1.5
    problem(d, "transitions.from.robust.frail", "must lie in [0, 1], got 1.5")


def test_transition_row_not_summing_to_one():
    d = ontschot.seeds.samenoud().to_dict()
    d["transitions"]["from"]["nursing_home"] = {"nursing_home": 0.5, "dead": 0.3}
    problem(d, "transitions.from.nursing_home", "must sum to 1, they sum to 0.8")


def test_negative_price():
    d = base()
    d["categories"][1]["price"] = -20.85
    problem(d, "categories[1].price", "must be >= 0, got -20.85")


def test_unknown_budget_and_parameter():
    d = base()
    d["categories"][0]["paid_by"] = {"zwv": 1}
    d["categories"][1]["use_per_year"]["complaints"] = "poh_complaint"
    err = problem(d, "categories[0].paid_by.zwv", "unknown budget 'zwv' (did you mean 'zvw'?)")
    assert "unknown parameter or table 'poh_complaint' (did you mean 'poh_complaints'?)" in str(err)


def test_beta_with_an_impossible_sd():
    d = base()
    d["parameters"]["uptake"] = {"dist": "beta", "mean": 0.8, "sd": 0.5}
    problem(d, "parameters.uptake.sd", "0.5 is impossible for a beta with mean 0.8")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_nan_and_infinite_values(bad):
    d = base()
    d["categories"][0]["price"] = bad
    problem(d, "categories[0].price", "must be a finite number")


def test_zero_horizon_and_zero_iterations():
    d = base()
    d["horizon_years"] = 0
    problem(d, "horizon_years", "must be at least 1 year")
    with pytest.raises(ontschot.ScenarioError, match="simulation.iterations: must be at least 1"):
        ontschot.seeds.samenoud().run(iterations=0, progress=False)
    with pytest.raises(ontschot.ScenarioError, match="simulation.iterations"):
        ontschot.seeds.samenoud().run(iterations=-5, progress=False)


def test_malformed_toml_names_the_file(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('name = "x"\nhorizon_years = = 3\n')
    with pytest.raises(ontschot.ScenarioError) as e:
        ontschot.Scenario.from_file(f)
    assert str(e.value).startswith(str(f)) and "line 2" in str(e.value)
    with pytest.raises(OSError, match="cannot read the file"):
        ontschot.Scenario.from_file(tmp_path / "missing.toml")


def test_unknown_keys_and_wrong_types():
    d = base()
    d["arms"][1]["uptak"] = 0.5
    problem(d, "arms[1].uptak", "unknown field `uptak`")
    d = base()
    d["population"]["size"] = "many"
    problem(d, "population.size", "invalid type")
    with pytest.raises(ontschot.ScenarioError, match="cannot use a value of type object"):
        ontschot.Scenario.from_dict({"name": object()})


def test_drawn_values_that_break_the_model_name_iteration_and_parameter():
    # A normal uptake leaves [0, 1] in 37% of draws: refused before the run, named, and warned
    # about by validate.
    d = base()
    d["parameters"]["uptake"] = {"dist": "normal", "mean": 0.9, "sd": 0.3}
    s = ontschot.Scenario.from_dict(d)
    with pytest.raises(ontschot.ScenarioError) as e:
        s.run(iterations=200, progress=False)
    assert e.value.path == "parameters.uptake"
    assert "falls outside [0, 1] with probability 3.71e-1 per draw, and arms[1].uptake is never outside [0, 1]" in str(e.value)
    with pytest.warns(UserWarning, match="parameters.uptake: falls outside"):
        s.validate()
    # Cut to [0, 1], it runs.
    d["parameters"]["uptake"]["truncate"] = [0, 1]
    ontschot.Scenario.from_dict(d).run(iterations=200, progress=False)
    # What only the run can find (a relative risk that pushes a row past 1) names the iteration.
    with pytest.raises(ontschot.DrawError) as e:
        ontschot.seeds.samenoud().with_values({"rr_nursing_home": 40}).run(iterations=5, progress=False)
    assert e.value.iteration is not None and "after the effects" in str(e.value)


# --- property tests: random valid and invalid scenarios never crash the interpreter ----------

SEED = base()
SAMENOUD = ontschot.seeds.samenoud().to_dict()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


def paths(d, prefix=()):
    if isinstance(d, dict):
        for k, v in d.items():
            yield prefix + (k,)
            yield from paths(v, prefix + (k,))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield prefix + (i,)
            yield from paths(v, prefix + (i,))


ALL_PATHS = {name: list(paths(d)) for name, d in (("wor", SEED), ("samenoud", SAMENOUD))}


def set_at(d, path, value):
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.sampled_from(["wor", "samenoud"]),
    edits=st.lists(st.tuples(st.integers(0, 10_000), json_values | st.floats(-2, 2)), min_size=1, max_size=3),
    delete=st.booleans(),
)
def test_mutated_scenarios_raise_scenario_errors_or_run(which, edits, delete):
    d = copy.deepcopy(SEED if which == "wor" else SAMENOUD)
    for index, value in edits:
        candidates = list(paths(d))
        path = candidates[index % len(candidates)]
        if delete:
            node = d
            for key in path[:-1]:
                node = node[key]
            del node[path[-1]]
        else:
            set_at(d, path, value)
    try:
        s = ontschot.Scenario.from_dict(d)
        r = s.run(iterations=3, seed=1, progress=False)
    except (ontschot.ScenarioError, OverflowError):
        return
    summary = r.summary()
    total = summary.loc[("total", "total"), "net"]
    assert math.isfinite(total) or math.isnan(total)


@settings(max_examples=60, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True), key=st.sampled_from(sorted(SEED["parameters"])))
def test_overriding_any_parameter_with_any_number_never_crashes(value, key):
    try:
        ontschot.seeds.welzijn_op_recept().with_values({key: value}).run(iterations=2, progress=False)
    except ontschot.ScenarioError as e:
        assert e.path is not None


def test_seed_files_shipped_with_the_package_equal_the_repository_seeds():
    for name in ontschot.seeds.names():
        assert ontschot.seeds.load(name).to_dict() == ontschot.Scenario.from_file(ROOT / "seeds" / f"{name}.toml").to_dict()


def test_damaged_pickles_are_refused_never_read_as_something_else():
    import pickle
    import random

    s = ontschot.seeds.welzijn_op_recept()
    r = s.run(iterations=5, seed=1, progress=False)
    rng = random.Random(3)
    for original, same in [(s, lambda a: a == s), (r, lambda a: np.array_equal(a.increment(), r.increment()))]:
        data = pickle.dumps(original)
        for _ in range(300):
            damaged = bytearray(data)
            k = rng.randrange(len(damaged))
            damaged[k] ^= 1 << rng.randrange(8)
            try:
                back = pickle.loads(bytes(damaged))
            except Exception:
                continue
            assert same(back), f"a flip at byte {k} was read as other content"


def test_a_run_beyond_the_memory_limit_is_refused_before_it_starts():
    s = ontschot.seeds.samenoud()
    with pytest.raises(ontschot.OntschotError, match="above the limit of 8.0 GB"):
        s.run(iterations=10**9, progress=False)
    with pytest.raises(ontschot.OntschotError, match="above the limit of 0.0 GB"):
        s.run(iterations=100, progress=False, max_memory=1e-6)
    with pytest.raises(ValueError, match="max_memory must be a positive number of GB"):
        s.run(iterations=100, progress=False, max_memory=-1)
    with pytest.raises(ontschot.OntschotError, match="between 1 and 1024"):
        s.run(iterations=10, progress=False, threads=2**40)
    # A tiny cycle no longer kills the interpreter: a named error.
    with pytest.raises(ontschot.ScenarioError, match="cycle_years"):
        s.with_values({"cycle_years": 1e-9}).validate()


def test_numpy_integers_are_whole_numbers_and_floats_or_bools_are_not():
    s = ontschot.seeds.welzijn_op_recept()
    a = s.run(np.int64(20), seed=np.uint32(3), progress=False)
    b = s.run(20, seed=3, progress=False)
    assert np.array_equal(a.increment(), b.increment())
    assert s.parameter_draws(np.int32(5), seed=np.int64(1)).shape[0] == 5
    for bad in (20.0, True, -1, "20"):
        with pytest.raises(ontschot.ScenarioError, match="simulation.iterations: must be a whole number"):
            s.run(bad, progress=False)


def test_acceptability_by_term_refuses_a_value_the_term_cannot_take():
    s = ontschot.seeds.welzijn_op_recept()
    for values, named in [([0.5, 2.0], "values[1] = 2"), ([-1.0], "values[0] = -1"), ([math.nan], "values[0] = NaN")]:
        with pytest.raises(ontschot.OntschotError, match=r"which lies in \[0, 1\]") as e:
            s.acceptability_by_term("share", values, alternative="shared_savings", iterations=20, progress=False)
        assert named in str(e.value)
    df = s.acceptability_by_term("share", [0.0, 1.0], alternative="shared_savings", iterations=20, progress=False)
    assert sorted(df["value"].unique()) == [0.0, 1.0]


def test_a_default_that_changes_the_results_is_a_warning_from_validate():
    d = ontschot.seeds.samenoud().to_dict()
    ontschot.Scenario.from_dict(d).validate()
    del d["transitions"]["kind"]
    with pytest.warns(UserWarning, match="transitions.kind is not given: the entries are read as probabilities"):
        ontschot.Scenario.from_dict(d).validate()


def test_a_bad_arrangement_field_is_named_from_python():
    d = base()
    d["alternatives"][0]["arrangements"][0]["share"] = "half"
    with pytest.raises(ontschot.ScenarioError, match=r"share: invalid type: string \"half\""):
        ontschot.Scenario.from_dict(d)


def test_the_text_form_of_results_shows_a_missing_figure_as_n_a():
    from ontschot._results import _shown

    assert _shown(float("nan"), ",.0f") == "n/a" and _shown(None, ".0%") == "n/a"
    assert _shown(np.float64(1234.4), ",.0f") == "1,234" and _shown(0.25, ".0%") == "25%"
    r = ontschot.seeds.welzijn_op_recept().run(20, seed=1, progress=False)
    assert "P(gain)" in repr(r)


def test_messages_a_reader_can_act_on():
    s = ontschot.seeds.samenoud()
    with pytest.raises(ontschot.ScenarioError, match=r"no parameter named 'uptak' \(did you mean 'uptake'\?\)"):
        s.with_values({"uptak": 0.5})
    d = base()
    d["horizon_years"] = 5.5
    with pytest.raises(ontschot.ScenarioError, match="expected a whole number, like 5") as e:
        ontschot.Scenario.from_dict(d)
    assert "line" not in str(e.value) and "column" not in str(e.value)
    d = base()
    d["arms"][1]["costs"][0]["paid_by"] = {"gemeente": 1}
    with pytest.raises(ontschot.ScenarioError, match="'gemeente' is a payer \\(Gemeente\\), and a split names budgets"):
        ontschot.Scenario.from_dict(d).validate()
    with pytest.raises(ontschot.OntschotError, match="no arrangements in force to solve for: name an alternative"):
        ontschot.seeds.welzijn_op_recept().solve("share", iterations=10, progress=False)


def test_arguments_of_the_wrong_kind_are_named_not_misread():
    s = ontschot.seeds.samenoud()
    r = s.run(iterations=20, seed=1, progress=False)
    # A budget index is a whole number: 1.7 is not budget 1.
    for bad in (1.7, True):
        with pytest.raises(TypeError, match="a budget is a name or an index"):
            r.increment(budget=bad)
    # One name where a list of names belongs would be read letter by letter.
    with pytest.raises(TypeError, match=r"parties is a list of names, not one string: write \['zvw'\]"):
        ontschot.seeds.region_samenoud().run(iterations=20, progress=False).deal(parties="zvw")
    with pytest.raises(TypeError, match="group is a list of names"):
        s.sensitivity(iterations=100, group="rr_nursing_home", progress=False)
    with pytest.raises(TypeError, match="not a name"):
        ontschot.compare("samenoud")
    with pytest.raises(ValueError, match="at least one scenario"):
        ontschot.compare([])
    with pytest.raises(TypeError, match="max_memory is a number of GB, not str"):
        s.run(iterations=10, max_memory="8", progress=False)
    # A limit beyond what the machine can count is no limit, not an overflow.
    assert s.run(iterations=10, max_memory=1e20, progress=False).iterations == 10


def test_values_that_are_no_amount_are_refused_with_their_field():
    s = ontschot.seeds.samenoud()
    with pytest.raises(ValueError, match=r"values\['rr_death'\]: low and high must be finite numbers, got \(nan, 1.2\)"):
        s.tornado(values={"rr_death": (math.nan, 1.2)})
    for w in (math.nan, math.inf, -1.0):
        with pytest.raises(ontschot.OntschotError, match="willingness_to_pay: must be a finite number >= 0"):
            s.sensitivity(iterations=100, wtp=[20_000, w], progress=False)
    with pytest.raises(ontschot.OntschotError, match="'rr_death' is also x"):
        s.two_way("rr_death", [0.8], "rr_death", [1.2], iterations=20)


def test_run_settings_of_the_wrong_kind_name_their_field():
    s = ontschot.seeds.welzijn_op_recept()
    with pytest.raises(ontschot.ScenarioError, match=r"simulation.mode: must be 'cohort' or 'individual', got 1"):
        s.run(iterations=5, mode=1, progress=False)
    with pytest.raises(ontschot.ScenarioError, match=r"simulation.mode: must be 'cohort' or 'individual', got 1"):
        s.summarise(iterations=5, mode=1, progress=False)
    for name in ("detail", "trace"):
        with pytest.raises(ontschot.ScenarioError, match=rf"simulation.{name}: must be True or False, got 'no'"):
            s.run(iterations=5, progress=False, **{name: "no"})
