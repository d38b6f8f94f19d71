"""What an analyst sees in Jupyter: tables with raw numbers that show formatted, plots in euros
with one colour per party, the results' summary, the progress bar."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import ontschot
from ontschot import _progress


@pytest.fixture(scope="module")
def samenoud():
    return ontschot.seeds.samenoud().run(iterations=200, seed=1, progress=False)


def test_tables_keep_raw_numbers_and_print_euros_and_percentages(samenoud):
    t = samenoud.who_pays(by="payer")
    assert isinstance(t, pd.DataFrame) and t["net"].dtype == float
    net = float(t.loc["insurer", "net"])
    text = repr(t)
    assert "e+0" not in text
    assert ontschot.format.euro(net, "en") in text
    assert ontschot.format.percent(float(t.loc["insurer", "probability_gain"]), 0, "en") in text
    # Slicing keeps the formatting; arithmetic sees the numbers.
    assert ontschot.format.euro(net, "en") in repr(t[["net"]])
    assert float(t["net"].sum()) == pytest.approx(float(samenoud.who_pays(by="budget")["net"].sum()), abs=1e-6)


def test_styled_tables_speak_each_language_with_its_own_notation(samenoud):
    t = samenoud.who_pays(by="payer")
    net = float(t.loc["insurer", "net"])
    en, nl = t.styled("en").to_html(), t.styled("nl").to_html()
    assert "Chance of gaining" in en and "Saves on care" in en and ontschot.format.euro(net, "en") in en
    assert "Kans op winst" in nl and "Bespaart op zorg" in nl and ontschot.format.euro(net, "nl") in nl
    assert "probability_gain" not in en and "net_p2_5" not in nl
    assert "Chance of gaining" in t.style.to_html()
    with pytest.raises(ValueError, match="lang must be 'en' or 'nl'"):
        t.styled("de")


def test_results_html_names_parties_in_words_with_the_after_view_and_health(samenoud):
    page = samenoud._repr_html_()
    assert "Health insurer" in page and "All parties together" in page
    assert "Net after arrangements" in page  # the seed's arrangement in force moves money
    assert "For people:" in page and "life-years" in page and "QALYs" in page
    assert "95% interval" in page
    assert "grant_funder" not in page and "Grant" not in page  # untouched by the option in force
    assert "e+0" not in page


def test_results_html_has_no_after_columns_without_arrangements():
    r = ontschot.seeds.welzijn_op_recept().run(iterations=100, seed=1, progress=False)
    if np.abs(r.who_pays(by="payer", after=True)["transfers"]).max() > 0:
        pytest.skip("the seed has an arrangement in force")
    assert "Net after arrangements" not in r._repr_html_()


def test_plots_keep_one_colour_per_payer_and_say_euros_and_the_interval(samenoud):
    from matplotlib.colors import to_hex

    municipality = ontschot.plot.party_styles(samenoud, "payer")[samenoud.payers.index("municipality")]["color"]
    ax = samenoud.plot_cumulative(by="payer")
    lines = {line.get_label(): to_hex(line.get_color()) for line in ax.get_lines()}
    assert lines["Municipality"] == municipality.lower()
    wmo = ontschot.plot.party_styles(samenoud, "budget")[samenoud.budgets.index("wmo")]
    assert wmo["color"] == municipality  # a budget has its payer's colour
    assert "95% interval" in ax.get_title()
    assert any("€" in t.get_text() for t in ax.get_yticklabels())
    ax = samenoud.plot_who_pays(by="payer")
    assert "95% interval" in ax.get_title()
    bars = {to_hex(p.get_facecolor()) for p in ax.patches}
    assert municipality.lower() in bars
    plt.close("all")


def test_a_region_plots_per_municipality_and_insurer():
    r = ontschot.seeds.region_samenoud().run(iterations=50, seed=1, progress=False)
    ax = r.plot_who_pays(by="party")
    assert len(ax.get_xticklabels()) >= 4
    plt.close("all")


def test_the_tornado_plot_shows_labels_not_keys():
    t = ontschot.seeds.welzijn_op_recept().tornado("total")
    ax = ontschot.plot.tornado(t, top=3)
    ticks = [x.get_text() for x in ax.get_yticklabels()]
    assert "Cost per welfare-coach trajectory" in ticks and not any("_" in x for x in ticks)
    assert t.loc["coach_trajectory_cost", "label_nl"] == "Kosten per traject welzijnscoach"
    plt.close("all")


def test_jupyter_gets_the_tqdm_widget_and_a_terminal_the_plain_bar(monkeypatch):
    assert isinstance(_progress.resolve(None, "run"), _progress.Bar)
    monkeypatch.setattr(_progress, "in_notebook", lambda: True)
    bar = _progress.resolve(True, "SamenOud")
    assert isinstance(bar, _progress.NotebookBar)
    ontschot.seeds.welzijn_op_recept().run(iterations=50, seed=1, progress=bar)
    assert bar.bar is not None and bar.bar.n == bar.bar.total == 50


def test_the_two_way_plot_names_its_axes_in_words():
    s = ontschot.seeds.welzijn_op_recept()
    grid = s.two_way("uptake", [0.5, 0.9], "rr_gp", [0.7, 1.0], iterations=50, seed=1)
    ax = ontschot.plot.two_way(grid)
    assert ax.get_ylabel() == s.parameter_label("uptake") == "Share of referrals starting with the coach"
    assert s.parameter_label("uptake", "nl") == "Start bij welzijnscoach na verwijzing"
    assert s.parameter_label("no_such") == "no_such"
    plt.close("all")
