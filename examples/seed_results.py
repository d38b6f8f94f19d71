"""Each seed under each view of the evidence it ships with: what docs/seeds.md shows.

Per payer, the net over the horizon after the arrangements in force in the societal view
(reference prices of the price year, discounted), on the same draws for every variant (common
random numbers); + means the payer gains. The long-term care fund bears no risk of its own: its
figure is lower spending, not a gain.

Run: python examples/seed_results.py
"""

import ontschot


def table(scenario: ontschot.Scenario, variants: list[str]) -> list[str]:
    frame = scenario.variants(iterations=10_000, seed=2026)
    # A payer no option touches (a grant funder whose grant is not in force) gets no column.
    frame = frame[frame.groupby("payer")["net"].transform(lambda net: (net != 0).any())]
    payers = frame[(frame["option"] == "base") & (frame["level"] == "payer")]["label"].tolist()
    rows = [
        "| view of the evidence | " + " | ".join(payers) + " | total | P(total gain) |",
        "|---|" + "---:|" * (len(payers) + 2),
    ]
    for name in ["base", *variants]:
        option = frame[frame["option"] == name]
        label = "the seed as it is" if name == "base" else option["option_label"].iloc[0]
        nets = [f"{v:,.0f}" for v in option[option["level"] == "payer"]["net"]]
        total = option[option["level"] == "total"].iloc[0]
        rows.append(f"| {label} | " + " | ".join(nets) + f" | {total['net']:,.0f} | {total['probability_gain']:.0%} |")
    return rows


def net_at(scenario: ontschot.Scenario, parameter: str, value: float, party: str, view: str) -> float:
    """A party's mean net after the arrangements with `parameter` fixed at `value`: over the
    horizon, discounted (societal view), or its cumulative cash (budget view)."""
    r = scenario.with_values({parameter: value}).run(iterations=2_000, seed=2026, progress=False)
    if view == "budget":
        cash = r.budget(by="total" if party == "total" else "payer")
        return float(cash[cash["party"] == party]["cumulative"].iloc[-1])
    if party == "total":
        return float(r.summary().loc[("total", "total"), "net_after"])
    return float(r.who_pays(by="payer", after=True).loc[party, "net_after"])


def break_even(scenario: ontschot.Scenario, parameter: str, party: str, view: str, gains: float, loses: float) -> float:
    """The value of `parameter` at which a party's expected net is zero, by bisection between a
    value at which it gains and one at which it loses."""
    for _ in range(30):
        mid = (gains + loses) / 2
        if net_at(scenario, parameter, mid, party, view) > 0:
            gains = mid
        else:
            loses = mid
    return (gains + loses) / 2


def what_it_would_take(
    scenario: ontschot.Scenario, parameter: str, rows: list[tuple[str, str, str]], gains: float, loses: float
) -> list[str]:
    out = [f"| party | view | breaks even at `{parameter}` = |", "|---|---|---:|"]
    for key, label, view in rows:
        out.append(f"| {label} | {view} | {break_even(scenario, parameter, key, view, gains, loses):.3f} |")
    return out


def coverage(scenario: ontschot.Scenario) -> list[str]:
    """Debt counselling: the insurer's care savings as a share of the municipality's cost, at the
    seed's GGZ spending once debts are resolved and at none at all (the most care could save)."""
    rows = ["| GGZ spending once debts are resolved | care savings as a share of the counselling cost |", "|---|---:|"]
    for label, values in [("the seed: 431-631 euro a year", {}), ("none at all: 0 euro a year", {"ggz_resolved": 0})]:
        payers = scenario.with_values(values).run(iterations=10_000, seed=2026, progress=False).who_pays(by="payer")
        share = payers.loc["insurer", "savings"] / payers.loc["municipality", "investment"]
        rows.append(f"| {label} | {share:.1%} |")
    return rows


if __name__ == "__main__":
    for name, scenario, variants in [
        ("SamenOud", ontschot.seeds.samenoud(), ["business_case_2013", "trial"]),
        ("Welzijn op Recept", ontschot.seeds.welzijn_op_recept(), ["controlled_evidence", "older_lonely_pomp"]),
        ("POH-Jeugd", ontschot.seeds.poh_jeugd(), ["practice_figures"]),
        ("Huiskamer van de buurt", ontschot.seeds.huiskamer(), ["few_substitutes", "many_substitutes"]),
        ("Schuldhulpverlening", ontschot.seeds.schuldhulp(), ["no_care_effect"]),
        ("GLI", ontschot.seeds.gli(), ["no_care_effect"]),
    ]:
        print(f"{name}:")
        print("\n".join(table(scenario, variants)))
        print()
    print("POH-Jeugd, what it would take (2,000 iterations per value):")
    poh = ontschot.seeds.poh_jeugd()
    rows = [("municipality", "Gemeente (Jeugdwet)", "societal"), ("municipality", "Gemeente (Jeugdwet)", "budget"), ("total", "Total", "societal")]
    print("\n".join(what_it_would_take(poh, "rr_referral", rows, gains=0.01, loses=1.0)))
    print()
    print("Huiskamer van de buurt, what it would take (2,000 iterations per value):")
    rows = [("municipality", "Gemeente (Wmo)", "societal"), ("municipality", "Gemeente (Wmo)", "budget")]
    print("\n".join(what_it_would_take(ontschot.seeds.huiskamer(), "share_indicated", rows, gains=1.0, loses=0.0)))
    print()
    print("Schuldhulpverlening, what it would take (10,000 iterations):")
    print("\n".join(coverage(ontschot.seeds.schuldhulp())))
    print()
    print("GLI, what it would take (2,000 iterations per value): the care saved a year per participant who keeps the weight off")
    rows = ["| party | breaks even at a yearly saving of |", "|---|---:|"]
    for key, label in [("insurer", "Zorgverzekeraar"), ("total", "Total")]:
        care = break_even(ontschot.seeds.gli(), "care_lost", key, "societal", gains=0.0, loses=5_000.0)
        rows.append(f"| {label} | {5_000 - care:,.0f} |")
    print("\n".join(rows))
