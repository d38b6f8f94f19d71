"""Numbers as a Dutch or an English reader writes them: the same formatter as the CLI and the
HTML report (``ontschot::format`` in Rust), so a figure reads the same everywhere.

>>> from ontschot import format as fmt
>>> fmt.euro_short(-3_188_768, "nl"), fmt.euro_short(-3_188_768, "en")
('-€ 3,2 mln', '-€3.2m')
>>> fmt.whole(2971, "nl"), fmt.percent(0.03, 1, "en"), fmt.decimal(0.9, 2, "nl")
('2.971', '3.0%', '0,90')
"""

from __future__ import annotations

from typing import Literal

from ._ontschot import format_number

Lang = Literal["nl", "en"]

__all__ = ["Lang", "decimal", "euro", "euro_short", "percent", "whole"]


def whole(x: float, lang: Lang = "nl") -> str:
    """A whole number with its thousands grouped: ``2.971`` (nl), ``2,971`` (en)."""
    return format_number("whole", float(x), lang, 0)


def decimal(x: float, digits: int = 2, lang: Lang = "nl") -> str:
    """``x`` with ``digits`` decimals: ``0,90`` (nl), ``0.90`` (en)."""
    return format_number("decimal", float(x), lang, int(digits))


def percent(p: float, digits: int = 0, lang: Lang = "nl") -> str:
    """A probability or share as a percentage: ``3,0%`` (nl), ``3.0%`` (en)."""
    return format_number("percent", float(p), lang, int(digits))


def euro(x: float, lang: Lang = "nl") -> str:
    """Euros to the euro: ``€ 3.188.768`` (nl), ``€3,188,768`` (en)."""
    return format_number("euro", float(x), lang, 0)


def euro_short(x: float, lang: Lang = "nl") -> str:
    """Euros rounded for a reader in a hurry: ``€ 3,2 mln`` (nl), ``€3.2m`` (en)."""
    return format_number("euro_short", float(x), lang, 0)
