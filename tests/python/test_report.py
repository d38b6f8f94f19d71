"""The HTML report from Python."""

import pickle
import re

import pytest

import ontschot


def test_results_write_a_report_with_their_own_numbers(tmp_path):
    r = ontschot.seeds.samenoud().run(iterations=300, seed=4, progress=False)
    path = tmp_path / "samenoud.html"
    r.report(path)
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="nl"' in html
    shown = [float(x) for x in re.findall(r'data-net-after="([^"]+)"', html)]
    # A payer no flow touches (the grant funder, outside the grant option) is left out of the report.
    payers = r.who_pays(by="payer")
    touched = ~(payers[["investment", "savings", "net_p2_5", "net_p97_5"]] == 0).all(axis=1)
    assert list(payers.index[~touched]) == ["grant_funder"]
    expected = r.who_pays(by="payer", after=True)["net_after"][touched].to_list()
    assert shown == pytest.approx(expected, rel=1e-12)
    assert "Alle aannames" in html and "rr_complex_frail" in html
    english = tmp_path / "en.html"
    ontschot.seeds.welzijn_op_recept().report(english, iterations=100, lang="en")
    assert "Who pays and who benefits" in english.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="lang must be"):
        r.report(tmp_path / "x.html", lang="fr")
    # Results keep their scenario through pickling (sent back from another process, say).
    pickle.loads(pickle.dumps(r)).report(tmp_path / "y.html")
    again = [float(x) for x in re.findall(r'data-net-after="([^"]+)"', (tmp_path / "y.html").read_text(encoding="utf-8"))]
    assert again == shown


def test_a_report_of_a_named_arm_and_not_of_the_comparator(tmp_path):
    s = ontschot.seeds.samenoud()
    r = s.run(iterations=100, seed=2, progress=False)
    path = tmp_path / "arm.html"
    r.report(path, arm="samenoud")
    html = path.read_text(encoding="utf-8")
    assert "Alle partijen samen" in html and "arm='samenoud'" in html
    with pytest.raises(ValueError, match="is the comparator"):
        r.report(tmp_path / "z.html", arm=0)
