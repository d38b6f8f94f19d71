"""Tables of results that keep their raw numbers and show them as a reader writes them.

:class:`Table` is a pandas DataFrame: arithmetic, ``.loc`` and ``.to_csv`` see the raw floats.
Printing it, showing it in Jupyter or asking for ``.style`` formats each column by what it holds
(euros with thousands separators, chances as percentages, years as years) with the same formatter
as the CLI and the HTML report, and gives the columns words instead of keys.

>>> import ontschot
>>> t = ontschot.seeds.welzijn_op_recept().run(iterations=100, seed=1, progress=False).who_pays(by="payer")
>>> float(t.loc["insurer", "probability_gain"]) <= 1.0     # raw numbers
True
>>> "Net" in t.styled("en").to_html() and "Netto" in t.styled("nl").to_html()
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd

from . import format as fmt

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

# Column key -> (English header, Dutch header).
_HEADERS: dict[str, tuple[str, str]] = {
    "label": ("Name", "Naam"),
    "label_nl": ("Dutch label", "Nederlandse naam"),
    "payer": ("Payer", "Betaler"),
    "party": ("Party", "Partij"),
    "kind": ("Kind", "Soort"),
    "investment": ("Invests", "Investeert"),
    "savings": ("Saves on care", "Bespaart op zorg"),
    "net": ("Net", "Netto"),
    "net_sd": ("Net, SD", "Netto, SD"),
    "net_p2_5": ("Net, 95% interval from", "Netto, 95%-interval van"),
    "net_p50": ("Net, median", "Netto, mediaan"),
    "net_p97_5": ("Net, 95% interval to", "Netto, 95%-interval tot"),
    "probability_gain": ("Chance of gaining", "Kans op winst"),
    "transfers": ("Received through arrangements", "Ontvangen via afspraken"),
    "net_after": ("Net after arrangements", "Netto na afspraken"),
    "net_after_p2_5": ("After, 95% interval from", "Na afspraken, 95%-interval van"),
    "net_after_p97_5": ("After, 95% interval to", "Na afspraken, 95%-interval tot"),
    "probability_gain_after": ("Chance of gaining after", "Kans op winst na afspraken"),
    "break_even_year": ("Break-even year", "Terugverdienjaar"),
    "return_per_euro": ("Return per euro", "Opbrengst per euro"),
    "year": ("Year", "Jaar"),
    "cash": ("Cash", "Kassaldo"),
    "cash_p2_5": ("Cash, 95% interval from", "Kassaldo, 95%-interval van"),
    "cash_p97_5": ("Cash, 95% interval to", "Kassaldo, 95%-interval tot"),
    "probability_better": ("Chance better off", "Kans beter uit"),
    "cumulative": ("Cumulative", "Cumulatief"),
    "cumulative_p2_5": ("Cumulative, 95% interval from", "Cumulatief, 95%-interval van"),
    "cumulative_p97_5": ("Cumulative, 95% interval to", "Cumulatief, 95%-interval tot"),
    "probability_better_cumulative": ("Chance better off, cumulative", "Kans beter uit, cumulatief"),
    "before": ("Before arrangements", "Vóór afspraken"),
    "bears_risk": ("Bears risk", "Draagt risico"),
    "net_joining": ("Net when joining", "Netto als deelnemer"),
    "net_free_riding": ("Net when staying out", "Netto als buitenstaander"),
    "probability_gain_joining": ("Chance of gaining, joining", "Kans op winst, deelnemer"),
    "probability_gain_free_riding": ("Chance of gaining, staying out", "Kans op winst, buitenstaander"),
    "cash_joining": ("Cash when joining", "Kassaldo als deelnemer"),
    "cash_free_riding": ("Cash when staying out", "Kassaldo als buitenstaander"),
    "incentive_to_stay_out": ("Worth of staying out", "Waarde van buiten blijven"),
    "share": ("Share", "Aandeel"),
    "bound": ("Largest share", "Grootste aandeel"),
    "low_value": ("Low value", "Lage waarde"),
    "high_value": ("High value", "Hoge waarde"),
    "net_low": ("Net at low", "Netto bij laag"),
    "net_high": ("Net at high", "Netto bij hoog"),
    "swing": ("Swing", "Uitslag"),
    "option": ("Arrangement", "Afspraak"),
    "option_label": ("Arrangement", "Afspraak"),
    "scenario": ("Scenario", "Scenario"),
    "hypothetical": ("Hypothetical", "Hypothetisch"),
    "level": ("Level", "Niveau"),
}

_EUROS = {
    "investment", "savings", "net", "net_sd", "net_p2_5", "net_p50", "net_p97_5", "transfers", "net_after",
    "net_after_p2_5", "net_after_p97_5", "cash", "cash_p2_5", "cash_p97_5", "cumulative", "cumulative_p2_5",
    "cumulative_p97_5", "before", "net_joining", "net_free_riding", "cash_joining", "cash_free_riding",
    "incentive_to_stay_out", "net_low", "net_high", "swing",
}
_SHARES = {"share", "bound"}


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def formatter(column: str, lang: fmt.Lang = "en") -> Callable[[Any], str] | None:
    """How a column of ontschot's tables is written, or ``None`` for one shown as it is."""

    def guard(f: Callable[[Any], str]) -> Callable[[Any], str]:
        return lambda x: "–" if _missing(x) else f(x)

    if column in _EUROS:
        return guard(lambda x: fmt.euro(x, lang))
    if column.startswith("probability"):
        return guard(lambda x: fmt.percent(x, 0, lang))
    if column in _SHARES:
        return guard(lambda x: fmt.percent(x, 1, lang))
    if column in ("year", "break_even_year"):
        return guard(lambda x: str(int(x)))
    if column in ("low_value", "high_value"):
        return guard(lambda x: fmt.decimal(x, 2 if abs(x) >= 10 else 4, lang))
    if column == "return_per_euro":
        return guard(lambda x: fmt.decimal(x, 2, lang))
    return None


def header(column: str, lang: fmt.Lang = "en") -> str:
    """The words for a column; the key itself for a column ontschot does not know."""
    en, nl = _HEADERS.get(column, (column, column))
    return nl if lang == "nl" else en


class Table(pd.DataFrame):
    """A table of results: raw numbers inside, words and formatted numbers when shown."""

    @property
    def _constructor(self) -> Callable[..., Table]:
        return Table

    def styled(self, lang: fmt.Lang = "en") -> Styler:
        """A pandas ``Styler`` in ``lang`` (``"en"`` or ``"nl"``): euros with thousands
        separators, chances as percentages, columns named in words. For Word, PowerPoint and
        notebooks: ``t.styled("nl").to_html()``, ``.to_excel(...)``."""
        if lang not in ("en", "nl"):
            raise ValueError(f"lang must be 'en' or 'nl', not {lang!r}")
        frame = pd.DataFrame(self)
        formats = {c: f for c in frame.columns if isinstance(c, str) and (f := formatter(c, lang)) is not None}
        styler = frame.style.format(formats, na_rep="–")  # type: ignore[arg-type]
        styler = styler.format_index(lambda c: header(c, lang) if isinstance(c, str) else c, axis=1)
        return styler.set_properties(**{"text-align": "right"}, subset=list(formats))

    @property
    def style(self) -> Styler:  # type: ignore[override]
        """The English :meth:`styled` view; the numbers themselves stay raw."""
        return self.styled("en")

    def _text(self, lang: fmt.Lang = "en") -> str:
        frame = pd.DataFrame(self)
        formatters = {c: f for c in frame.columns if isinstance(c, str) and (f := formatter(c, lang)) is not None}
        return frame.to_string(formatters=formatters)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        if len(self) > 200:  # a long table prints as pandas does, truncated
            return pd.DataFrame(self).__repr__()
        return self._text()

    def _repr_html_(self) -> str | None:
        if len(self) > 200:
            return pd.DataFrame(self)._repr_html_()  # type: ignore[no-any-return,operator]
        return self.styled("en").to_html()
