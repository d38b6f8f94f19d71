"""Budget risk of a small and a large municipality: the SamenOud seed at three population sizes,
in the cohort mode (uncertainty about the parameters only) and the individual mode (that, plus the
luck of who happens to need care).

Run with: .venv/bin/python examples/budget_risk.py
It prints the markdown table quoted in docs/budget-risk.md.
"""

from __future__ import annotations

import numpy as np

import ontschot

ITERATIONS = 1000
SEED = 2026
# Home-dwelling people aged 75+ in a municipality of 20,000 inhabitants and in a city of 300,000:
# about 8% of inhabitants are 75+, and 92.4% of them live at home (docs/budget-risk.md gives the
# sources; the sizes are rounded assumptions).
SIZES = {"district of 4,000": 300, "municipality of 20,000": 1_500, "city of 300,000": 22_000}


def wmo_care(results: ontschot.Results) -> np.ndarray:
    """What the Wmo pays for care with the intervention in place, discounted over the horizon,
    per iteration: the budget the municipality has to find."""
    factors = results.discount_factors("costs")[None, :]
    return (results.array(1, "wmo", kind="care") * factors).sum(axis=1)


def wmo_net(results: ontschot.Results) -> np.ndarray:
    """The Wmo budget's discounted net over the horizon per iteration, after the arrangement in
    force (positive: the municipality gains)."""
    factors = results.discount_factors("costs")[None, :, None]
    after = results.net(1) - (results.transfers(1) * factors).sum(axis=1)
    return after[:, results.budgets.index("wmo")]


def table(title: str, measure, runs: dict) -> None:
    print(f"\n{title}, euros per 1,000 people over 5 years, discounted:\n")
    print("| population | mean | 95% interval, cohort mode | 95% interval, individual mode | luck alone: 95% interval |")
    print("|---|---:|---:|---:|---:|")
    for name, (size, by_mode) in runs.items():
        cohort, people = (measure(by_mode[m]) / size * 1000 for m in ("cohort", "individual"))
        # The same draws in both modes: the difference per iteration is the people's luck alone.
        ranges = [np.percentile(x, [2.5, 97.5]) for x in (cohort, people, people - cohort)]
        cells = " | ".join(f"[{low:,.0f}, {high:,.0f}]" for low, high in ranges)
        print(f"| {name}: {size:,} people | {people.mean():,.0f} | {cells} |")


def main() -> None:
    seed = ontschot.seeds.samenoud()
    runs = {}
    population = seed.to_dict()["population"]
    for name, size in SIZES.items():
        # The people turning 75 each year in proportion, in whole people.
        inflow = round(population.get("inflow", 0) * size / population["size"])
        scenario = seed.with_values({"population.size": size, "population.inflow": inflow})
        runs[name] = (size, {m: scenario.run(iterations=ITERATIONS, seed=SEED, mode=m, progress=False) for m in ("cohort", "individual")})
    print(f"SamenOud seed, {ITERATIONS} iterations, seed {SEED}")
    table("Wmo care paid with SamenOud in place", wmo_care, runs)
    table("Wmo net of SamenOud against usual care, after the arrangement in force (+ = gain)", wmo_net, runs)


if __name__ == "__main__":
    main()
