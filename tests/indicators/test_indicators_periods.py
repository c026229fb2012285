"""Period parsing: months, semesters in three spellings, school years; clear Chinese errors otherwise."""
import datetime as dt

import pytest

from app.errors import InputRejected
from app.indicators.periods import months_of, parse_period


def test_month_semester_and_year(session):
    from app.school.calendar import add_school_year

    add_school_year(session, 2026)
    m = parse_period(session.db, "2026-2")
    assert (m.kind, m.start, m.end, m.label) == ("month", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026-02")
    for text in ("2026-2027-1", "2026秋", "2026-2027学年第一学期"):
        p = parse_period(session.db, text)
        assert (p.kind, p.start, p.end) == ("semester", dt.date(2026, 9, 1), dt.date(2027, 1, 31)), text
    spring = parse_period(session.db, "2027春")
    assert (spring.start, spring.end) == (dt.date(2027, 2, 1), dt.date(2027, 7, 31))
    assert parse_period(session.db, "2026-2027-2") == spring
    y = parse_period(session.db, "2026-2027")
    assert (y.kind, y.start, y.end) == ("year", dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert [p.label for p in months_of(parse_period(session.db, "2026秋"))] == [
        "2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]


@pytest.mark.parametrize("text, words", [("2026-13", "月份 13"), ("2026-2028", "相邻两年"), ("上学期", "无法识别"),
                                         ("2030-2031-1", "学校日历中没有学期")])
def test_bad_periods_say_what_is_wrong(session, text, words):
    with pytest.raises(InputRejected) as e:
        parse_period(session.db, text)
    assert words in str(e.value)


def test_a_county_report_takes_a_month_or_a_semester_with_a_stable_code(session):
    """The exchange's one parser: the same forms, a school year refused, codes the centre can order."""
    from app.indicators.periods import code_kind, code_start, period_code, report_period
    from app.school.calendar import add_school_year

    add_school_year(session, 2026)
    assert period_code(report_period(session.db, "2026-11")) == "2026-11"
    for text in ("2026-2027-1", "2026秋", "2026-2027学年第一学期"):
        assert period_code(report_period(session.db, text)) == "2026-2027-1", text
    assert period_code(report_period(session.db, "2027春")) == "2026-2027-2"
    with pytest.raises(InputRejected) as e:
        report_period(session.db, "2026-2027")
    assert "是一个学年" in str(e.value) and "2026-11" in str(e.value)
    with pytest.raises(InputRejected, match="2026-11"):
        report_period(session.db, "2026/13")
    assert [code_kind(c) for c in ("2026-11", "2026-2027-2", "2026-2027", "秋")] == ["month", "semester", "year", None]
    codes = ["2027-03", "2026-2027-2", "2026-09", "2026-2027-1", "2027-01"]
    assert sorted(codes, key=lambda c: code_start(c) or dt.date.min) == [
        "2026-09", "2026-2027-1", "2027-01", "2026-2027-2", "2027-03"]
