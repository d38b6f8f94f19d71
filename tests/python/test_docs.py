"""The examples in the docstrings run and give what they show."""

import doctest

import pytest

import ontschot
import ontschot._results
import ontschot._scenario
import ontschot.format
import ontschot.seeds


@pytest.mark.parametrize("module", [ontschot, ontschot.seeds, ontschot._scenario, ontschot._results, ontschot.format])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{module.__name__} has no examples"
    assert result.failed == 0


def _page_rows(example: str, page: str, expected: int) -> None:
    """The table rows `examples/EXAMPLE` prints all stand in `docs/PAGE`, and there are `expected`."""
    import subprocess
    import sys

    from conftest import ROOT

    out = subprocess.run([sys.executable, ROOT / "examples" / example], check=True, capture_output=True, text=True).stdout
    text = (ROOT / "docs" / page).read_text()
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == expected, out
    for row in rows:
        assert row in text, f"docs/{page} does not show: {row}"


def test_the_budget_risk_page_shows_what_its_example_prints():
    _page_rows("budget_risk.py", "budget-risk.md", 2 * (1 + 3))  # two tables: a header and three sizes each


def test_the_seeds_page_shows_both_views_as_the_example_prints_them():
    _page_rows("two_views.py", "seeds.md", (1 + 4) + (1 + 3))  # per seed a header, then a row per payer


def test_the_seeds_page_shows_each_view_of_the_evidence_as_the_example_prints_it():
    # Per seed a header, then a row per view of the evidence; then what it would take for POH-Jeugd
    # and the living room; the share of its cost that debt counselling saves in care; the saving
    # at which the GLI breaks even.
    seeds = (1 + 3) + (1 + 3) + (1 + 2) + (1 + 3) + (1 + 2) + (1 + 2)
    _page_rows("seed_results.py", "seeds.md", seeds + (1 + 3) + (1 + 2) + (1 + 2) + (1 + 2))


def test_the_region_page_shows_what_its_example_prints():
    _page_rows("region.py", "region.md", (1 + 10) + (1 + 7) + (1 + 7))  # parties; free riders; the deal
