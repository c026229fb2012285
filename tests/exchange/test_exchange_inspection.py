"""The inspection report: a PDF for a span of months from real packages of two real schools, read back with
pdftotext (Chinese headings, school names, figures) and pdffonts (every font embedded); audited; from the command
line too. The charts carry the same numbers as the tables."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from app.errors import InputRejected
from app.exchange.centre import district
from app.exchange.district_charts import group_charts, status_chart, trend_charts
from app.exchange.inspection import save_inspection_pdf
from app.exchange.trends import district_trend
from tests.exchange.conftest import PROBE_NAME, SECOND_SCHOOL, build_district

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                   reason="poppler-utils (pdftotext, pdffonts) not installed")


@pytest.fixture
def world(school, centre, tmp_path, probe):
    second = build_district(school, centre, tmp_path)
    yield school, second, centre
    second.close()


def _text(path) -> str:  # type: ignore[no-untyped-def]
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_charts_hold_the_numbers_of_the_period_and_the_trend(world):
    from app.exchange.trends import rate

    _school, _second, centre = world
    view = district(centre, "2026-11")
    status = status_chart(view)
    rows = {r[0]: r for r in status.table.rows}
    oks = [s["figures"]["screening.coverage"]["ok"] for s in view["schools"]]
    assert rows["测评覆盖率"][1:] == (oks.count(True), oks.count(False), oks.count(None), 0, 2)
    staffing = group_charts(view)[0]
    assert staffing.key == "district.staffing" and staffing.table.headers[0] == "学校"
    for name, *rates in staffing.table.rows:
        figs = next(s for s in view["schools"] if s["name"] == name)["figures"]
        assert rates == [rate(figs[k]["value"], figs[k]["target"]) for k in ("staffing.fulltime", "staffing.ratio")]
    assert {r[0] for r in staffing.table.rows} == {"测试学校", SECOND_SCHOOL}
    assert staffing.png()[:8] == b"\x89PNG\r\n\x1a\n"
    trend = district_trend(centre, first="2026-09", last="2026-11")
    tc = trend_charts(trend)
    assert [r[1] for r in tc[0].table.rows] == [2, 1, 2]        # schools reporting each month
    cov = next(c for c in tc if c.key == "district.trend.coverage")
    assert [r[1] for r in cov.table.rows] == trend["district"]["screening.coverage"]["rates"]
    assert tc[0].png()[:4] == b"\x89PNG"


@needs_poppler
def test_the_pdf_report_for_a_span_of_months(world, tmp_path):
    _school, _second, centre = world
    steps: list[tuple[int, int]] = []
    got = save_inspection_pdf(centre, "2026-09", "2026-11", tmp_path / "督导.pdf",
                              step=lambda d, t, _s: steps.append((d, t)))
    assert got["pages"] >= 4 and got["as_of"] == "2026-11" and got["missing"] == [SECOND_SCHOOL]
    assert steps and steps[-1][0] == steps[-1][1]
    text = _text(tmp_path / "督导.pdf")
    for words in ("心理健康教育工作督导报告", "目", "一、概况", "二、各校指标与目标（2026-11）", "三、未上报的学校",
                  "四、趋势", "师资配备", "测评覆盖", "测试学校", SECOND_SCHOOL, "2026-10", "第 2 页 共"):
        assert words in text, words
    view = district(centre, "2026-11")
    for s in view["schools"]:                  # each school's own figures, against their targets, in its row
        full, ratio = s["figures"]["staffing.fulltime"], s["figures"]["staffing.ratio"]
        row = (rf"{s['name']}\s+{full['value']:g}\s*/\s*{full['target']:g}(（未达标）)?\s+"
               rf"{ratio['value']:g}\s*/\s*{ratio['target']:g}")
        assert re.search(row, text), row
    # figures of schools only: no student's name, from the evidence or the roster, reaches the report
    names = [str(r[0]) for r in _school.db.query("SELECT name FROM students ORDER BY id LIMIT 30")]
    assert PROBE_NAME not in text and not [n for n in names if n in text]
    fonts = subprocess.run(["pdffonts", str(tmp_path / "督导.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts   # the "emb" column
    line = centre.db.one("SELECT detail FROM audit_log WHERE action = 'export' AND target = :t",
                         {"t": str((tmp_path / "督导.pdf").resolve())})
    assert line is not None and json.loads(line[0])["what"] == "督导报告"


def test_a_span_without_any_package_is_refused_clearly(world, tmp_path):
    _school, _second, centre = world
    with pytest.raises(InputRejected, match="没有任何学校的上报包"):
        save_inspection_pdf(centre, "2027-03", "2027-05", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


@needs_poppler
def test_cli_district_report(world, tmp_path, monkeypatch, capsys):
    from app.cli import main
    from tests.conftest import PASSWORD

    _school, _second, centre = world
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(centre.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "centre")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    capsys.readouterr()
    assert main(["district-report", "--from", "2026-09", "--to", "2026-11", "--out", str(tmp_path / "r.pdf"),
                 "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["pages"] >= 4 and got["path"].endswith("r.pdf")
    assert "测试学校" in _text(tmp_path / "r.pdf")
    assert main(["district-report", "--from", "2026-09", "--to", "2026-11", "--out", str(tmp_path / "r.pdf")]) == 3
    assert main(["district-report", "--from", "2026-09", "--to", "2026-11", "--out", str(tmp_path / "r.txt")]) == 3


def test_with_many_schools_the_chart_shows_how_many_fall_in_each_band():
    """Past MANY_SCHOOLS bars the per-school chart becomes a distribution (the table counts the same schools)."""
    from app.exchange.district_charts import BANDS, MANY_SCHOOLS

    col = {"key": "screening.coverage", "area": "screening", "title": "测评覆盖率", "unit": "人", "target": None}
    values = [10, 49, 50, 79, 80, 99, 100, 130] * 4           # 32 schools, four in each band pair
    view = {"period": "2026-11", "columns": [col], "missing": [],
            "schools": [{"name": f"第{i}中学", "figures": {"screening.coverage": {"value": v, "target": 100,
                                                                              "ok": v >= 100}}}
                        for i, v in enumerate(values)]}
    assert len(values) > MANY_SCHOOLS
    (chart,) = group_charts(view)
    assert chart.title == "2026-11 测评覆盖：各校达成率分布"
    assert [r[0] for r in chart.table.rows] == [b[2] for b in BANDS]
    assert [r[1] for r in chart.table.rows] == [8, 8, 8, 8]
