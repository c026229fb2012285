"""Pinyin keys for search: 张三 -> ('zhangsan', 'zs').

pypinyin loads its phrase dictionary when imported (about 0.2 s), so it is imported on the first name that needs
pinyin, not when this module is: a dry run, a preview or a command that never writes a student does not pay for it.
Keys are cached: a school's names repeat across imports and re-imports.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache


@cache
def _converter() -> Callable[[str], list[str]]:
    from pypinyin import Style, lazy_pinyin

    def convert(name: str) -> list[str]:
        return lazy_pinyin(name, style=Style.NORMAL, errors="ignore")

    return convert


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    syllables = [s.lower() for s in _converter()(name)]
    syllables = [s for s in syllables if s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables if s)
