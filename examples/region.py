"""SamenOud in Oost-Groningen: who pays and who saves per municipality and insurer, and who would
rather stay out. What docs/region.md shows.

Run: python examples/region.py
"""

import ontschot
from two_views import untouched


def main() -> None:
    scenario = ontschot.seeds.region_samenoud()
    r = scenario.run(iterations=10_000, seed=2026, progress=False)
    parties = r.who_pays(by="party", after=True)
    budget = r.budget(by="party")
    first, last = r.calendar_years[0], r.calendar_years[-1]
    print(f"| party | societal: net over {len(r.years)} years, discounted | budget: cash {first}-{last}, nominal | P(cash better by {last}) |")
    print("|---|---:|---:|---:|")
    for name, row in parties.iterrows():
        if untouched(row, budget[budget["party"] == name]):
            continue
        end = budget[(budget["party"] == name) & (budget["year"] == last)].iloc[0]
        chance = f"{end['probability_better_cumulative']:.0%}" if end["bears_risk"] else "- (no risk)"
        print(f"| {row['label']} | {row['net_after']:,.0f} | {end['cumulative']:,.0f} | {chance} |")
    print()
    riders = r.free_riders()
    print("| party | cash joining | cash staying out | worth staying out | P(gain) joining | P(gain) staying out |")
    print("|---|---:|---:|---:|---:|---:|")
    for _, row in riders.iterrows():
        print(
            f"| {row['label']} | {row['cash_joining']:,.0f} | {row['cash_free_riding']:,.0f} | "
            f"{row['incentive_to_stay_out']:,.0f} | {row['probability_gain_joining']:.0%} | {row['probability_gain_free_riding']:.0%} |"
        )
    print()
    deal = r.deal("maxmin")
    print(f"| party | share of the pool | net (mean) | P(gain) |")
    print("|---|---:|---:|---:|")
    for _, row in deal.iterrows():
        print(f"| {row['label']} | {row['share']:.1%} | {row['net']:,.0f} | {row['probability_gain']:.0%} |")
    print()
    print(deal.attrs["message"])


if __name__ == "__main__":
    main()
