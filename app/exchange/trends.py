"""The county centre's trends: each indicator across the periods imported (the months or the semesters), per school
and district-wide, and each school's figures as a share of its target (what the charts and the inspection report
draw). Reads only the current package of each school and period; writes nothing.

District-wide, a count (students covered, classes with a lesson, teachers trained) is summed over the schools that
reported, and so is its target, so the district rate is the sum of values over the sum of targets. A ratio (its unit
has a slash, like 人/10班, or is %) is averaged over the schools instead: summing ratios means nothing."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import InputRejected
from app.exchange.centre import district_rows, require_centre
from app.indicators.periods import code_kind, code_start
from app.session import Session


@dataclass(frozen=True)
class Group:
    """Indicators drawn together: the inspections' five headings."""

    key: str
    title: str
    figure_keys: tuple[str, ...]


GROUPS = (
    Group("staffing", "师资配备", ("staffing.fulltime", "staffing.ratio")),
    Group("coverage", "测评覆盖", ("screening.coverage",)),
    Group("one_plus_one", "“1+1”（每班每月一节心理课、一次主题活动）",
          ("courses.lessons_every_class", "courses.activities_every_class")),
    Group("talks", "谈话与家校沟通", ("casework.talk_coverage", "casework.feedback_coverage", "casework.home_visits")),
    Group("training", "教师培训", ("people.training_hours",)),
)
KIND_NAMES = {"month": "月份", "semester": "学期"}


def is_ratio(unit: str) -> bool:
    return "/" in unit or unit.strip() == "%"


def rate(value: Any, target: Any) -> float | None:
    """``value`` as a percentage of ``target`` (one decimal); None when there is no positive target."""
    if not isinstance(value, int | float) or not isinstance(target, int | float) or isinstance(value, bool) \
            or target <= 0:
        return None
    return round(value * 100.0 / target, 1)


def groups_present(columns: Iterable[dict[str, Any]]) -> list[tuple[Group, list[dict[str, Any]]]]:
    """The groups with at least one of their figures among ``columns`` (in the group's order)."""
    by_key = {c["key"]: c for c in columns}
    out = []
    for g in GROUPS:
        cols = [by_key[k] for k in g.figure_keys if k in by_key]
        if cols:
            out.append((g, cols))
    return out


def _check_code(text: str, what: str) -> str:
    code = text.strip()
    if code_kind(code) not in KIND_NAMES:
        raise InputRejected(f"{what}“{text}”看不懂：请写月份（如 2026-09）或学期（如 2026-2027-1 表示第一学期，"
                            "2026-2027-2 表示第二学期），与各校上报包的期次写法相同。")
    return code


def _next_code(code: str) -> str:
    if code_kind(code) == "month":
        d = code_start(code)
        assert d is not None
        return f"{d.year + 1}-01" if d.month == 12 else f"{d.year}-{d.month + 1:02d}"
    first, second, term = code.split("-")
    return f"{first}-{second}-2" if term == "1" else f"{second}-{int(second) + 1}-1"


def span(session: Session, *, first: str | None = None, last: str | None = None,
         kind: str | None = None) -> tuple[str, list[str]]:
    """(kind, period codes in order) of a trend: every month or semester from ``first`` to ``last`` when both are
    given; otherwise the periods of that kind imported so far (cut at ``first`` or ``last`` when one is given).
    Without a kind or a bound, the kind of the newest imported period."""
    first = _check_code(first, "起始期次") if first else None
    last = _check_code(last, "结束期次") if last else None
    kinds = {code_kind(c) for c in (first, last) if c}
    if kind is not None and kind not in KIND_NAMES:
        raise InputRejected(f"趋势的期次类型“{kind}”看不懂：只能是 month（按月）或 semester（按学期）。")
    if kind:
        kinds.add(kind)   # type: ignore[arg-type]
    if len(kinds) > 1:
        raise InputRejected("起止期次须同为月份（如 2026-09 至 2026-12）或同为学期（如 2026-2027-1 至 2026-2027-2），"
                            "不能一个是月份、一个是学期。")
    imported = sorted({str(r[0]) for r in session.db.query("SELECT DISTINCT period_code FROM exchange_packages")},
                      key=lambda c: code_start(c) or dt.date.min)
    if not kinds:
        newest = [c for c in imported if code_kind(c) in KIND_NAMES]
        kinds = {code_kind(newest[-1]) if newest else "month"}
    chosen = kinds.pop()
    assert chosen is not None
    if first and last:
        start, end = code_start(first), code_start(last)
        assert start is not None and end is not None
        if start > end:
            raise InputRejected(f"起始期次 {first} 在结束期次 {last} 之后：请把早的写在前面。")
        codes, c = [first], first
        while c != last and len(codes) < 240:
            c = _next_code(c)
            codes.append(c)
        return chosen, codes
    codes = [c for c in imported if code_kind(c) == chosen]
    if first:
        codes = [c for c in codes if (code_start(c) or dt.date.min) >= (code_start(first) or dt.date.min)]
    if last:
        codes = [c for c in codes if (code_start(c) or dt.date.min) <= (code_start(last) or dt.date.min)]
    return chosen, codes


def district_trend(session: Session, *, first: str | None = None, last: str | None = None,
                   kind: str | None = None) -> dict[str, Any]:
    """Every figure across the periods of :func:`span`, per school and district-wide (see the module)."""
    require_centre(session, "查看全区趋势")
    chosen, codes = span(session, first=first, last=last, kind=kind)
    n = len(codes)
    index = {c: i for i, c in enumerate(codes)}
    columns: dict[str, dict[str, Any]] = {}
    schools: dict[int, dict[str, Any]] = {}
    for sid, name, code in session.db.query("SELECT id, name, code FROM exchange_schools ORDER BY code, name"):
        schools[int(sid)] = {"name": name, "code": code, "reported": [False] * n, "figures": {}}
    for sid, period, payload in district_rows(session.db, codes):
        i, school = index[str(period)], schools[int(sid)]
        school["reported"][i] = True
        for f in json.loads(payload).get("figures", []):
            columns.setdefault(f["key"], {"key": f["key"], "area": f["area"], "title": f["title"],
                                          "unit": f.get("unit", ""), "how": "mean" if is_ratio(f.get("unit", ""))
                                          else "sum"})
            series = school["figures"].setdefault(f["key"], {"values": [None] * n, "targets": [None] * n,
                                                             "ok": [None] * n})
            series["values"][i], series["targets"][i], series["ok"][i] = f["value"], f.get("target"), f.get("ok")
    district = {key: _district_series(col, schools.values(), n) for key, col in columns.items()}
    missing = [{"name": s["name"], "code": s["code"], "periods": [c for c, r in zip(codes, s["reported"], strict=True)
                                                                    if not r]}
               for s in schools.values() if not all(s["reported"])]
    return {"kind": chosen, "periods": codes, "registered": len(schools),
            "reported": [sum(s["reported"][i] for s in schools.values()) for i in range(n)],
            "columns": list(columns.values()), "district": district, "schools": list(schools.values()),
            "missing": missing}


def _district_series(col: dict[str, Any], schools: Iterable[dict[str, Any]], n: int) -> dict[str, Any]:
    values: list[list[float]] = [[] for _ in range(n)]
    targets: list[list[float]] = [[] for _ in range(n)]
    ok: list[int] = [0] * n
    judged: list[int] = [0] * n
    for s in schools:
        series = s["figures"].get(col["key"])
        if series is None:
            continue
        for i in range(n):
            v, t, good = series["values"][i], series["targets"][i], series["ok"][i]
            if isinstance(v, int | float) and not isinstance(v, bool):
                values[i].append(float(v))
                if isinstance(t, int | float) and not isinstance(t, bool):
                    targets[i].append(float(t))
            if good is not None:
                judged[i] += 1
                ok[i] += 1 if good else 0
    total: list[float | None] = []
    target: list[float | None] = []
    rates: list[float | None] = []
    for i in range(n):
        if not values[i]:
            total.append(None)
            target.append(None)
            rates.append(None)
            continue
        if col["how"] == "mean":
            total.append(round(sum(values[i]) / len(values[i]), 2))
            target.append(round(sum(targets[i]) / len(targets[i]), 2) if targets[i] else None)
        else:
            total.append(_num(sum(values[i])))
            target.append(_num(sum(targets[i])) if len(targets[i]) == len(values[i]) else None)
        rates.append(rate(total[-1], target[-1]))
    return {"values": total, "targets": target, "rates": rates, "schools_ok": ok, "schools_judged": judged}


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)


def trend_cell(d: dict[str, Any], i: int) -> str:
    """One period of a district series as text: ``value / target（rate%）``, or — when no school had the figure."""
    v, t, r = d["values"][i], d["targets"][i], d["rates"][i]
    if v is None:
        return "—"
    return f"{v:g}" + (f" / {t:g}" if t is not None else "") + (f"（{r:g}%）" if r is not None else "")


def school_rates(view: dict[str, Any], keys: Sequence[str]) -> list[tuple[str, list[float | None]]]:
    """For one period's district view: each reporting school's figures of ``keys`` as % of target."""
    out = []
    for s in view["schools"]:
        out.append((s["name"], [rate(s["figures"].get(k, {}).get("value"), s["figures"].get(k, {}).get("target"))
                                for k in keys]))
    return out


def trend_workbook_rows(trend: dict[str, Any]) -> tuple[list[str], list[list[Any]], list[str], list[list[Any]]]:
    """The trend as two sheets: district-wide (one figure a row: value, target and rate per period) and per school
    (one school and figure a row: the value per period, blank when not reported)."""
    codes = trend["periods"]
    d_headers = ["指标", "单位", "全区口径"] + [f"{c} {what}" for c in codes for what in ("数值", "目标", "达成率%")] \
        + [f"{c} 达标学校" for c in codes]
    d_rows: list[list[Any]] = [["已上报学校数", "所", "合计"] + [x for n in trend["reported"] for x in (n, "", "")]
                               + ["" for _ in codes]]
    for col in trend["columns"]:
        d = trend["district"][col["key"]]
        cells: list[Any] = []
        for i in range(len(codes)):
            cells += [_blank(d["values"][i]), _blank(d["targets"][i]), _blank(d["rates"][i])]
        d_rows.append([col["title"], col["unit"], "各校平均" if col["how"] == "mean" else "合计"] + cells
                      + [f"{ok}/{n}" if n else "" for ok, n in zip(d["schools_ok"], d["schools_judged"], strict=True)])
    s_headers = ["学校", "代码", "指标", "单位"] + list(codes)
    s_rows: list[list[Any]] = []
    for s in trend["schools"]:
        for col in trend["columns"]:
            series = s["figures"].get(col["key"])
            values = series["values"] if series else [None] * len(codes)
            s_rows.append([s["name"], s["code"], col["title"], col["unit"]]
                          + [_blank(v) if r else "未上报" for v, r in zip(values, s["reported"], strict=True)])
    return d_headers, d_rows, s_headers, s_rows


def _blank(v: Any) -> Any:
    return "" if v is None else v


def save_trend_xlsx(session: Session, trend: dict[str, Any], path: Path) -> Path:
    """The trend as an .xlsx (figures of schools, no student named: written plain), audited in one transaction."""
    from app.exchange.package import write_checked
    from app.tabular.writing import append_row, new_workbook, workbook_bytes

    require_centre(session, "导出全区趋势")
    d_headers, d_rows, s_headers, s_rows = trend_workbook_rows(trend)
    wb, ws = new_workbook("全区趋势", d_headers)
    for row in d_rows:
        append_row(ws, row)
    ws2 = wb.create_sheet("各校各期")
    append_row(ws2, s_headers)
    for row in s_rows:
        append_row(ws2, row)
    with session.db.transaction():
        out = write_checked(path.parent, path.name, workbook_bytes(wb))
        session.audit("export", str(out.resolve()), {"what": "全区趋势", "periods": trend["periods"],
                                                     "encrypted": False, "named": False})
    return out
