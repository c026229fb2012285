"""app.text: the core's normalisation, the same rule as before for every code point, only faster."""
from __future__ import annotations

import re
import sys
import unicodedata

from app.text import is_blank, normalize_text


def _regex_rule(text: str) -> str:  # the rule as app.school.classnames wrote it before it moved to the core
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    return re.sub(r"\s+", " ", text).strip()


def test_full_width_and_every_kind_of_space():
    assert normalize_text("　Ｇ３７ 02\t\n2013\u00a0 ") == "G37 02 2013"
    assert normalize_text("七年级（３）班") == "七年级(3)班"
    assert normalize_text("") == "" and is_blank("") and is_blank(" \u3000\t\n") and not is_blank(" a ")


def test_same_as_the_regex_rule_and_blank_exactly_when_all_space_for_every_code_point():
    chars = [chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF]
    joined = "x".join(chars)
    assert normalize_text(joined) == _regex_rule(joined)
    # str.split() / isspace() and re's \s know the same characters as space ...
    assert re.fullmatch(r"\s+", "".join(c for c in chars if c.isspace()))
    assert not re.search(r"\s", "".join(c for c in chars if not c.isspace()))
    # ... and NFKC turns no other character into space only: blank after the rule exactly when all space
    folded = [unicodedata.normalize("NFKC", c) for c in chars]
    assert [c for c, f in zip(chars, folded, strict=True) if f.isspace()] == [c for c in chars if is_blank(c)]
    assert all(normalize_text(f" {c}{c} ") == _regex_rule(f" {c}{c} ") for c in ["\u3000", "Ａ", "①", "ﬁ", "\u00a8"])


def test_classnames_keeps_the_core_rule():
    from app.school import classnames

    assert classnames.normalize_text is normalize_text
