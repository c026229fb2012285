"""Confidential text never reaches a letter: every template, every merge field filled, for the student who carries
a marked record of every kind (notes, plans, tags, interviews, crisis steps, network reports); the PDF's text is
searched for the markers. A head teacher's class letters carry nothing of the other class either."""
from __future__ import annotations

import re
import subprocess

import pytest

from app.letters.records import Selection, export_pdf, prepare
from app.letters.templates import shipped, template_ids
from tests.privacy.builder import MARK_PREFIX, OTHER_NAME, OTHER_PREFIX
from tests.privacy.conftest import assert_clean


def _text(path) -> str:  # type: ignore[no-untyped-def]
    """The PDF's text with every line break and space removed (a marker may be wrapped across two lines)."""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", "", raw)


@pytest.mark.parametrize("template_id", template_ids())
def test_no_confidential_text_in_any_letter(counselor, vault, tmp_path, template_id):
    t = shipped()[template_id]
    extras = {f.key: f"补充{f.key}" for f in t.fields}          # every extra field filled
    prepared = prepare(counselor, template_id, Selection(student_ids=(vault.own,)), extras=extras)
    letter = prepared.letters[0]
    assert "{" not in letter.body + letter.signature + letter.receipt   # every merge field was filled
    out = tmp_path / f"{template_id}.pdf"
    export_pdf(counselor, prepared, out)
    text = _text(out)
    assert "司马本班生" in text                   # the sweep is meaningful: the letter names them
    assert MARK_PREFIX not in text and "机密内容" not in text
    assert_clean(text, what=f"letter {template_id}")


def test_a_head_teachers_class_letters_name_nobody_of_another_class(teacher, vault, tmp_path):
    prepared = prepare(teacher, "semester-feedback", Selection(class_id=vault.own_class))
    out = tmp_path / "feedback.pdf"
    export_pdf(teacher, prepared, out)
    text = _text(out)
    assert MARK_PREFIX not in text and OTHER_NAME not in text and OTHER_PREFIX not in text
    assert_clean(text, what="head teacher's class letters")
