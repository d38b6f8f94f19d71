"""The seed scenarios shipped with ontschot; every number in them has a source or is marked as an
assumption (see ``docs/seeds.md``).

>>> from ontschot import seeds
>>> seeds.names()
['samenoud', 'welzijn_op_recept', 'region_samenoud', 'poh_jeugd', 'huiskamer', 'schuldhulp', 'gli']
>>> seeds.load("samenoud").name
'SamenOud'
"""

from __future__ import annotations

from . import _ontschot
from ._scenario import Scenario


def names() -> list[str]:
    """Names of the seed scenarios."""
    return list(_ontschot.Scenario.seed_names())


def load(name: str) -> Scenario:
    """A seed scenario by name; ``KeyError`` for an unknown name."""
    return Scenario._wrap(_ontschot.Scenario.seed(name))


def samenoud() -> Scenario:
    """SamenOud (Embrace): integrated care for people 75+ with case management."""
    return load("samenoud")


def welzijn_op_recept() -> Scenario:
    """Welzijn op Recept: GP referral of patients with psychosocial complaints to a welfare coach."""
    return load("welzijn_op_recept")


def region_samenoud() -> Scenario:
    """SamenOud in Oost-Groningen: the SamenOud seed with the municipalities of Stadskanaal, Pekela
    and Veendam and the region's insurers as parties (``docs/region.md``)."""
    return load("region_samenoud")


def poh_jeugd() -> Scenario:
    """POH-Jeugd: a youth mental-health practice nurse at the GP, paid from the Jeugdwet; a "what
    it would take" scenario, since the one controlled study found no effect on youth-care use
    (``docs/seeds.md``)."""
    return load("poh_jeugd")


def huiskamer() -> Scenario:
    """Huiskamer van de buurt: a neighbourhood living room replacing part of individual Wmo day
    care; a "what it would take" scenario (``docs/seeds.md``)."""
    return load("huiskamer")


def schuldhulp() -> Scenario:
    """Schuldhulpverlening: municipal debt counselling against the mental-health care of the
    households in it; a "what it would take" scenario (``docs/seeds.md``)."""
    return load("schuldhulp")


def gli() -> Scenario:
    """The combined lifestyle intervention (GLI, Zvw) with the municipal exercise offer; a "what
    it would take" scenario (``docs/seeds.md``)."""
    return load("gli")
