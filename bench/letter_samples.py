"""The proof pages of the shipped letter templates: ``docs/letters/<id>.png``, page 1 of each, rendered with the
demo school (阳光实验学校, 李老师, the Ningxia line as the local help line, a green-channel hospital).

    .venv/bin/python -m bench.letter_samples [--out docs/letters] [--dpi 60]

For every template it also checks what a reader of the PDF sees: pdftotext finds the title, the student's name
and the help lines; pdffonts lists every font embedded as a subset. Exits 1 naming what failed. Needs poppler's
pdftotext, pdffonts and pdftoppm.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("XINQIAO_TEST_FAST_KDF", "1")  # the KDF is not what this tool is about

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def _small_png(src: Path, dest: Path) -> None:
    """Grey, 16 levels: black text on white needs no more, and the proof pages stay small in git."""
    from PIL import Image

    with Image.open(src) as im:
        im.convert("L").quantize(16).save(dest, optimize=True)


def main(argv: list[str] | None = None) -> int:
    from app import clock
    from app.capabilities import install_default
    from app.crisis.cases import open_case
    from app.crisis.institutions import add_institution
    from app.demo import populate_school
    from app.letters.records import Selection, export_pdf, prepare
    from app.letters.templates import template_ids
    from app.school.classes import find_class
    from app.school.profile import set_local_hotline
    from app.school.setup import create_vault

    p = argparse.ArgumentParser(description="生成家长告知书模板的样张（PNG）并检查 PDF 的文字和字体")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "letters")
    p.add_argument("--dpi", type=int, default=60)
    args = p.parse_args(argv)
    install_default()
    os.environ["XINQIAO_TEST_FAST_KDF"] = "1"
    args.out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xinqiao-letters-") as tmp:
        folder = Path(tmp)
        session, _code = create_vault(folder / "vault", school_name="阳光实验学校", school_code="3301020001",
                                      stages=["primary", "junior"], username="demo", display_name="李老师",
                                      password="Sunny-letters-2026!")
        try:
            populate_school(session, 160, grades=(7, 8, 9))
            set_local_hotline(session, "宁夏心理援助热线 0951-2160707")
            add_institution(session, "宁夏回族自治区宁安医院", department="儿童青少年心理科", phone="0951-2160707",
                            green_channel=True, address="银川市西夏区宁安南街")
            cls = find_class(session.db, "7.1")
            assert cls is not None
            sid = int(session.db.scalar("SELECT id FROM students WHERE class_id = :c AND status = '在读' AND id NOT IN"
                                        " (SELECT student_id FROM crisis_cases) ORDER BY registry_no LIMIT 1",
                                        {"c": cls.id}))
            name = str(session.db.scalar("SELECT name FROM students WHERE id = :s", {"s": sid}))
            open_case(session, sid, "severe", "teacher", summary="班主任发现学生情绪低落")
            for tid in template_ids():
                prepared = prepare(session, tid, Selection(student_ids=(sid,)), today=clock.today())
                pdf = folder / f"{tid}.pdf"
                export_pdf(session, prepared, pdf)
                text = re.sub(r"\s+", "", _run("pdftotext", "-enc", "UTF-8", str(pdf), "-"))
                for want in (re.sub(r"\s+", "", prepared.template.title), name, "12355", "0951-2160707"):
                    if want not in text:
                        problems.append(f"{tid}: pdftotext does not find {want!r}")
                for row in _run("pdffonts", str(pdf)).splitlines()[2:]:
                    cols = row.split()
                    if cols and (cols[-5] != "yes" or cols[-4] != "yes"):
                        problems.append(f"{tid}: font {cols[0]} not embedded as a subset")
                stem = folder / tid
                _run("pdftoppm", "-r", str(args.dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem))
                _small_png(stem.with_suffix(".png"), args.out / f"{tid}.png")
                print(f"{tid}: {args.out / (tid + '.png')}")
        finally:
            session.close()
    for line in problems:
        print("FAIL", line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
