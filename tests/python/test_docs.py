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
