"""The examples in the docstrings run and give what they show."""

import doctest

import pytest

import ontschot
import ontschot._results
import ontschot._scenario
import ontschot.seeds


@pytest.mark.parametrize("module", [ontschot, ontschot.seeds, ontschot._scenario, ontschot._results])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{module.__name__} has no examples"
    assert result.failed == 0


def test_the_budget_risk_page_shows_what_its_example_prints():
    import subprocess
    import sys

    from conftest import ROOT

    out = subprocess.run([sys.executable, ROOT / "examples" / "budget_risk.py"], check=True, capture_output=True, text=True).stdout
    page = (ROOT / "docs" / "budget-risk.md").read_text()
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 * (1 + 3), out  # two tables: a header and three sizes each
    for row in rows:
        assert row in page, f"docs/budget-risk.md does not show: {row}"


def test_the_seeds_page_shows_both_views_as_the_example_prints_them():
    import subprocess
    import sys

    from conftest import ROOT

    out = subprocess.run([sys.executable, ROOT / "examples" / "two_views.py"], check=True, capture_output=True, text=True).stdout
    page = (ROOT / "docs" / "seeds.md").read_text()
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == (1 + 4) + (1 + 3), out  # per seed a header, then a row per payer
    for row in rows:
        assert row in page, f"docs/seeds.md does not show: {row}"


def test_the_region_page_shows_what_its_example_prints():
    import subprocess
    import sys

    from conftest import ROOT

    out = subprocess.run([sys.executable, ROOT / "examples" / "region.py"], check=True, capture_output=True, text=True).stdout
    page = (ROOT / "docs" / "region.md").read_text()
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == (1 + 10) + (1 + 7) + (1 + 7), out  # parties with the funds; free riders; the deal
    for row in rows:
        assert row in page, f"docs/region.md does not show: {row}"
