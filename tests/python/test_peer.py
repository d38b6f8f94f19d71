"""The NumPy peer of benches/individual_vs_numpy.py models what ontschot models: same means."""

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benches"))
import individual_vs_numpy as bench  # noqa: E402


def test_the_numpy_peer_gives_ontschots_means_within_monte_carlo_error():
    scenario = bench.one_cohort()
    peer, arms = bench.run_peer(scenario, 60)
    r = scenario.run(iterations=60, seed=bench.SEED, progress=False, mode="individual")
    rows = bench.agreement(r, peer, arms)
    assert len(rows) >= 8
    for name, ours, theirs, z in rows:
        assert abs(z) <= 3, f"{name}: ontschot {ours:.1f}, peer {theirs:.1f}, {z:.2f} SE apart"
