"""The Python face: same numbers as the CLI, arrays without copies, pickling, tables and plots."""

import json
import pickle
import subprocess

import numpy as np
import pandas as pd
import pytest

import ontschot
from conftest import ROOT


def test_same_seed_gives_the_same_numbers_as_the_cli(cli, tmp_path):
    out = tmp_path / "run.json"
    subprocess.run([cli, "run", ROOT / "seeds" / "samenoud.toml", "-n", "700", "--seed", "9", "--json", out, "-q"], check=True, capture_output=True)
    doc = json.loads(out.read_text())
    r = ontschot.Scenario.from_file(ROOT / "seeds" / "samenoud.toml").run(iterations=700, seed=9, progress=False)
    summary = r.summary()
    for b in doc["summaries"][0]["budgets"]:
        row = summary.loc[("budget", b["name"])]
        assert row["net"] == b["net"]["mean"]
        assert row["net_p2_5"] == b["net"]["p2_5"]
        assert row["probability_gain"] == b["probability_gain"]
    assert summary.loc[("total", "total"), "net"] == doc["summaries"][0]["total"]["net"]["mean"]


def test_arrays_share_memory_with_the_result_and_are_read_only():
    r = ontschot.seeds.welzijn_op_recept().run(iterations=64, seed=1, progress=False)
    whole = r.increment()
    zvw = r.increment("zvw")
    assert whole.shape == (64, 3, len(r.budgets))
    assert zvw.shape == (64, 3)
    assert np.shares_memory(whole, zvw)
    assert np.shares_memory(r.increment(), r.increment())
    assert np.shares_memory(r.array("usual_care", kind="care"), r.array(0, kind="care"))
    assert not whole.flags.writeable
    with pytest.raises(ValueError):
        whole[0, 0, 0] = 1.0
    # The increment is the difference of the arms' costs.
    costs = lambda a: r.array(a, kind="care") + r.array(a, kind="programme")  # noqa: E731
    np.testing.assert_allclose(whole, costs(1) - costs(0), rtol=0, atol=1e-9)
    # Arrays outlive the Results object that owns their memory.
    del r
    assert np.isfinite(zvw).all()


def test_budgets_add_up_to_the_total_in_the_summary():
    r = ontschot.seeds.samenoud().run(iterations=300, seed=2, progress=False)
    s = r.summary()
    assert s.xs("budget", level="level")["net"].sum() == pytest.approx(s.loc[("total", "total"), "net"], rel=1e-12)
    assert s.xs("payer", level="level")["net"].sum() == pytest.approx(s.loc[("total", "total"), "net"], rel=1e-12)
    net = r.net()
    assert net.shape == (300, len(r.budgets))
    assert net.sum(axis=1).mean() == pytest.approx(s.loc[("total", "total"), "net"], rel=1e-9)
    w = r.who_pays()
    # Every budget and payer, also the grant funder the run without its grant leaves untouched.
    assert list(w.index) == ["zvw", "wmo", "wlz", "eigen_bijdrage", "grant"]
    assert list(r.who_pays(by="payer").index) == ["insurer", "municipality", "care_office", "client", "grant_funder"]
    assert (w.loc["grant", ["investment", "savings", "net"]] == 0).all()
    h = r.health()
    assert {"life_years", "qalys", "icer", "net_monetary_benefit"} <= set(h.index)
    # All three Dutch reference values; the seed's burden class (low) is the one in use.
    assert h["willingness_to_pay"] == 20_000
    assert h["net_monetary_benefit_20000"] == pytest.approx(h["net_monetary_benefit"], rel=1e-12)
    assert h["probability_cost_effective_20000"] <= h["probability_cost_effective_80000"] or h["qalys"] < 0
    assert h["net_monetary_benefit_80000"] - h["net_monetary_benefit_50000"] == pytest.approx(30_000 * h["qalys"], rel=1e-9)


def test_tidy_frame_has_one_row_per_iteration_arm_year_and_budget():
    r = ontschot.seeds.welzijn_op_recept().run(iterations=10, seed=1, progress=False)
    df = r.to_pandas()
    assert list(df.columns) == ["iteration", "arm", "year", "budget", "value"]
    assert len(df) == 10 * 1 * 3 * len(r.budgets)
    zvw = df[(df.budget == "zvw") & (df.year == 2)].set_index("iteration")["value"]
    np.testing.assert_array_equal(zvw.to_numpy(), r.increment("zvw")[:, 1])
    costs = r.to_pandas("costs", discounted=True)
    assert set(costs.arm) == {"usual_care", "welzijn_op_recept"}


def test_scenarios_and_results_pickle():
    s = ontschot.seeds.samenoud().with_values({"uptake": 0.4})
    s2 = pickle.loads(pickle.dumps(s))
    assert s2 == s and s2.origin == s.origin
    r = s.run(iterations=50, seed=5, progress=False)
    r2 = pickle.loads(pickle.dumps(r))
    np.testing.assert_array_equal(r2.increment(), r.increment())
    pd.testing.assert_frame_equal(r2.summary(), r.summary())
    with pytest.raises(ontschot.ResultsError):
        ontschot._results._from_bytes(b"ONTRgarbage")


def test_dicts_round_trip_and_overrides_change_the_result():
    s = ontschot.seeds.welzijn_op_recept()
    d = s.to_dict()
    assert ontschot.Scenario.from_dict(d) == s
    d["population"]["size"] = np.int64(200)  # numpy scalars are accepted
    doubled = ontschot.Scenario.from_dict(d)
    a = s.run(iterations=20, seed=1, progress=False).summary().loc[("total", "total"), "net"]
    b = doubled.run(iterations=20, seed=1, progress=False).summary().loc[("total", "total"), "net"]
    assert b == pytest.approx(2 * a, rel=1e-12)
    cheap = s.with_values({"coach_trajectory_cost": 0.0, "arms.welzijn_op_recept.uptake": 1.0})
    assert cheap.to_dict()["parameters"]["coach_trajectory_cost"]["source"].startswith("About 4 to 15")
    assert cheap.run(iterations=20, seed=1, progress=False).summary().loc[("budget", "welzijn"), "investment"] == 0.0
    with pytest.raises(ontschot.ScenarioError) as e:
        s.with_values({"arms.nobody.uptake": 0.5})
    assert e.value.path == "arms.nobody.uptake"


def test_seeds_are_listed_and_loaded():
    assert ontschot.seeds.names() == ["samenoud", "welzijn_op_recept", "region_samenoud", "poh_jeugd", "huiskamer", "schuldhulp", "gli"]
    assert ontschot.seeds.load("samenoud").name == "SamenOud"
    # The region seed extends SamenOud: the same model, its own population and parties.
    region = ontschot.seeds.region_samenoud().to_dict()
    assert region["categories"] == ontschot.seeds.samenoud().to_dict()["categories"]
    assert [m["name"] for m in region["region"]["municipalities"]] == ["stadskanaal", "pekela", "veendam"]
    with pytest.raises(KeyError, match="no seed named 'nope'"):
        ontschot.seeds.load("nope")


def test_progress_is_reported_and_can_be_turned_off(capsys):
    calls = []
    ontschot.seeds.samenoud().run(iterations=3000, seed=1, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3000, 3000)
    assert all(0 <= d <= t for d, t in calls)
    ontschot.seeds.samenoud().run(iterations=3000, seed=1, progress=True)
    assert "3,000/3,000 iterations" in capsys.readouterr().err
    ontschot.seeds.samenoud().run(iterations=3000, seed=1, progress=False)
    assert capsys.readouterr().err == ""


def test_an_exception_in_the_progress_callback_stops_the_run():
    def boom(done, total):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        ontschot.seeds.welzijn_op_recept().run(iterations=1_000_000, seed=1, progress=boom)


def test_ctrl_c_stops_a_long_run(tmp_path):
    script = tmp_path / "long.py"
    script.write_text(
        "import ontschot, sys\n"
        "print('start', flush=True)\n"
        "try:\n"
        "    ontschot.seeds.welzijn_op_recept().run(iterations=2_000_000, progress=False)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    sys.exit(3)\n"
    )
    import signal
    import sys
    import time

    p = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "start"
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    try:
        out, _ = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        pytest.fail("the run did not stop after Ctrl-C")
    assert p.returncode == 3 and "interrupted" in out


def test_a_run_too_large_for_memory_is_refused_not_crashed():
    with pytest.raises(ontschot.ScenarioError, match="GB of memory"):
        ontschot.seeds.samenoud().run(iterations=2**60, progress=False)


def test_repr_and_html():
    r = ontschot.seeds.samenoud().run(iterations=40, seed=1, progress=False)
    assert "SamenOud, 40 iterations" in repr(r)
    assert "<table" in r._repr_html_()
    assert repr(ontschot.seeds.samenoud()).startswith("Scenario('SamenOud', 5 years")


def test_plots_return_their_axes():
    import matplotlib.pyplot as plt

    r = ontschot.seeds.samenoud().run(iterations=100, seed=1, progress=False)
    for ax in (r.plot_who_pays(), r.plot_who_pays(by="payer"), r.plot_cumulative(), r.plot_distribution()):
        assert ax.__class__.__name__ == "Axes"
        assert ax.has_data()
    plt.close("all")


def test_stubs_match_the_extension_module():
    import sys

    out = subprocess.run([sys.executable, "-m", "mypy.stubtest", "ontschot._ontschot"], capture_output=True, text=True, cwd=ROOT / "tests")
    assert out.returncode == 0, out.stdout + out.stderr


def test_numbers_are_formatted_as_the_cli_and_the_report_format_them():
    from ontschot import format as fmt

    assert [fmt.euro_short(3_188_768, lang) for lang in ("nl", "en")] == ["€ 3,2 mln", "€3.2m"]
    assert [fmt.decimal(0.9, 2, lang) for lang in ("nl", "en")] == ["0,90", "0.90"]
    assert [fmt.percent(0.03, 1, lang) for lang in ("nl", "en")] == ["3,0%", "3.0%"]
    assert [fmt.whole(2971, lang) for lang in ("nl", "en")] == ["2.971", "2,971"]
    assert fmt.euro(-1_234_567.4, "nl") == "-€ 1.234.567"
    with pytest.raises(ValueError, match="lang must be 'nl' or 'en'"):
        fmt.whole(1, "fr")


def test_a_scenario_shows_itself_in_a_notebook():
    s = ontschot.seeds.samenoud()
    page = s._repr_html_()
    assert "<b>SamenOud</b>: 2,971 people + 386 a year, 5 years from 2025" in page
    assert "<td>Zvw</td><td>Health insurer</td>" in page and "53 parameters" in page
    assert "Holterman" in page or "Embrace" in page  # the sources are shown
    d = s.to_dict()
    d["categories"][0]["paid_by"] = {"gemeente": 1}
    bad = ontschot.Scenario.from_dict(d)._repr_html_()
    assert "<b>Not valid:</b>" in bad and "is a payer" in bad
