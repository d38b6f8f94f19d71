"""The individual mode side by side with a peer: the same model written in vectorised NumPy.

The peer simulates the SamenOud seed person by person the way a careful NumPy programmer would:
one ``numpy.random.Generator``, arrays over iterations x people, every per-iteration table
(cumulative transition rows, Poisson means per state pair and category) computed once, and per
cycle one gather, one comparison for the next state and one ``Generator.poisson`` call for all
categories. It takes ontschot's own parameter draws (``Scenario.parameter_draws``) so that both
run the same outer draws, and checks that both give the same means within Monte Carlo error
(paired by iteration: the difference is the luck of the people alone).

Target (issue: individual-level simulation): ontschot at least 5x as fast as the peer.

Run after ``bash scripts/test.sh`` (which builds the package):
    .venv/bin/python benches/individual_vs_numpy.py [iterations]
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

import ontschot

SEED = 2026


def value(v: Any, draws: dict[str, np.ndarray], n: int) -> np.ndarray:
    """A scenario value per iteration: a number or a parameter's draws."""
    if isinstance(v, (int, float)):
        return np.full(n, float(v))
    return draws[v]


class Peer:
    """The SamenOud model (probability transitions, relative risks, rate ratios, Poisson and
    negative binomial counts, half-cycle correction, yearly cycles) per iteration, from the
    scenario dict and the parameter draws."""

    def __init__(self, scenario: dict[str, Any], draws: dict[str, np.ndarray], n: int) -> None:
        if scenario.get("cycle_years", 1.0) != 1.0 or scenario.get("cycle_convention", "half_cycle") != "half_cycle":
            raise ValueError("the peer models yearly cycles with the half-cycle correction only")
        states = [s["name"] for s in scenario["states"]]
        self.states = states
        self.dead = np.array([s.get("dead", False) for s in scenario["states"]])
        self.years = scenario["horizon_years"]
        self.people = int(scenario["population"]["size"])
        s = len(states)
        idx = {name: i for i, name in enumerate(states)}
        init = np.zeros((n, s))
        for i, st in enumerate(scenario["states"]):
            if st.get("initial") is not None:
                init[:, i] = value(st["initial"], draws, n)
        self.cum_init = np.cumsum(init, axis=1)

        def matrix(rr: dict[tuple[int, int], np.ndarray]) -> np.ndarray:
            p = np.zeros((n, s, s))
            for frm, row in scenario["transitions"]["from"].items():
                i = idx[frm]
                rest = None
                for to, v in row.items():
                    if v == "rest":
                        rest = idx[to]
                    else:
                        p[:, i, idx[to]] = value(v, draws, n) * rr.get((i, idx[to]), 1.0)
                p[:, i, rest] = 1.0 - p[:, i].sum(axis=1)
            for i in np.flatnonzero(self.dead):
                p[:, i, i] = 1.0
            return p

        arm = scenario["arms"][1]
        if arm.get("ramp_up") or arm.get("effect_duration_cycles") or arm.get("transitions"):
            raise ValueError("the peer models an intervention without ramp-up, fading or own matrix")
        rr = {}
        for e in arm.get("transition_effects") or []:
            key = (idx[e["from"]], idx[e["to"]])
            rr[key] = rr.get(key, 1.0) * value(e["relative_risk"], draws, n)
        self.uptake = value(arm["uptake"], draws, n)
        cats = scenario["categories"]
        c = len(cats)
        use = np.zeros((n, c, s))
        for k, cat in enumerate(cats):
            for st, v in cat.get("use_per_year", {}).items():
                use[:, k, idx[st]] = value(v, draws, n)
        use_part = use.copy()
        for e in arm.get("use_effects") or []:
            k = next(j for j, cat in enumerate(cats) if cat["name"] == e["category"])
            on = [idx[st] for st in e.get("states") or states]
            use_part[:, k, on] *= value(e["rate_ratio"], draws, n)[:, None]
        # group 0 = usual care, 1 = participants: cumulative rows and Poisson means per state pair.
        cum = np.stack([np.cumsum(matrix({}), axis=2), np.cumsum(matrix(rr), axis=2)], axis=1)
        cum[..., -1] = np.inf
        self.cum = cum  # [iteration, group, from, to]
        lam = np.stack([use, use_part], axis=1)  # [iteration, group, category, state]
        # Half-cycle: half a cycle in the state at the start, half in the state at the end.
        self.lam = 0.5 * (lam[..., :, None] + lam[..., None, :]).transpose(0, 1, 3, 4, 2)  # [i, g, from, to, c]
        self.price = np.array([value(cat["price"], draws, n) for cat in cats]).T  # [iteration, category]
        # Negative binomial categories (overdispersion alpha > 0) and Poisson ones.
        alpha = np.array([value(cat.get("overdispersion") or 0.0, draws, n) for cat in cats]).T
        self.nb = np.flatnonzero(alpha.any(axis=0))
        self.poisson = np.flatnonzero(~alpha.any(axis=0))
        self.shape = 1.0 / alpha[:, None, self.nb]  # [iteration, 1, category]: n of numpy's parametrisation
        self.alpha = alpha[:, None, self.nb]
        budgets = ["zvw", "wmo", "wlz", "jeugdwet", "eigen_bijdrage"]
        split = np.zeros((n, c, len(budgets)))
        for k, cat in enumerate(cats):
            rest = None
            for b, v in cat["paid_by"].items():
                if v == "rest":
                    rest = budgets.index(b)
                else:
                    split[:, k, budgets.index(b)] = value(v, draws, n)
            if rest is not None:
                split[:, k, rest] = 1.0 - split[:, k].sum(axis=1)
        self.split = split
        self.budgets = budgets

    def run(self, rng: np.random.Generator, participants: bool) -> tuple[np.ndarray, np.ndarray]:
        """Care per [iteration, year, budget] and life-years per [iteration, year] of one arm."""
        n, people = self.cum_init.shape[0], self.people
        rows = np.arange(n)[:, None]
        state = (rng.random((n, people))[..., None] >= self.cum_init[:, None, :]).sum(axis=2)
        group = (rng.random((n, people)) < self.uptake[:, None]).astype(np.intp) if participants else np.zeros((n, people), np.intp)
        alive = ~self.dead
        care = np.zeros((n, self.years, len(self.budgets)))
        life_years = np.zeros((n, self.years))
        for year in range(self.years):
            cum = self.cum[rows, group, state]  # [iteration, person, to]
            nxt = (rng.random((n, people))[..., None] >= cum).sum(axis=2)
            lam = self.lam[rows, group, state, nxt]  # [iteration, person, category]
            units = np.empty((n, lam.shape[2]))
            units[:, self.poisson] = rng.poisson(lam[..., self.poisson]).sum(axis=1)
            if self.nb.size:
                p = 1.0 / (1.0 + self.alpha * lam[..., self.nb])
                units[:, self.nb] = rng.negative_binomial(self.shape, p).sum(axis=1)
            care[:, year] = np.einsum("ic,icb->ib", units * self.price, self.split)
            life_years[:, year] = 0.5 * (alive[state].sum(axis=1) + alive[nxt].sum(axis=1))
            state = nxt
        return care, life_years


def agreement(r: ontschot.Results, peer: Peer, numpy_arms: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[str, float, float, float]]:
    """Per arm and budget (and life-years): ontschot's mean, the peer's, and their difference in
    standard errors, paired by iteration (same parameter draws)."""
    out = []
    for arm in (0, 1):
        ours = r.array(arm, kind="care").sum(axis=1)  # [iteration, budget]
        theirs, ly = numpy_arms[arm]
        theirs = theirs.sum(axis=1)
        # The peer models the care budgets; a budget without care (a grant) has nothing to pair.
        pairs = [(b, ours[:, r.budgets.index(b)], theirs[:, peer.budgets.index(b)]) for b in r.budgets if b in peer.budgets]
        pairs.append(("life-years", r.effects(arm)[:, :, 0].sum(axis=1), ly.sum(axis=1)))
        for name, a, b in pairs:
            if a.any() or b.any():
                d = a - b
                se = d.std(ddof=1) / np.sqrt(len(d))
                out.append((f"arm {arm} {name}", float(a.mean()), float(b.mean()), float(d.mean() / se)))
    return out


def run_peer(scenario: ontschot.Scenario, iterations: int) -> tuple[Peer, list[tuple[np.ndarray, np.ndarray]]]:
    frame = scenario.parameter_draws(iterations, seed=SEED)
    draws = {name: frame[name].to_numpy() for name in frame.columns}
    peer = Peer(scenario.to_dict(), draws, iterations)
    rng = np.random.default_rng(SEED)
    return peer, [peer.run(rng, participants=arm == 1) for arm in (0, 1)]


def best_of(repeats: int, f: Any) -> tuple[float, Any]:
    best, out = np.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def one_cohort() -> ontschot.Scenario:
    """The SamenOud seed without the people turning 75 each year: the peer follows one cohort."""
    return ontschot.seeds.samenoud().with_values({"population.inflow": 0})


def main() -> None:
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    scenario = one_cohort()
    numpy_seconds, (peer, numpy_arms) = best_of(3, lambda: run_peer(scenario, iterations))
    timings = {}
    for threads in (1, None):
        timings[threads], r = best_of(
            3, lambda: scenario.run(iterations=iterations, seed=SEED, threads=threads, progress=False, mode="individual")
        )
    person_years = sum(float(r.effects(a)[:, :, 0].sum()) for a in (0, 1))

    print(f"SamenOud seed, individual mode: {peer.people:,} people, {peer.years} years, {iterations} iterations, 2 arms; best of 3")
    print(f"  {person_years:,.0f} person-years lived")
    print(f"  NumPy peer (1 thread)       {numpy_seconds:8.3f} s   {person_years / numpy_seconds / 1e6:6.2f} M person-years/s")
    for threads, label in ((1, "ontschot, 1 thread"), (None, "ontschot, all threads")):
        sec = timings[threads]
        print(f"  {label:<27} {sec:8.3f} s   {person_years / sec / 1e6:6.2f} M person-years/s   {numpy_seconds / sec:5.1f}x the peer")
    print("  target: at least 5x the peer")

    print("\nMeans over iterations (care over the horizon, undiscounted), ontschot - peer within 3 SE:")
    failed = False
    for name, ours, theirs, z in agreement(r, peer, numpy_arms):
        ok = abs(z) <= 3
        failed |= not ok
        print(f"  {name:<22} ontschot {ours:16,.1f}  peer {theirs:16,.1f}  diff/SE {z:6.2f}  {'ok' if ok else 'DIFFERENT'}")
    if failed:
        sys.exit("the peer and ontschot disagree beyond Monte Carlo error")


if __name__ == "__main__":
    main()
