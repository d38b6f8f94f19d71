"""One run over ranges of iterations: ranges merge into the whole run bit for bit, results keep
their scenario through pickling, and the Dask example does this on a two-worker LocalCluster."""

import pickle
import subprocess
import sys

import pytest

import ontschot

from conftest import ROOT


def test_ranges_merge_into_one_run_bit_for_bit_in_any_order():
    s = ontschot.seeds.samenoud()  # has an arrangement in force: it is applied to the whole again
    whole = s.run(iterations=90, seed=7, progress=False)
    parts = [s.run(iterations=n, first_iteration=k, seed=7, progress=False) for k, n in [(60, 30), (0, 25), (25, 35)]]
    merged = ontschot.Results.merge(parts)
    assert merged == whole
    assert merged.meta["iterations"] == 90 and merged.meta["first_iteration"] == 0
    assert parts[0].meta["first_iteration"] == 60


def test_merge_refuses_gaps_overlaps_and_other_runs():
    s = ontschot.seeds.welzijn_op_recept()
    a = s.run(iterations=10, seed=1, progress=False)
    gap = s.run(iterations=10, first_iteration=20, seed=1, progress=False)
    with pytest.raises(ontschot.ScenarioError, match="iterations 10..20 are missing"):
        ontschot.Results.merge([a, gap])
    with pytest.raises(ontschot.ScenarioError, match="iterations 0..10 are there twice"):
        ontschot.Results.merge([a, a])
    other_seed = s.run(iterations=10, first_iteration=10, seed=2, progress=False)
    with pytest.raises(ontschot.ScenarioError, match="come from another run"):
        ontschot.Results.merge([a, other_seed])
    other = ontschot.seeds.samenoud().run(iterations=10, first_iteration=10, seed=1, progress=False)
    with pytest.raises(ValueError, match="different scenarios"):
        ontschot.Results.merge([a, other])


def test_results_keep_their_scenario_through_pickling(tmp_path):
    r = ontschot.seeds.welzijn_op_recept().run(iterations=20, seed=1, progress=False)
    back = pickle.loads(pickle.dumps(r))
    assert back == r
    back.report(tmp_path / "report.html")  # needs the scenario
    assert "Welzijn op Recept" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_the_dask_example_merges_ranges_from_two_workers_into_the_single_run():
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dask_scale.py"), "--workers", "2", "--iterations", "400", "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "on 2 workers" in out.stdout
    assert "equal one run of all iterations, bit for bit: True" in out.stdout
    assert "uptake 50%" in out.stdout
