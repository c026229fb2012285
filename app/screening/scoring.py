"""Scoring one answer vector: reverse items, subscales, validity (missing answers), bands and item rules."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.errors import InputRejected
from app.screening.scales import Scale
from app.tabular import cell_text

Answer = int | None


@dataclass(frozen=True)
class Flag:
    id: str
    label: str
    critical: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "critical": self.critical}


@dataclass(frozen=True)
class ScoreResult:
    scale_id: str
    answers: tuple[Answer, ...]
    total: float
    band: str | None
    band_label: str
    critical: bool
    flags: tuple[Flag, ...]
    subscales: dict[str, float] = field(default_factory=dict)
    missing: int = 0
    prorated: bool = False
    positive: bool = False

    @property
    def total_display(self) -> str:
        return _fmt(self.total)

    def as_json(self) -> dict[str, Any]:
        return {"scale": self.scale_id, "total": _num(self.total), "band": self.band, "band_label": self.band_label,
                "critical": self.critical, "flags": [f.as_json() for f in self.flags],
                "subscales": {k: _num(v) for k, v in self.subscales.items()}, "missing": self.missing,
                "prorated": self.prorated, "positive": self.positive, "answers": list(self.answers)}


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)


def _fmt(x: float) -> str:
    return str(_num(x))


def _round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def parse_answers(text: str) -> list[Answer]:
    """'0,1,2,,3' -> [0, 1, 2, None, 3]; blanks, '-' and '空' are missing answers."""
    out: list[Answer] = []
    for part in cell_text(text).replace("，", ",").split(","):
        p = part.strip()
        if p in ("", "-", "空", "缺", "null", "None"):
            out.append(None)
            continue
        try:
            out.append(int(p))
        except ValueError:
            try:
                f = float(p)
            except ValueError:
                raise InputRejected(f"答案“{p}”不是数字。请用逗号分隔各题的分值，如 0,1,2,3。") from None
            if not f.is_integer():
                raise InputRejected(f"答案“{p}”不是整数。") from None
            out.append(int(f))
    return out


def check_answers(scale: Scale, answers: Sequence[Answer]) -> list[tuple[int, str]]:
    """Problems as (item number or 0, Chinese reason); empty when the vector can be scored."""
    problems: list[tuple[int, str]] = []
    if len(answers) != scale.n_items:
        problems.append((0, f"{scale.short_name} 共 {scale.n_items} 题，收到 {len(answers)} 个答案"))
        return problems
    for item, a in zip(scale.items, answers, strict=True):
        if a is not None and a not in {o.value for o in item.options}:
            problems.append((item.n, f"第{item.n}题的答案 {a} 超出范围（{item.min}–{item.max}）"))
    missing = sum(1 for a in answers if a is None)
    if missing > scale.max_missing:
        problems.append((0, f"缺答 {missing} 题，超过允许的 {scale.max_missing} 题，本次作答无效"))
    return problems


def score(scale: Scale, answers: Sequence[Answer]) -> ScoreResult:
    """Score an answer vector (raw option values, None = missing). Raises InputRejected with the reason."""
    problems = check_answers(scale, answers)
    if problems:
        raise InputRejected("；".join(p[1] for p in problems) + "。")
    scored: list[float | None] = []
    for item, a in zip(scale.items, answers, strict=True):
        if a is None:
            scored.append(None)
        else:
            scored.append(item.min + item.max - a if item.reverse else a)
    answered = [v for v in scored if v is not None]
    missing = len(scored) - len(answered)
    prorated = False
    if scale.method == "mean":
        total = sum(answered) / len(answered)
    elif missing and scale.missing_rule == "prorate":
        total = float(_round_half_up(sum(answered) / len(answered) * len(scored)))
        prorated = True
    else:
        total = float(sum(answered))
    subs: dict[str, float] = {}
    for sub in scale.subscales:
        vals = [scored[i - 1] for i in sub.items]
        got = [v for v in vals if v is not None]
        if not got:
            continue
        if sub.method == "mean":
            subs[sub.id] = round(sum(got) / len(got), 2)
        else:
            subs[sub.id] = float(sum(got))
    flags: list[Flag] = []
    for rule in scale.item_rules:
        a = answers[rule.item - 1]
        if rule.matches(a):
            flags.append(Flag(rule.flag, rule.label, rule.critical))
        elif a is None and rule.critical:
            flags.append(Flag("critical_item_missing", f"关键题第{rule.item}题未作答，请当面核实"))
    ruled = {r.item for r in scale.item_rules if r.critical}
    for item, a in zip(scale.items, answers, strict=True):
        if not item.critical or item.n in ruled:
            continue
        if a is None:
            flags.append(Flag("critical_item_missing", f"关键题第{item.n}题未作答，请当面核实"))
        elif (item.min + item.max - a if item.reverse else a) > item.min:
            flags.append(Flag(f"critical_item_{item.n}", f"第{item.n}题（关键题）阳性", True))
    if prorated:
        flags.append(Flag("prorated", f"缺答 {missing} 题，总分按已答题目折算"))
    band = scale.band_for(total)
    critical = any(f.critical for f in flags)
    return ScoreResult(scale.id, tuple(answers), total, band.id if band else None, band.label if band else "",
                       critical, tuple(flags), subs, missing, prorated, bool(band and band.positive))


def positive_critical_items(scale: Scale, answers: Sequence[Answer]) -> list[int]:
    """The critical items (marked in the scale file or watched by a critical rule) answered positive."""
    out: list[int] = []
    for n in scale.critical_items:
        a = answers[n - 1] if n <= len(answers) else None
        if a is None:
            continue
        rules = [r for r in scale.item_rules if r.critical and r.item == n]
        item = scale.items[n - 1]
        hit = any(r.matches(a) for r in rules) if rules else (item.min + item.max - a if item.reverse else a) > item.min
        if hit:
            out.append(n)
    return out


def score_total_only(scale: Scale, total: float) -> ScoreResult:
    """A platform that exports totals only: band from the total; item rules cannot be checked."""
    if not (scale.min_total <= total <= scale.max_total):
        raise InputRejected(f"总分 {_fmt(total)} 超出 {scale.short_name} 的范围（{_fmt(scale.min_total)}–"
                            f"{_fmt(scale.max_total)}）。")
    band = scale.band_for(total)
    flags = [Flag("totals_only", "只有总分，未能检查关键题")] if scale.item_rules else []
    return ScoreResult(scale.id, (), float(total), band.id if band else None, band.label if band else "", False,
                       tuple(flags), {}, 0, False, bool(band and band.positive))
