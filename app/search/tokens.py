"""Turning Chinese text into tokens SQLite FTS5 can index, and a query into an FTS5 expression.

FTS5's ``unicode61`` tokenizer does not segment Chinese (a whole run of Han characters is one token) and its
``trigram`` tokenizer needs queries of at least three characters. We index *character bigrams* instead:

* every run of CJK characters becomes its overlapping bigrams followed by the run's last character
  (``近期失眠`` → ``近期 期失 失眠 眠``); a one-character run is just that character;
* every run of letters or digits becomes one lower-case word;
* everything else (punctuation, spaces) separates runs.

The tokens are written space-separated into a ``unicode61`` FTS5 table, so each token keeps its position.
A query run of n ≥ 2 CJK characters becomes the *phrase* of its n−1 bigrams, which matches exactly where the
characters stand next to each other in the text (a substring match, for 2 characters a single token lookup);
a one-character run becomes a prefix query (``眠*``); a word becomes a prefix query; query runs are ANDed.
"""
from __future__ import annotations

import re
import unicodedata

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_RUN = re.compile(rf"([{_CJK}]+)|([0-9A-Za-z\u00c0-\u024f]+)")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def runs(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, run) pairs of the normalised text."""
    return [(bool(m.group(1)), m.group(0)) for m in _RUN.finditer(normalize(text))]


def index_tokens(text: str) -> str:
    """The space-separated token string written to the FTS table."""
    out: list[str] = []
    for cjk, run in runs(text):
        if not cjk:
            out.append(run)
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
            out.append(run[-1])
    return " ".join(out)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for a user's query, or None when the query has nothing searchable."""
    parts: list[str] = []
    for cjk, run in runs(query):
        if cjk and len(run) >= 2:
            parts.append('"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"')
        else:
            parts.append(f'"{run}"*')
    return " AND ".join(parts) if parts else None


def query_terms(query: str) -> list[str]:
    """The runs of a query, for highlighting them in the original text."""
    return [run for _cjk, run in runs(query)]
