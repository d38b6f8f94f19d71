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


def net_at(scenario: ontschot.Scenario, parameter: str, value: float, party: str) -> float:
    """A party's mean net after the arrangements with `parameter` fixed at `value`."""
    r = scenario.with_values({parameter: value}).run(iterations=2_000, seed=2026, progress=False)
    return float(r.who_pays(by="payer", after=True).loc[party, "net_after"]) if party != "total" else float(
        r.summary().loc[("total", "total"), "net_after"]
    )


def break_even(scenario: ontschot.Scenario, parameter: str, party: str, low: float, high: float) -> float:
    """The value of an effect parameter (a ratio: lower is a larger effect) at which a party's
    expected net is zero, by bisection between `low` (the party gains) and `high` (it loses)."""
    for _ in range(30):
        mid = (low + high) / 2
        if net_at(scenario, parameter, mid, party) > 0:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def what_it_would_take(scenario: ontschot.Scenario, parameter: str, parties: list[tuple[str, str]]) -> list[str]:
    rows = [f"| party | breaks even at `{parameter}` = |", "|---|---:|"]
    for key, label in parties:
        rows.append(f"| {label} | {break_even(scenario, parameter, key, 0.01, 1.0):.3f} |")
    return rows


if __name__ == "__main__":
    for name, scenario, variants in [
        ("SamenOud", ontschot.seeds.samenoud(), ["business_case_2013", "trial"]),
        ("Welzijn op Recept", ontschot.seeds.welzijn_op_recept(), ["controlled_evidence"]),
        ("POH-Jeugd", ontschot.seeds.poh_jeugd(), ["practice_figures"]),
    ]:
        print(f"{name}:")
        print("\n".join(table(scenario, variants)))
        print()
    print("POH-Jeugd, what it would take (2,000 iterations per value):")
    print("\n".join(what_it_would_take(ontschot.seeds.poh_jeugd(), "rr_referral", [("municipality", "Gemeente (Jeugdwet)"), ("total", "Total")])))
