"""The semester report of the demo school read back as a person would: pdftotext finds the Chinese headings and
every figure the indicators give (value, target, verdict), pdffonts shows every font embedded, the table of
contents lists the sections on the pages they are on; no student is named; the export is audited."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.indicators.compute import compute
from app.reports.semester import SECTIONS, value_text, verdict, write_semester_report
from tests.reports.conftest import SEMESTER, SEMESTER_NAME
from tests.reports.helpers import pdf_fonts, pdf_pages, pdf_text, pdf_words


@pytest.fixture
def written(demo, tmp_path):
    steps: list[tuple[int, int, str]] = []
    w = write_semester_report(demo, SEMESTER, tmp_path / "学期报告.pdf", progress=lambda *a: steps.append(a))
    return Written(w.path, w.pages, steps)


@dataclass
class Written:
    path: Path
    pages: int
    steps: list[tuple[int, int, str]]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_cover_contents_headings_and_page_numbers(written):
    path = written.path
    assert written.pages == pdf_pages(path) >= 8
    cover = pdf_words(path, 1)
    assert "示范中学" not in cover and "测试学校" in cover and _squash(f"{SEMESTER_NAME} 心理健康教育工作报告") in cover
    assert "第1页" not in cover
    toc = pdf_text(path, 2)
    assert "目" in toc and "录" in toc
    for section in SECTIONS:
        assert _squash(section.title) in _squash(toc), section.title
    # every section is listed with the page it starts on
    lines = [ln for ln in toc.splitlines() if ln.strip()]
    for section in SECTIONS:
        line = next(ln for ln in lines if _squash(section.title) in _squash(ln))
        page = int(re.findall(r"(\d+)\s*$", line)[0]) if re.search(r"\d+\s*$", line) else None
        if page is None:     # pdftotext may put the dots and number on the next line
            nxt = lines[lines.index(line) + 1]
            page = int(re.findall(r"(\d+)\s*$", nxt)[0])
        assert _squash(section.title) in pdf_words(path, page), (section.title, page)
    for p in range(2, written.pages + 1):
        assert f"第{p}页共{written.pages}页" in pdf_words(path, p)
    for n in range(1, 8):
        assert f"图{n}" in _squash(toc)


def test_every_figure_is_in_the_report_as_the_indicators_give_it(demo, semester, written):
    words = pdf_words(written.path)
    figures = {f.key: f for f in compute(demo, semester)}
    keys = [k for s in SECTIONS for k in s.keys]
    assert set(keys) <= set(figures), set(keys) - set(figures)
    for key in keys:
        f = figures[key]
        row = _squash(f"{f.title}{value_text(f, f.value)}{value_text(f, f.target)}{verdict(f)}")
        assert row in words, (key, row)
    # real numbers, not zeros: the demo school has screening results, cases and talks
    assert figures["screening.coverage"].value > 0 and figures["crisis.cases"].value > 0
    assert figures["casework.talk_coverage"].value > 0
    assert f"本学期共统计{len(keys)}项指标" in words


def test_every_font_is_embedded(written):
    rows = pdf_fonts(written.path)
    assert {r[0].split("+")[-1] for r in rows} == {"DroidSansFallback", "DejaVuSans"}
    assert all(r[-5] == "yes" for r in rows), rows


def test_charts_are_in_the_report_as_images(written):
    import subprocess

    listing = subprocess.run(["pdfimages", "-list", str(written.path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert len([ln for ln in listing if ln.strip()]) >= 7


def test_no_student_is_named_and_no_note_is_read(demo, written):
    text = pdf_words(written.path)
    names = [r[0] for r in demo.db.query("SELECT name FROM students")]
    assert not [n for n in names if n in text]
    regs = [r[0] for r in demo.db.query("SELECT registry_no FROM students")]
    assert not [r for r in regs if r in text]
    summaries = [r[0] for r in demo.db.query("SELECT summary FROM case_records WHERE summary != ''")]
    assert not [s for s in summaries if len(s) > 6 and _squash(s) in text]


def test_the_report_is_audited_and_progress_reported(demo, written):
    from app.audit.log import recent

    entry = recent(demo.db, 1, action="export")[0]
    assert entry.target == str(written.path.resolve())
    assert "学期报告" in entry.detail and SEMESTER_NAME in entry.detail and f'"pages": {written.pages}' in entry.detail
    from app.reports.semester import total_steps

    assert {t for _d, t, _w in written.steps} == {total_steps()}
    assert [d for d, _t, _w in written.steps] == list(range(total_steps() - 1)) + [total_steps()]
    assert written.steps[-1][2] == "已完成"


def test_a_month_a_bad_name_a_head_teacher_and_a_bad_file_are_refused(demo, head, tmp_path):
    from app.errors import InputRejected, PermissionDenied

    with pytest.raises(InputRejected, match="学期报告需要一个学期"):
        write_semester_report(demo, "2026-10", tmp_path / "a.pdf")
    with pytest.raises(InputRejected, match="学校日历中没有学期"):
        write_semester_report(demo, "2030-2031-1", tmp_path / "a.pdf")
    with pytest.raises(InputRejected, match=r"\.pdf"):
        write_semester_report(demo, SEMESTER, tmp_path / "a.docx")
    with pytest.raises(InputRejected, match="不存在"):
        write_semester_report(demo, SEMESTER, tmp_path / "nope" / "a.pdf")
    with pytest.raises(PermissionDenied):
        write_semester_report(head, SEMESTER, tmp_path / "a.pdf")
    assert not list(tmp_path.glob("*.pdf"))
