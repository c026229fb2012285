"""Every shipped template rendered with the demo school: Chinese text extractable, every font embedded, one letter
per page run, help lines and page numbers on every page; the screening notice labels nobody."""
from __future__ import annotations

import json
import re

import pytest

from app.letters.records import Selection, export_pdf, per_student_paths, prepare
from app.letters.templates import RESOURCES, shipped, template_ids
from tests.letters.conftest import LOCAL_LINE
from tests.letters.helpers import class_students, pdf_fonts, pdf_pages, pdf_text, pdf_words

SHIPPED = ["screening-notice", "crisis-notice", "referral", "return-to-school", "semester-feedback", "home-visit",
           "parent-school", "holiday"]


def _case_student(session) -> int:  # type: ignore[no-untyped-def]
    from app.crisis.cases import open_case

    sid = int(session.db.scalar("SELECT id FROM students WHERE status = '在读' AND id NOT IN"
                                " (SELECT student_id FROM crisis_cases) ORDER BY id LIMIT 1"))
    open_case(session, sid, "severe", "teacher", summary="班主任发现情绪低落", note="保密：个案记录内容")
    return sid


def test_the_shipped_set_has_its_ids():
    assert template_ids() == SHIPPED
    for t in shipped().values():
        assert t.title and t.body and t.signature
    assert shipped()["crisis-notice"].receipt and shipped()["crisis-notice"].crisis
    assert shipped()["semester-feedback"].feedback
    assert not shipped()["holiday"].receipt     # the receipt is optional


@pytest.mark.parametrize("template_id", SHIPPED)
def test_every_template_renders_with_the_demo_school(demo, tmp_path, template_id):
    sid = _case_student(demo)
    name = demo.db.scalar("SELECT name FROM students WHERE id = :s", {"s": sid})
    prepared = prepare(demo, template_id, Selection(student_ids=(sid,)))
    out = tmp_path / f"{template_id}.pdf"
    written = export_pdf(demo, prepared, out)
    assert out.read_bytes()[:5] == b"%PDF-" and written.pages == pdf_pages(out)
    text = pdf_text(out)
    squeezed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", prepared.template.title) in squeezed
    assert name in squeezed and "测试学校" in squeezed
    assert "12355" in squeezed and LOCAL_LINE in squeezed          # the help lines, on every letter
    assert "第1页/共" in squeezed
    assert "{" not in text and "}" not in text                      # every merge field filled
    fonts = pdf_fonts(out)
    assert fonts and all(row[-5] == "yes" and row[-4] == "yes" for row in fonts), fonts  # embedded, subset
    assert {row[0].split("+")[1] for row in fonts} == {"DroidSansFallback", "DejaVuSans"}


def test_help_lines_and_page_numbers_on_every_page(demo, tmp_path):
    sid = _case_student(demo)
    out = tmp_path / "crisis.pdf"
    export_pdf(demo, prepare(demo, "crisis-notice", Selection(student_ids=(sid,))), out)
    pages = pdf_pages(out)
    assert pages == 2      # the receipt moves to a page of its own rather than being cut
    for p in range(1, pages + 1):
        page = re.sub(r"\s+", "", pdf_text(out, p))
        assert "12355" in page and LOCAL_LINE in page and f"第{p}页/共{pages}页" in page


def test_a_class_batch_is_one_pdf_each_letter_from_a_new_page(demo, tmp_path):
    ids = class_students(demo.db, "7.1")
    names = [demo.db.scalar("SELECT name FROM students WHERE id = :s", {"s": s}) for s in ids]
    out = tmp_path / "class.pdf"
    cls = demo.db.scalar("SELECT class_id FROM students WHERE id = :s", {"s": ids[0]})
    written = export_pdf(demo, prepare(demo, "parent-school", Selection(class_id=cls)), out)
    assert written.pages == len(ids) == pdf_pages(out)
    for page, name in enumerate(names, 1):
        text = re.sub(r"\s+", "", pdf_text(out, page))
        assert name in text and "第1页/共1页" in text
        assert not any(other in text for other in names if other != name and other not in name)


def test_one_file_per_student(demo, tmp_path):
    ids = class_students(demo.db, "8.1")[:3]
    prepared = prepare(demo, "holiday", Selection(student_ids=tuple(ids)))
    written = export_pdf(demo, prepared, tmp_path / "寒假.pdf", per_student=True)
    assert list(written.files) == per_student_paths(tmp_path / "寒假.pdf", prepared)
    for f, a in zip(written.files, prepared.students, strict=True):
        assert f.exists() and a.name in f.name and a.name in pdf_words(f)


def test_a_cancelled_batch_leaves_no_file_and_no_record(demo, tmp_path):
    cls = demo.db.scalar("SELECT class_id FROM students WHERE id = :s", {"s": class_students(demo.db, "7.1")[0]})
    prepared = prepare(demo, "holiday", Selection(class_id=cls))

    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done == 3:
            raise Stop()

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(Stop):
        export_pdf(demo, prepared, folder / "x.pdf", progress=progress)
    assert list(folder.iterdir()) == []
    assert demo.db.scalar("SELECT count(*) FROM letter_batches") == 0
    with pytest.raises(Stop):
        export_pdf(demo, prepared, folder / "y.pdf", per_student=True, progress=progress)
    assert list(folder.iterdir()) == []
    assert demo.db.scalar("SELECT count(*) FROM letter_batches") == 0


LABELS = ("PHQ", "GAD", "SCL", "MHT", "SDS", "SAS", "量表", "分数", "得分", "抑郁", "焦虑", "风险", "预警", "等级",
          "异常", "障碍", "诊断", "阳性", "危机", "自伤", "自杀", "问题学生", "心理问题", "疾病", "重点关注", "筛查")


def test_the_screening_notice_names_no_scale_score_or_label(demo, tmp_path):
    scales = [json.loads(p.read_text(encoding="utf-8")) for p in (RESOURCES.parent / "scales").glob("*.json")]
    names = {str(s.get(k, "")) for s in scales for k in ("name", "short_name", "id", "title") if s.get(k)}
    t = shipped()["screening-notice"]
    words = [w for w in (*LABELS, *names) if len(w) >= 2]
    raw = t.title + t.body + t.signature + t.receipt + "".join(f.default for f in t.fields)
    assert [w for w in words if w.lower() in raw.lower()] == []
    sid = class_students(demo.db, "7.1")[0]
    out = tmp_path / "notice.pdf"
    export_pdf(demo, prepare(demo, "screening-notice", Selection(student_ids=(sid,))), out)
    text = re.sub(r"\s+", "", pdf_text(out))
    assert [w for w in words if w.lower() in text.lower()] == []
    assert "心理辅导室" in text
