"""Any cell content in any column is imported or rejected with a reason: never a crash."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.school.roster_import import apply_roster, preview_roster

HEADER = ["姓名", "性别", "出生日期", "全国学籍号", "学籍辅号", "身份证件号", "年级", "班级名称", "民族", "是否住校",
          "是否留守儿童", "监护人姓名", "监护人关系", "监护人联系电话", "家庭住址"]
GOOD = ["王小明", "男", "2013-05-04", "G3702022013050401", None, "", "七年级", "七年级（3）班", "汉族", "否", "否",
        "王建国", "父亲", "13900000001", "某市某路 1 号"]

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).filter(
    lambda s: not ILLEGAL_CHARACTERS_RE.search(s))
_cjkish = st.sampled_from(["七年级", "初一3班", "7.3", "是", "否", "男", "女", "２０１３年５月４日", "　", "火箭班",
                           "20130504", "G123456", "十二", "𐩀", "①", "²", "高三(12)班", "0", "-1", "1e5", "NaN"])
cell = st.one_of(
    st.none(), _text, _cjkish,
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.booleans(),
)


@st.composite
def rows(draw):  # type: ignore[no-untyped-def]
    out = []
    for i in range(draw(st.integers(1, 4))):
        row = list(GOOD)
        row[3] = f"G37020220130504{i:02d}"
        for col in draw(st.sets(st.integers(0, len(HEADER) - 1), min_size=1, max_size=4)):
            row[col] = draw(cell)
        out.append(row)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=rows())
def test_any_cell_is_imported_or_rejected_with_a_reason(session, data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.append(["花名册"])
        ws.append(HEADER)
        for r in data:
            ws.append(r)
        wb.save(path)
        p = preview_roster(session, path)
        accounted = {c.row.sheet_row for c in p.new + p.updated + p.unchanged} | set(p.duplicates)
        invalid = set(p.invalid_rows)
        assert not accounted & invalid
        for e in p.errors:
            assert e.reason and e.field and 3 <= e.row <= 2 + len(data)
        nonblank = {i + 3 for i, r in enumerate(data) if any(c not in (None, "") and str(c).strip() for c in r)}
        for r in nonblank:
            assert r in accounted or r in invalid, f"row {r} neither imported nor rejected"
        before = int(session.db.scalar("SELECT count(*) FROM students"))
        apply_roster(session, p, skip_invalid=True)
        after = int(session.db.scalar("SELECT count(*) FROM students"))
        assert after - before == len(p.new)


def test_digits_that_int_cannot_read(session, tmp_path):
    """str.isdigit() is true for 𐩀 (Kharosthi) and ፩ (Ethiopic), which int() rejects: a reason, not a crash."""
    path = tmp_path / "digits.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i, (grade, cls) in enumerate([("𐩀", "3"), ("七年级", "𐩀"), ("፩", "፩"), ("①", "3"), ("7", "²"),
                                      ("七年级", "0"), ("七年级", "123456789012345678901234567890"),
                                      ("", "7.0"), ("", "七年级（0）班"), ("", "七年级（100）班")]):
        row = list(GOOD)
        row[3], row[6], row[7] = f"G37020220130504{i:02d}", grade, cls
        ws.append(row)
    wb.save(path)
    p = preview_roster(session, path)
    assert len(p.new) + len(p.invalid_rows) == 10
    assert {e.row for e in p.errors} >= {2, 3, 4, 7, 8, 9, 10, 11}
    apply_roster(session, p, skip_invalid=True)  # class number 0 once reached the CHECK constraint here


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_text, _cjkish, st.text(alphabet="0123456789一二三四五六七八九十初高年级班（）()．.-—/ 　", max_size=10)))
def test_cell_parsers_never_crash(text):
    from app.school.classnames import MAX_CLASS_NUMBER, parse_class, parse_grade
    from app.tabular import cell_text, parse_bool, parse_date

    g = parse_grade(text)
    assert g is None or 1 <= g <= 12
    for hint in (None, 7):
        ref = parse_class(text, hint)
        assert ref is None or (1 <= ref.grade <= 12 and 1 <= ref.number <= MAX_CLASS_NUMBER)
    assert isinstance(cell_text(text), str)
    for fn in (parse_date, parse_bool):
        try:
            fn(text)
        except ValueError as e:
            assert str(e)
