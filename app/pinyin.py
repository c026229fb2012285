"""Pinyin keys for search: 张三 -> ('zhangsan', 'zs')."""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    syllables = [s for s in syllables if s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables if s)
