"""Which column of a result file is which scale item, and how its answers are coded.

Survey platforms (问卷星 and the like) number their own questions and prefix them: "1、您的姓名：", "9、对事物专注有困难",
"4、在过去两周里，您有多少时候受到以下问题困扰？—做事时提不起劲或没有兴趣". A question number is the platform's, not
the scale's, so:

- an item column is matched by the item's **text** from the scale file, with those prefixes taken off;
- a header that is only a number ("第9题", "Q9", "9") names the item by that number;
- where neither decides, the **order** of the remaining columns after the identifying columns decides, when their count
  is exactly the count of items still missing;
- the preview says, per item, which column became it and why (``ItemMatch.how``).

Answers are read in one **coding** per file: ``score`` (the scale's own values, from 0 for PHQ-9), ``option`` (option
numbers from 1, or letters A, B, …) or ``text`` (the scale's option labels). Option labels and letters always read as
what they say; the coding decides how numbers read. It is detected from the numbers in the file; when they fit both
score and option numbers (only 1, 2 and 3 in a PHQ-9 file) it cannot be told, and the import asks.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.screening.scales import Item, Scale
from app.screening.scoring import Answer
from app.tabular import cell_text
from app.tabular.reader import normalize_header
from app.text import normalize_text

CODINGS = ("score", "option", "text")
CODING_LABELS = {"score": "分值", "option": "选项序号（从 1 起）", "text": "选项文字"}
HOW_LABELS = {"mapped": "指定", "text": "按题目文字", "number": "按题号", "order": "按列的顺序"}
LETTERS = "ABCDEFGH"

# A platform's question number or label in front of the text: "9、", "9.", "Q9.", "第9题：", "(9)", "【9】"
_PREFIX = re.compile(r"^(?:第?[0-9一二三四五六七八九十]{1,3}题|q[0-9]{1,3}|[0-9]{1,3}|[(（【\[][0-9]{1,3}[)）】\]])"
                     r"[.、．:：_\-)）\s]*", re.IGNORECASE)
# An answer's option decoration: "A.完全不会", "完全不会（0分）"
_OPTION_PREFIX = re.compile(r"^[A-Ha-h][.、．:：]")
_OPTION_SUFFIX = re.compile(r"[(（][0-9]+分?[)）]$")
_NUMBER_ONLY = re.compile(r"^(?:第([0-9]{1,2}|[一二三四五六七八九十]{1,3})题|题目?([0-9]{1,2})|q([0-9]{1,2})"
                          r"|item([0-9]{1,2})|([0-9]{1,2}))$")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
# Courtesy words platforms put around a field's name: "您的姓名", "所在班级", "学生的学籍号"
_COURTESY = re.compile(r"^(?:请(?:输入|填写)?|您的|你的|学生的|学生|所在)")
TEXT_RATIO = 0.72


@dataclass(frozen=True)
class ItemMatch:
    column: int
    how: str        # "mapped", "text", "number" or "order"

    @property
    def how_label(self) -> str:
        return HOW_LABELS[self.how]


def strip_prefix(header: str) -> str:
    """"9、对事物专注有困难" -> "对事物专注有困难"; "4、在过去两周里…—做事时提不起劲" -> "做事时提不起劲"."""
    t = normalize_text(str(header or "")).strip()
    t = _PREFIX.sub("", t, count=1).strip()
    if "—" in t or "--" in t:  # a matrix question exported as "stem—row"; the row is the item
        parts = [p for p in re.split(r"—+|-{2,}", t) if p.strip()]
        if len(parts) >= 2:
            stem, rest = parts[0], "——".join(parts[1:])
            if any(w in stem for w in ("过去", "两周", "两个星期", "以下", "多少", "频率", "请")):
                t = rest
    return t.strip()


def _letters(text: str) -> str:
    return _PUNCT.sub("", normalize_text(text)).lower()


def field_key(header: str) -> str:
    """A header as the field synonyms see it once a platform's prefix is off: "1、您的姓名：" -> "姓名"."""
    return normalize_header(strip_prefix(header))


def find_fields(headers: Sequence[str], synonyms: Mapping[str, Sequence[str]], taken: set[int],
                fields: Iterable[str]) -> dict[str, int]:
    """Columns for ``fields`` whose header, prefix and courtesy words off, is one of the field's synonyms."""
    keys = [field_key(h) for h in headers]
    bare = [_COURTESY.sub("", k) for k in keys]
    out: dict[str, int] = {}
    used = set(taken)
    for f in fields:
        names = [normalize_header(n) for n in synonyms.get(f, ())]
        for name in names:
            hit = next((i for i, (k, b) in enumerate(zip(keys, bare, strict=True))
                        if i not in used and (k == name or (b and b == name))), None)
            if hit is not None:
                out[f] = hit
                used.add(hit)
                break
    return out


def number_of(header: str) -> int | None:
    """The item number of a header that is only a number ("第9题", "Q9", "题9", "9"), else None."""
    m = _NUMBER_ONLY.match(normalize_header(header))
    if not m:
        return None
    from app.school.classnames import cn_number

    return cn_number(next(g for g in m.groups() if g))


def text_score(header: str, item: Item) -> float:
    """How well a header's text (prefix off) names ``item``: 1.0 when one contains the other, else a ratio."""
    h = _letters(strip_prefix(header))
    t = _letters(item.text)
    if len(h) < 4 or not t:
        return 0.0
    if h in t or t in h:
        return 1.0
    return difflib.SequenceMatcher(None, h, t).ratio()


def match_items(headers: Sequence[str], field_columns: set[int], identifying: set[int], scale: Scale,
                mapped: Mapping[int, str]) -> dict[int, ItemMatch]:
    """Each item's column (see the module's docstring). ``field_columns``: columns taken by fields;
    ``identifying``: the columns that name the student (the order fallback starts after the last of them)."""
    norm = [normalize_header(h) for h in headers]
    out: dict[int, ItemMatch] = {}
    used = set(field_columns)
    for n, header in mapped.items():
        target = normalize_header(header)
        if 1 <= n <= scale.n_items and target in norm and norm.index(target) not in used:
            out[n] = ItemMatch(norm.index(target), "mapped")
            used.add(norm.index(target))
    free = [i for i, h in enumerate(headers) if h and i not in used]
    # headers that are only a number: by that number, when the numbers are the scale's own
    numbered: dict[int, int] = {}
    for i in free:
        num = number_of(headers[i])
        if num is not None:
            numbered[i] = num
    if numbered and all(1 <= n <= scale.n_items for n in numbered.values()) \
            and len(set(numbered.values())) == len(numbered):
        for i, n in numbered.items():
            if n not in out:
                out[n] = ItemMatch(i, "number")
                used.add(i)
    # headers with text: by the item's text
    candidates = []
    for i in free:
        if i in used or i in numbered:
            continue
        for item in scale.items:
            if item.n in out:
                continue
            s = text_score(headers[i], item)
            if s >= TEXT_RATIO:
                candidates.append((s, i, item.n))
    for _s, i, n in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if n not in out and i not in used:
            out[n] = ItemMatch(i, "text")
            used.add(i)
    # the order of what is left after the identifying columns
    missing = [item.n for item in scale.items if item.n not in out]
    if missing:
        start = max(identifying) + 1 if identifying else 0
        rest = [i for i in range(start, len(headers)) if headers[i] and i not in used and i not in field_columns]
        if len(rest) == len(missing):
            for n, i in zip(missing, rest, strict=True):
                out[n] = ItemMatch(i, "order")
    return dict(sorted(out.items()))


# -- answer coding -----------------------------------------------------------------------------------------------
def _clean(value: Any) -> str:
    return cell_text(value).replace(" ", "").replace("\u3000", "")


def _number(text: str) -> int | None | str:
    """An integer, None when not a number, "fraction" for a non-integer number."""
    t = text.removesuffix("分")
    if re.fullmatch(r"[+-]?[0-9]+(\.0+)?", t):
        return int(float(t))
    if re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", t):
        return "fraction"
    return None


def _label_key(text: str) -> str:
    t = _OPTION_SUFFIX.sub("", _OPTION_PREFIX.sub("", normalize_text(text).replace(" ", "")))
    return t


def label_value(text: str, item: Item) -> int | None:
    key = _label_key(text)
    for o in item.options:
        if _label_key(o.label) == key:
            return o.value
    return None


def option_value(k: int, item: Item) -> int | None:
    """Option number ``k`` (1 = the first option listed in the scale file)."""
    return item.options[k - 1].value if 1 <= k <= len(item.options) else None


@dataclass(frozen=True)
class CodingGuess:
    coding: str | None       # None: cannot be told
    numbers: tuple[int, ...]  # the distinct numbers seen
    texts: int               # answers given as option text or letters

    @property
    def label(self) -> str:
        return CODING_LABELS[self.coding] if self.coding else "无法判断"


def detect_coding(scale: Scale, columns: Mapping[int, int], rows: Iterable[Sequence[Any]]) -> CodingGuess:
    """Score values or option numbers, from the numbers in the item columns; text when there are none."""
    numbers: set[int] = set()
    counts: dict[int, int] = {}
    texts = 0
    items = {it.n: it for it in scale.items}
    for cells in rows:
        for n, col in columns.items():
            raw = cells[col] if col < len(cells) else None
            text = _clean(raw)
            if not text:
                continue
            num = _number(text)
            if isinstance(num, int):
                numbers.add(num)
                counts[num] = counts.get(num, 0) + 1
            elif num is None and (label_value(text, items[n]) is not None
                                  or (len(text) == 1 and text.upper() in LETTERS)):
                texts += 1
    if not numbers:
        return CodingGuess("text" if texts else "score", (), texts)
    score_values = {o.value for it in scale.items for o in it.options}
    option_numbers = set(range(1, max(len(it.options) for it in scale.items) + 1))
    same = all([o.value for o in it.options] == list(range(1, len(it.options) + 1)) for it in scale.items)
    fits_score, fits_option = numbers <= score_values, numbers <= option_numbers
    if same or (fits_score and not fits_option):
        coding: str | None = "score"
    elif fits_option and not fits_score:
        coding = "option"
    elif fits_score and fits_option:
        coding = None
    else:  # neither fits every answer: the one that fits clearly more answers (the rest are row errors), or ask
        as_score = sum(c for n, c in counts.items() if n in score_values)
        as_option = sum(c for n, c in counts.items() if n in option_numbers)
        coding = None if as_score == as_option else ("score" if as_score > as_option else "option")
    return CodingGuess(coding, tuple(sorted(numbers)), texts)


def read_answer(value: Any, item: Item, coding: str) -> tuple[Answer, str]:
    """One answer cell in the file's coding -> (value or None for blank, '' or a Chinese reason)."""
    text = _clean(value)
    if text == "":
        return None, ""
    num = _number(text)
    labels = "、".join(o.label for o in item.options)
    if num == "fraction":
        return None, f"答案“{text}”不是整数"
    if isinstance(num, int):
        if coding == "score":
            if num in {o.value for o in item.options}:
                return num, ""
            return None, f"答案 {num} 超出范围（{item.min}–{item.max}，本文件按分值读取）"
        if coding == "option":
            v = option_value(num, item)
            if v is not None:
                return v, ""
            return None, f"答案 {num} 不是选项序号（1–{len(item.options)}，本文件按选项序号读取）"
        return None, f"答案 {num} 是数字，而本文件按选项文字读取（{labels}）"
    if len(text) == 1 and text.upper() in LETTERS:
        v = option_value(LETTERS.index(text.upper()) + 1, item)
        if v is None:
            return None, f"选项“{text}”超出范围（A–{LETTERS[len(item.options) - 1]}）"
        return v, ""
    v = label_value(text, item)
    if v is not None:
        return v, ""
    return None, f"无法识别的答案“{text[:20]}”，应为选项文字（{labels}）" + (
        f"或 {item.min}–{item.max} 的分值" if coding == "score" else "")
