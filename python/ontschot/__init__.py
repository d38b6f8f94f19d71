"""ontschot: who pays and who benefits.

Monte Carlo business cases for interventions that join social work and health care, per Dutch
budget (Zvw, Wmo, Wlz, own contributions) and per payer (insurer, municipality, care office,
client), over years, with uncertainty.

>>> import ontschot
>>> scenario = ontschot.seeds.samenoud()
>>> results = scenario.run(iterations=200, seed=1, progress=False)
>>> list(results.who_pays().index)
['zvw', 'wmo', 'wlz', 'eigen_bijdrage', 'grant']

The seed's grant budget is for the option in which a grant pays the programme
(``results.compare()``); without it, it has no flows.
"""

from __future__ import annotations

from . import format, plot, seeds
from ._errors import DrawError, OntschotError, ResultsError, ScenarioError
from ._finance import Solution, compare
from ._ontschot import __version__
from ._results import Results, Summaries
from ._scenario import Scenario
from ._sensitivity import Sensitivity

__all__ = [
    "DrawError",
    "OntschotError",
    "Results",
    "ResultsError",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "Solution",
    "Summaries",
    "compare",
    "format",
    "__version__",
    "plot",
    "seeds",
]
