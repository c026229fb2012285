"""letters on the command line: one student, a class, a level, one file per student; the out-path rules; marking
a batch delivered and a receipt returned."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from tests.letters.helpers import class_students, pdf_pages, pdf_words


@dataclass
class Cli:
    root: Path
    regs: list[str]

    def __call__(self, argv: list[str]) -> int:
        return main(argv)


@pytest.fixture
def cli(demo, monkeypatch):
    from tests.conftest import PASSWORD

    root = demo.paths.root
    regs = [demo.db.scalar("SELECT registry_no FROM students WHERE id = :s", {"s": s})
            for s in class_students(demo.db, "7.1")]
    demo.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    return Cli(root, regs)


def test_letters_for_a_student_and_a_class(cli, tmp_path, capsys):
    one = tmp_path / "one.pdf"
    assert cli(["letters", "--template", "semester-feedback", "--student", cli.regs[0], "--out", str(one)]) == 0
    assert one.read_bytes()[:5] == b"%PDF-" and "学生在校情况反馈书" in pdf_words(one)
    klass = tmp_path / "class.pdf"
    assert cli(["letters", "--template", "parent-school", "--class", "七年级（1）班", "--out", str(klass),
                "--field", "活动时间=12月20日下午2点"]) == 0
    assert pdf_pages(klass) == len(cli.regs) and "12月20日下午2点" in pdf_words(klass, 1)
    out = capsys.readouterr().out
    assert "批次编号" in out
    assert cli(["letter-list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(cli.regs) + 1 and all(r["delivered_on"] is None for r in rows)
    batch = max(r["batch"] for r in rows)
    assert cli(["letter-delivered", "--batch", str(batch), "--how", "家长会发放"]) == 0
    assert cli(["letter-receipt", str(rows[0]["id"])]) == 0
    capsys.readouterr()
    assert cli(["letter-list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sum(1 for r in rows if r["delivered_how"] == "家长会发放") == len(cli.regs)
    assert sum(1 for r in rows if r["receipt_on"]) == 1


def test_per_student_files(cli, tmp_path):
    assert cli(["letters", "--template", "holiday", "--class", "7.1", "--out", str(tmp_path / "寒假.pdf"),
                "--per-student"]) == 0
    assert len(list(tmp_path.glob("寒假-*.pdf"))) == len(cli.regs)
    assert not (tmp_path / "寒假.pdf").exists()


def test_out_path_rules(cli, tmp_path, capsys):
    assert cli(["letters", "--template", "holiday", "--class", "7.1", "--out", str(cli.root / "x.pdf")]) == 3
    assert "数据文件夹" in capsys.readouterr().err
    assert cli(["letters", "--template", "holiday", "--class", "7.1", "--out", str(tmp_path / "x.docx")]) == 3
    assert ".pdf" in capsys.readouterr().err
    target = tmp_path / "x.pdf"
    target.write_bytes(b"keep")
    assert cli(["letters", "--template", "holiday", "--class", "7.1", "--out", str(target)]) == 3
    assert target.read_bytes() == b"keep" and "--force" in capsys.readouterr().err
    assert cli(["letters", "--template", "holiday", "--class", "7.1", "--out", str(target), "--force"]) == 0
    assert target.read_bytes()[:5] == b"%PDF-"


def test_bad_input_is_explained(cli, tmp_path, capsys):
    assert cli(["letters", "--template", "holiday", "--student", "NO-SUCH", "--out", str(tmp_path / "a.pdf")]) == 3
    assert "学籍号" in capsys.readouterr().err
    assert cli(["letters", "--template", "holiday", "--class", "7.1", "--out", str(tmp_path / "a.pdf"),
                "--field", "成绩=90"]) == 2
    assert "没有补充内容字段" in capsys.readouterr().err
    assert not (tmp_path / "a.pdf").exists()
