"""The centre's trends: each figure across the periods imported, per school and district-wide, from real packages
of two real schools (one silent for a month); the command line's --trend; the spreadsheet of the trend."""
from __future__ import annotations

import json

import pytest

from app.errors import InputRejected
from app.exchange.trends import district_trend, school_rates, span
from app.indicators.compute import compute
from app.indicators.periods import report_period
from tests.exchange.conftest import SECOND_SCHOOL, build_district


@pytest.fixture
def world(school, centre, tmp_path, probe):
    second = build_district(school, centre, tmp_path)
    yield school, second, centre
    second.close()


def _figures(session, code):  # type: ignore[no-untyped-def]
    return {f.key: f for f in compute(session, report_period(session.db, code))}


def test_the_trend_follows_each_school_and_the_district_with_correct_numbers(world):
    school, second, centre = world
    t = district_trend(centre, first="2026-09", last="2026-11")
    assert t["kind"] == "month" and t["periods"] == ["2026-09", "2026-10", "2026-11"]
    assert t["registered"] == 2 and t["reported"] == [2, 1, 2]
    assert t["missing"] == [{"name": SECOND_SCHOOL, "code": "37020299", "periods": ["2026-10"]}]
    by_name = {s["name"]: s for s in t["schools"]}
    assert by_name[SECOND_SCHOOL]["reported"] == [True, False, True]
    # every school's series is what the school itself computes for that month
    for session, name in ((school, "测试学校"), (second, SECOND_SCHOOL)):
        for i, code in enumerate(t["periods"]):
            if not by_name[name]["reported"][i]:
                assert all(s["values"][i] is None for s in by_name[name]["figures"].values())
                continue
            for key, f in _figures(session, code).items():
                series = by_name[name]["figures"][key]
                assert (series["values"][i], series["targets"][i], series["ok"][i]) == (f.value, f.target, f.ok), \
                    (name, code, key)
    # district-wide: a count is summed (value and target), its rate is the sum over the sum
    a = int(school.db.scalar("SELECT COUNT(*) FROM students"))
    b = int(second.db.scalar("SELECT COUNT(*) FROM students"))
    probe = t["district"]["probe.students"]
    assert probe["values"] == [a + b, a, a + b] and probe["targets"] == [2, 1, 2]
    assert probe["rates"] == [round((a + b) * 100 / 2, 1), round(a * 100.0, 1), round((a + b) * 100 / 2, 1)]
    assert probe["schools_ok"] == [2, 1, 2] and probe["schools_judged"] == [2, 1, 2]
    cov = t["district"]["screening.coverage"]
    fa, fb = _figures(school, "2026-11")["screening.coverage"], _figures(second, "2026-11")["screening.coverage"]
    assert cov["values"][2] == fa.value + fb.value and cov["targets"][2] == fa.target + fb.target
    # a ratio (人/10班) is averaged over the schools, never summed
    cols = {c["key"]: c for c in t["columns"]}
    assert cols["staffing.ratio"]["how"] == "mean" and cols["screening.coverage"]["how"] == "sum"
    ra, rb = _figures(school, "2026-09")["staffing.ratio"].value, _figures(second, "2026-09")["staffing.ratio"].value
    assert t["district"]["staffing.ratio"]["values"][0] == round((ra + rb) / 2, 2)


def test_the_span_defaults_to_the_imported_periods_and_refuses_mixed_or_reversed_bounds(world):
    _school, _second, centre = world
    assert span(centre) == ("month", ["2026-09", "2026-10", "2026-11"])
    assert span(centre, first="2026-10") == ("month", ["2026-10", "2026-11"])
    assert span(centre, first="2026-11", last="2027-02")[1] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert span(centre, first="2026-2027-1", last="2027-2028-1")[1] == ["2026-2027-1", "2026-2027-2", "2027-2028-1"]
    assert span(centre, kind="semester") == ("semester", [])
    with pytest.raises(InputRejected, match="同为月份"):
        span(centre, first="2026-09", last="2026-2027-2")
    with pytest.raises(InputRejected, match="之后"):
        span(centre, first="2026-11", last="2026-09")
    with pytest.raises(InputRejected, match="起始期次“秋天”看不懂"):
        span(centre, first="秋天")
    # a month no school reported shows as reported by none
    t = district_trend(centre, first="2026-11", last="2026-12")
    assert t["reported"] == [2, 0] and all(m["periods"] == ["2026-12"] for m in t["missing"])


def test_school_rates_are_each_figure_against_its_target(world):
    from app.exchange.centre import district

    school, _second, centre = world
    view = district(centre, "2026-11")
    rates = dict(school_rates(view, ["probe.students", "screening.coverage"]))
    a = int(school.db.scalar("SELECT COUNT(*) FROM students"))
    f = _figures(school, "2026-11")["screening.coverage"]
    assert rates["测试学校"][0] == round(a * 100.0, 1)
    assert rates["测试学校"][1] == (round(f.value * 100.0 / f.target, 1) if f.target else None)


def test_cli_trend_json_text_xlsx_and_usage(world, tmp_path, monkeypatch, capsys):
    from openpyxl import load_workbook

    from app.cli import main
    from tests.conftest import PASSWORD

    _school, _second, centre = world
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(centre.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "centre")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)

    def run(*argv):  # type: ignore[no-untyped-def]
        capsys.readouterr()
        code = main([str(a) for a in argv])
        got = capsys.readouterr()
        return code, got.out, got.err

    code, out, _ = run("district", "--trend", "--json")
    t = json.loads(out)
    assert code == 0 and t["periods"] == ["2026-09", "2026-10", "2026-11"] and t["reported"] == [2, 1, 2]
    code, out, _ = run("district", "--trend", "--from", "2026-10", "--to", "2026-11", "--out", tmp_path / "t.xlsx")
    assert code == 0 and "全区趋势（按月份）：2026-10、2026-11" in out and "已上报学校数：2026-10 1、2026-11 2" in out
    assert f"未上报：{SECOND_SCHOOL}（2026-10）" in out
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["全区趋势", "各校各期"]
    assert [c.value for c in wb["全区趋势"][2]][:5] == ["已上报学校数", "所", "合计", 1, None]
    schools_sheet = [[c.value for c in row] for row in wb["各校各期"].iter_rows(min_row=2)]
    assert [SECOND_SCHOOL, "37020299", "在册学生", "人", "未上报"] in [r[:5] for r in schools_sheet]
    line = centre.db.one("SELECT detail FROM audit_log WHERE action = 'export' AND target = :t",
                         {"t": str((tmp_path / "t.xlsx").resolve())})
    assert line is not None and "全区趋势" in line[0]
    assert run("district", "--period", "2026-11", "--from", "2026-09")[0] == 2
    code, _, err = run("district", "--json")
    assert code == 2 and "--period" in err and "--trend" in err
    code, _, err = run("district", "--trend", "--from", "2026-11", "--to", "2026-09")
    assert code == 3 and "之后" in err


def test_the_district_xlsx_reads_back_with_every_school_and_is_audited(world, tmp_path):
    from openpyxl import load_workbook

    from app.exchange.centre import district, save_district_xlsx

    _school, _second, centre = world
    out = save_district_xlsx(centre, "2026-10", tmp_path / "全区-2026-10.xlsx")
    ws = load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    view = district(centre, "2026-10")
    titles = [c["title"] for c in view["columns"]]
    assert rows[0][0] == "学校" and rows[0][-1] == "未达标项" and len(rows[0]) == len(titles) + 3
    assert rows[1][0] == "测试学校" and rows[2][:2] == [SECOND_SCHOOL, "37020299"] and rows[2][-1] == "未上报"
    cov = titles.index("测评覆盖率") + 2
    assert rows[1][cov] == view["schools"][0]["figures"]["screening.coverage"]["value"]
    line = centre.db.one("SELECT detail FROM audit_log WHERE action = 'export' AND target = :t",
                         {"t": str(out.resolve())})
    assert line is not None and json.loads(line[0]) == {"what": "全区指标", "period": "2026-10", "encrypted": False,
                                                         "named": False}
