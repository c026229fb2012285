"""report on the command line: the PDF and its exit codes (0 written; 3 a bad semester, a month, an existing file
without --force, a file in the vault folder; 1 an account that may not)."""
from __future__ import annotations

import pytest

from app.cli import main
from tests.reports.conftest import SEMESTER, SEMESTER_NAME
from tests.reports.helpers import pdf_pages, pdf_words


@pytest.fixture
def cli(demo, monkeypatch):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.school.classes import find_class
    from tests.conftest import PASSWORD, TEACHER_PASSWORD

    cls = find_class(demo.db, "7.1")
    assert cls is not None
    add_account(demo, "teacher1", TEACHER_PASSWORD, Role.HEAD_TEACHER, class_id=cls.id)
    root = demo.paths.root
    demo.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    return root


def test_report_writes_the_pdf(cli, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    assert main(["report", "--semester", SEMESTER, "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-" and pdf_pages(out) >= 8
    assert "心理健康教育工作报告" in pdf_words(out, 1)
    said = capsys.readouterr().out
    assert SEMESTER_NAME in said and str(out) in said and "共" in said
    # the other forms of the same semester
    assert main(["report", "--semester", "2026秋", "--out", str(out), "--force"]) == 0
    assert main(["report", "--semester", SEMESTER_NAME, "--out", str(out), "--force"]) == 0


def test_report_exit_codes(cli, tmp_path, capsys, monkeypatch):
    from tests.conftest import TEACHER_PASSWORD

    out = tmp_path / "r.pdf"
    assert main(["report", "--semester", "2026-13", "--out", str(out)]) == 3
    assert "月份 13" in capsys.readouterr().err
    assert main(["report", "--semester", "2026-10", "--out", str(out)]) == 3
    assert "学期报告需要一个学期" in capsys.readouterr().err
    assert main(["report", "--semester", "2031-2032-2", "--out", str(out)]) == 3
    assert "学校日历中没有学期" in capsys.readouterr().err
    assert main(["report", "--semester", SEMESTER, "--out", str(tmp_path / "r.txt")]) == 3
    assert ".pdf" in capsys.readouterr().err
    assert main(["report", "--semester", SEMESTER, "--out", str(cli / "r.pdf")]) == 3
    assert "数据文件夹" in capsys.readouterr().err
    assert not out.exists()
    out.write_bytes(b"keep")
    assert main(["report", "--semester", SEMESTER, "--out", str(out)]) == 3
    assert "已存在" in capsys.readouterr().err and out.read_bytes() == b"keep"
    assert main(["report", "--out", str(out)]) == 2
    monkeypatch.setenv("XINQIAO_USER", "teacher1")
    monkeypatch.setenv("XINQIAO_PASSWORD", TEACHER_PASSWORD)
    assert main(["report", "--semester", SEMESTER, "--out", str(tmp_path / "t.pdf"), "--force"]) == 1
    assert "只有心理教师" in capsys.readouterr().err and not (tmp_path / "t.pdf").exists()
