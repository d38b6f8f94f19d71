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


if __name__ == "__main__":
    for name, scenario, variants in [
        ("SamenOud", ontschot.seeds.samenoud(), ["business_case_2013", "trial"]),
        ("Welzijn op Recept", ontschot.seeds.welzijn_op_recept(), ["controlled_evidence"]),
    ]:
        print(f"{name}:")
        print("\n".join(table(scenario, variants)))
        print()
