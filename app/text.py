"""Text normalisation shared by every layer: what a cell, a search box or a typed name is compared as.

Schools type the same text in many widths and spacings: full-width digits and letters (２０１３, Ｇ３７…), the
ideographic space, runs of spaces, tabs and line breaks. ``normalize_text`` folds them all to one form. It is part
of the core (no capability's module), so that ``app.tabular`` and every capability use the same rule.
"""
from __future__ import annotations

import unicodedata


def normalize_text(text: str) -> str:
    """Full-width to half-width (NFKC), every kind of space removed at the edges and collapsed inside.

    '　Ｇ３７ 02\\t2013 ' -> 'G37 02 2013'. ``str.split()`` splits on exactly the characters ``re``'s ``\\s`` and
    ``str.isspace`` know as space, so this is the same rule as a ``\\s+`` substitution, without the regex cost
    (it runs for every cell of every imported file).
    """
    return " ".join(unicodedata.normalize("NFKC", text).split())


def is_blank(text: str) -> bool:
    """True when ``normalize_text(text)`` would be empty: NFKC maps no visible character to a space or to
    nothing, so a text is blank exactly when it is all spaces (checked for every code point in the tests)."""
    return not text or text.isspace()
