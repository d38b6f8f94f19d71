"""The cohort mode side by side with a peer: the same models as batched NumPy.

The peer is what a good NumPy programmer writes for a probabilistic cohort model: every
parameter drawn for all iterations at once with one ``numpy.random.Generator``, the transition
matrices built as an ``[iteration, state, state]`` array, and per cycle one batched product
``trace[iteration, state] x P[iteration, state, state]`` (``np.einsum``); costs and effects as
array products; the summaries (means and 95% intervals of the discounted totals) with NumPy.

Two models:

- **textbook**: a four-state Sick-Sicker-style model (healthy, sick, sicker, dead), 20 yearly
  cycles, half-cycle correction, Dirichlet transition rows, gamma costs, beta utilities, and a
  treatment with a cost and a lognormal relative risk on sick -> sicker;
- **samenoud**: the SamenOud seed (one cohort, no people entering), its matrices and use rates
  built by the individual peer's ``Peer`` class (``benches/individual_vs_numpy.py``).

Both are checked twice: on ontschot's own parameter draws (``Scenario.parameter_draws``) the peer's
per-year arrays equal ontschot's to 1e-9 (the same model), and on the peer's own draws the means
agree within Monte Carlo error. Timing: best of 3, the peer on one thread, ontschot on one thread
and on all; each side draws, simulates and summarises.

Target (issue: the cohort engine ahead of a batched NumPy peer): ontschot at least 5x the peer
on all threads and 3x on one.

Run after ``bash scripts/test.sh`` (which builds the package):
    .venv/bin/python benches/cohort_vs_numpy.py [iterations]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

import ontschot

sys.path.insert(0, str(Path(__file__).parent))
from individual_vs_numpy import Peer, best_of  # noqa: E402

SEED = 2026
YEARS = 20
STATES = ["healthy", "sick", "sicker", "dead"]
ROWS = {  # Dirichlet counts per row (as from a cohort study): the textbook model's transitions
    "healthy": {"healthy": 845, "sick": 150, "dead": 5},
    "sick": {"healthy": 500, "sick": 380, "sicker": 105, "dead": 15},
    "sicker": {"sicker": 900, "dead": 100},
}
COSTS = {"healthy": (2000, 300), "sick": (4000, 600), "sicker": (15000, 2000)}  # gamma mean, sd
UTILITIES = {"healthy": (1.0, 0.0), "sick": (0.75, 0.04), "sicker": (0.5, 0.05)}  # beta mean, sd
TREATMENT = (12000, 1500)  # gamma mean, sd of the drug per participant-year alive
RR = (0.6, 0.4, 0.9)  # lognormal median and 95% interval of the relative risk sick -> sicker


def textbook() -> ontschot.Scenario:
    params: dict[str, Any] = {}
    for s, row in ROWS.items():
        params[f"p_{s}"] = {"dist": "dirichlet", "alpha": {t: float(a) for t, a in row.items()}, "assumption": True}
    for s, (m, sd) in COSTS.items():
        params[f"c_{s}"] = {"dist": "gamma", "mean": m, "sd": sd, "assumption": True}
    for s, (m, sd) in UTILITIES.items():
        params[f"u_{s}"] = {"dist": "fixed", "value": m} if sd == 0 else {"dist": "beta", "mean": m, "sd": sd}
        params[f"u_{s}"]["assumption"] = True
    params["c_treatment"] = {"dist": "gamma", "mean": TREATMENT[0], "sd": TREATMENT[1], "assumption": True}
    params["rr_sicker"] = {"dist": "lognormal", "median": RR[0], "ci": [RR[1], RR[2]], "assumption": True}
    transitions = {}
    for s, row in ROWS.items():
        transitions[s] = {t: ("rest" if t == s else f"p_{s}.{t}") for t in row}
    return ontschot.Scenario.from_dict(
        {
            "name": "Sick-Sicker (textbook)",
            "horizon_years": YEARS,
            "cycle_convention": "half_cycle",
            "discount": {"costs": 0.03, "effects": 0.015},
            "population": {"size": 1000},
            "parameters": params,
            "states": [
                {"name": "healthy", "initial": 1, "utility": "u_healthy"},
                {"name": "sick", "utility": "u_sick"},
                {"name": "sicker", "utility": "u_sicker"},
                {"name": "dead", "dead": True},
            ],
            "transitions": {"kind": "probability", "from": transitions},
            "categories": [
                {"name": f"care_{s}", "price": f"c_{s}", "paid_by": {"zvw": 1}, "use_per_year": {s: 1}, "source": "textbook"}
                for s in COSTS
            ],
            "arms": [
                {"name": "usual_care"},
                {
                    "name": "treatment",
                    "costs": [{"name": "drug", "kind": "per_participant_year", "amount": "c_treatment", "paid_by": {"zvw": 1}}],
                    "transition_effects": [{"from": "sick", "to": "sicker", "relative_risk": "rr_sicker"}],
                },
            ],
        }
    )


def gamma(rng: np.random.Generator, mean: float, sd: float, n: int) -> np.ndarray:
    shape = (mean / sd) ** 2
    return rng.gamma(shape, mean / shape, n)


def beta(rng: np.random.Generator, mean: float, sd: float, n: int) -> np.ndarray:
    k = mean * (1 - mean) / sd**2 - 1
    return rng.beta(mean * k, (1 - mean) * k, n)


def textbook_draws(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Every parameter for all iterations at once, named as ontschot names them."""
    d: dict[str, np.ndarray] = {}
    for s, row in ROWS.items():
        shares = rng.dirichlet(list(row.values()), n)
        for k, t in enumerate(row):
            d[f"p_{s}.{t}"] = shares[:, k]
    for s, (m, sd) in COSTS.items():
        d[f"c_{s}"] = gamma(rng, m, sd, n)
    for s, (m, sd) in UTILITIES.items():
        d[f"u_{s}"] = np.full(n, m) if sd == 0 else beta(rng, m, sd, n)
    d["c_treatment"] = gamma(rng, *TREATMENT, n)
    sdlog = (np.log(RR[2]) - np.log(RR[1])) / (2 * 1.959963984540054)
    d["rr_sicker"] = np.exp(rng.normal(np.log(RR[0]), sdlog, n))
    return d


def textbook_peer(d: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Care, programme and QALYs per [iteration, year] of both arms: batched products per cycle."""
    s = len(STATES)
    idx = {name: i for i, name in enumerate(STATES)}
    p = np.zeros((2, n, s, s))
    for frm, row in ROWS.items():
        i = idx[frm]
        for to in row:
            if to != frm:
                p[:, :, i, idx[to]] = d[f"p_{frm}.{to}"]
    p[1, :, idx["sick"], idx["sicker"]] *= d["rr_sicker"]
    for i in range(s):
        p[:, :, i, i] = 0.0
        p[:, :, i, i] = 1.0 - p[:, :, i].sum(axis=2)
    price = np.stack([d[f"c_{st}"] for st in COSTS] + [np.zeros(n)], axis=1)  # [iteration, state]
    utility = np.stack([d[f"u_{st}"] for st in UTILITIES] + [np.zeros(n)], axis=1)
    alive = np.array([1.0, 1.0, 1.0, 0.0])
    out = {}
    for arm in (0, 1):
        m = np.zeros((n, s))
        m[:, 0] = 1000.0
        care, qalys, programme = np.empty((n, YEARS)), np.empty((n, YEARS)), np.empty((n, YEARS))
        for y in range(YEARS):
            nxt = np.einsum("is,ist->it", m, p[arm])
            w = 0.5 * (m + nxt)  # half-cycle: the mean of the occupancy at the start and the end
            care[:, y] = (w * price).sum(axis=1)
            qalys[:, y] = (w * utility).sum(axis=1)
            programme[:, y] = (w @ alive) * d["c_treatment"] if arm == 1 else 0.0
            m = nxt
        out[f"care{arm}"], out[f"qalys{arm}"], out[f"programme{arm}"] = care, qalys, programme
    return out


def summarise(flows: dict[str, np.ndarray], cost_rate: float = 0.03, effect_rate: float = 0.015) -> dict[str, Any]:
    """Discounted increments per iteration and their mean and 95% interval."""
    years = flows["care0"].shape[1]
    dc = (1 + cost_rate) ** -np.arange(years)
    de = (1 + effect_rate) ** -np.arange(years)
    cost = ((flows["care1"] + flows["programme1"] - flows["care0"] - flows["programme0"]) * dc).sum(axis=1)
    qaly = ((flows["qalys1"] - flows["qalys0"]) * de).sum(axis=1)
    saved = ((flows["care0"] - flows["care1"]) * dc).sum(axis=1)
    return {
        "net": (-cost.mean(), *np.percentile(-cost, [2.5, 97.5])),
        "qalys": (qaly.mean(), *np.percentile(qaly, [2.5, 97.5])),
        "saved": (saved.mean(), saved.std(ddof=1)),
    }


def peer_textbook(n: int) -> dict[str, Any]:
    rng = np.random.default_rng(SEED)
    flows = textbook_peer(textbook_draws(rng, n), n)
    flows["programme0"] = np.zeros_like(flows["care0"])
    return summarise(flows)


def samenoud_peer(peer: Peer, n: int) -> dict[str, np.ndarray]:
    """The SamenOud cohort: expected counts per transition, participants and the others mixed by
    uptake, per cycle one batched product per group."""
    init = np.diff(np.concatenate([np.zeros((n, 1)), peer.cum_init], axis=1), axis=1)
    trans = np.diff(np.concatenate([np.zeros(peer.cum.shape[:-1] + (1,)), np.minimum(peer.cum, 1.0)], axis=-1), axis=-1)
    price_split = np.einsum("ic,icb->icb", peer.price, peer.split)  # [iteration, category, budget]
    out = {}
    for arm in (0, 1):
        shares = [(0, np.ones(n))] if arm == 0 else [(0, 1.0 - peer.uptake), (1, peer.uptake)]
        care = np.zeros((n, peer.years, len(peer.budgets)))
        for g, share in shares:
            m = init * (peer.people * share)[:, None]
            for y in range(peer.years):
                flow = m[:, :, None] * trans[:, g]  # [iteration, from, to]
                units = np.einsum("ist,istc->ic", flow, peer.lam[:, g])
                care[:, y] += np.einsum("ic,icb->ib", units, price_split)
                m = flow.sum(axis=1)
        out[f"care{arm}"] = care
    return out


def ontschot_run(scenario: ontschot.Scenario, n: int, threads: int | None) -> dict[str, Any]:
    r = scenario.run(iterations=n, seed=SEED, threads=threads, progress=False)
    return json.loads(r._inner.summary_json(1))


def ontschot_summarise(scenario: ontschot.Scenario, n: int, threads: int | None) -> dict[str, Any]:
    """The same summary without keeping the records (both views' summaries are computed)."""
    return scenario.summarise(iterations=n, seed=SEED, threads=threads, progress=False)._summary(1)


def same_model(label: str, pairs: list[tuple[str, np.ndarray, np.ndarray]]) -> bool:
    ok = True
    for name, ours, theirs in pairs:
        scale = max(np.abs(theirs).max(), 1.0)
        err = float(np.abs(ours - theirs).max() / scale)
        ok &= err <= 1e-9
        print(f"  {label} {name:<18} largest difference {err:.1e} of the largest value  {'ok' if err <= 1e-9 else 'DIFFERENT'}")
    return ok


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    failed = False

    # Textbook model: the same draws give the same arrays.
    tb = textbook()
    check_n = 200
    frame = tb.parameter_draws(check_n, seed=SEED)
    flows = textbook_peer({c: frame[c].to_numpy() for c in frame.columns}, check_n)
    r = tb.run(iterations=check_n, seed=SEED, progress=False)
    print(f"Same draws, same numbers ({check_n} iterations):")
    failed |= not same_model(
        "textbook",
        [
            ("care, usual care", r.array(0, "zvw"), flows["care0"]),
            ("care + drug", r.array(1, "zvw") + r.array(1, "zvw", kind="programme"), flows["care1"] + flows["programme1"]),
            ("QALYs, treatment", r.effects(1)[:, :, 1], flows["qalys1"]),
        ],
    )
    so = ontschot.seeds.samenoud().with_values({"population.inflow": 0})
    frame = so.parameter_draws(check_n, seed=SEED)
    peer = Peer(so.to_dict(), {c: frame[c].to_numpy() for c in frame.columns}, check_n)
    sflows = samenoud_peer(peer, check_n)
    r = so.run(iterations=check_n, seed=SEED, progress=False)
    pairs = []
    for arm in (0, 1):
        for b in peer.budgets:
            if b in r.budgets and np.abs(sflows[f"care{arm}"][:, :, peer.budgets.index(b)]).max() > 0:
                pairs.append((f"arm {arm} {b}", r.array(arm, b), sflows[f"care{arm}"][:, :, peer.budgets.index(b)]))
    failed |= not same_model("samenoud", pairs)

    # Timings and agreement on each side's own draws.
    so_dict = so.to_dict()
    print(f"\nBest of 3, {n:,} iterations, draws + simulation + summary:")
    for label, scenario, peer_run in (
        ("textbook (4 states, 20 cycles)", tb, lambda: peer_textbook(n)),
        ("samenoud (one cohort, 5 years)", so, lambda: samenoud_timed(so_dict, n)),
    ):
        t_np, peer_summary = best_of(3, peer_run)
        t1, _ = best_of(3, lambda: ontschot_run(scenario, n, 1))
        tall, ours = best_of(3, lambda: ontschot_run(scenario, n, None))
        s1, _ = best_of(3, lambda: ontschot_summarise(scenario, n, 1))
        sall, lean = best_of(3, lambda: ontschot_summarise(scenario, n, None))
        print(f"  {label}")
        print(f"    NumPy peer (1 thread)              {t_np:8.3f} s")
        print(f"    ontschot run, 1 thread             {t1:8.3f} s   {t_np / t1:5.1f}x the peer   (target 3x)")
        print(f"    ontschot run, all threads          {tall:8.3f} s   {t_np / tall:5.1f}x the peer   (target 5x)")
        print(f"    ontschot summarise, 1 thread       {s1:8.3f} s   {t_np / s1:5.1f}x the peer   (target 3x)")
        print(f"    ontschot summarise, all threads    {sall:8.3f} s   {t_np / sall:5.1f}x the peer   (target 5x)")
        # Without the records, the same summary to the bit.
        failed |= lean != ours
        print(f"    summarise equals run's summary: {'ok' if lean == ours else 'DIFFERENT'}")
        # Independent draws on each side: the means of the care saved agree within Monte Carlo error.
        saved, sd = ours["total"]["savings"]["mean"], ours["total"]["savings"]["sd"]
        theirs, their_sd = peer_summary["saved"]
        z = (saved - theirs) / (np.hypot(sd, their_sd) / np.sqrt(n))
        failed |= abs(z) > 3
        print(f"    mean care saved: ontschot {saved:,.0f}, peer {theirs:,.0f}, difference {z:+.2f} SE  {'ok' if abs(z) <= 3 else 'DIFFERENT'}")
    if failed:
        sys.exit("the peer and ontschot disagree")


Z975 = 1.959963984540054


def numpy_draws(parameters: dict[str, dict[str, Any]], rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Every parameter of a scenario for all iterations at once, with NumPy's own generators
    (the parametrisations of docs/scenario-format.md); Dirichlet components as ``name.part``."""
    out: dict[str, np.ndarray] = {}
    for name, p in parameters.items():
        kind = p["dist"]
        if kind == "fixed":
            out[name] = np.full(n, float(p["value"]))
        elif kind == "normal":
            sd = p["sd"] if "sd" in p else (p["ci"][1] - p["ci"][0]) / (2 * Z975)
            out[name] = rng.normal(p["mean"], sd, n)
        elif kind == "lognormal":
            if "meanlog" in p:
                mu, sigma = p["meanlog"], p["sdlog"]
            elif "median" in p:
                mu, sigma = np.log(p["median"]), (np.log(p["ci"][1]) - np.log(p["ci"][0])) / (2 * Z975)
            else:
                sigma = np.sqrt(np.log1p((p["sd"] / p["mean"]) ** 2))
                mu = np.log(p["mean"]) - sigma**2 / 2
            out[name] = rng.lognormal(mu, sigma, n)
        elif kind == "gamma":
            shape, scale = (p["shape"], p["scale"]) if "shape" in p else ((p["mean"] / p["sd"]) ** 2, p["sd"] ** 2 / p["mean"])
            out[name] = rng.gamma(shape, scale, n)
        elif kind == "beta":
            if "alpha" in p:
                a, b = p["alpha"], p["beta"]
            elif "events" in p:
                a, b = p["events"], p["n"] - p["events"]
            else:
                k = p["mean"] * (1 - p["mean"]) / p["sd"] ** 2 - 1
                a, b = p["mean"] * k, (1 - p["mean"]) * k
            out[name] = rng.beta(a, b, n)
        elif kind == "uniform":
            out[name] = rng.uniform(p["min"], p["max"], n)
        elif kind == "triangular":
            out[name] = rng.triangular(p["min"], p["mode"], p["max"], n)
        elif kind == "pert":
            lo, mode, hi, shape = p["min"], p["mode"], p["max"], p.get("shape", 4.0)
            a, b = 1 + shape * (mode - lo) / (hi - lo), 1 + shape * (hi - mode) / (hi - lo)
            out[name] = lo + (hi - lo) * rng.beta(a, b, n)
        elif kind == "dirichlet":
            alpha = p["alpha"] if "alpha" in p else {k: v * p["n"] for k, v in p["shares"].items()}
            shares = rng.dirichlet(list(alpha.values()), n)
            for k, part in enumerate(alpha):
                out[f"{name}.{part}"] = shares[:, k]
        else:
            raise ValueError(f"{name}: no NumPy draw for {kind}")
    return out


def samenoud_timed(scenario: dict[str, Any], n: int) -> dict[str, Any]:
    """The peer's SamenOud run: its own draws, the batched cohort and the summary."""
    rng = np.random.default_rng(SEED)
    peer = Peer(scenario, numpy_draws(scenario["parameters"], rng, n), n)
    flows = samenoud_peer(peer, n)
    years = flows["care0"].shape[1]
    dc = 1.03 ** -np.arange(years)
    saved = ((flows["care0"] - flows["care1"]).sum(axis=2) * dc).sum(axis=1)
    return {"saved": (saved.mean(), saved.std(ddof=1)), "interval": np.percentile(saved, [2.5, 97.5])}


if __name__ == "__main__":
    main()
