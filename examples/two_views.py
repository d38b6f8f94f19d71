"""The two views of money side by side for each seed: what docs/seeds.md shows.

The societal view values use at reference prices of the price year and discounts (for cost-
effectiveness); the budget view is each party's own cash per calendar year: tariffs, the share of
a changed unit that releases cash, indexation and own contributions by their rules, nominal and
never discounted. Both after the arrangements in force.

Run: python examples/two_views.py
"""

import ontschot
import pandas as pd


def untouched(societal: pd.Series, years: pd.DataFrame) -> bool:
    """A party without any flow in either view (a grant funder whose grant is not in force)."""
    return (societal[["net", "net_after_p2_5", "net_after_p97_5"]] == 0).all() and (
        years[["cash_p2_5", "cash_p97_5"]] == 0
    ).all(axis=None)


def table(scenario: ontschot.Scenario) -> list[str]:
    r = scenario.run(iterations=10_000, seed=2026, progress=False)
    societal = r.who_pays(by="payer", after=True)
    budget = r.budget(by="payer")
    first, last = r.calendar_years[0], r.calendar_years[-1]
    rows = [
        f"| party | societal: net over {len(r.years)} years, discounted, prices of {r.meta['price_year']} | "
        f"budget: cash {first}-{last}, nominal | budget: cash in {first} | P(cash better by {last}) |",
        "|---|---:|---:|---:|---:|",
    ]
    for party, row in societal.iterrows():
        years = budget[budget["party"] == party].set_index("year")
        if untouched(row, years):
            continue
        end, start = years.loc[last], years.loc[first]
        chance = f"{end['probability_better_cumulative']:.0%}" if end["bears_risk"] else "- (no risk)"
        rows.append(
            f"| {row['label']} | {row['net_after']:,.0f} | {end['cumulative']:,.0f} | {start['cash']:,.0f} | {chance} |"
        )
    return rows


if __name__ == "__main__":
    for name, scenario in [("SamenOud", ontschot.seeds.samenoud()), ("Welzijn op Recept", ontschot.seeds.welzijn_op_recept())]:
        print(f"{name}:")
        print("\n".join(table(scenario)))
        print()
