"""Reading the PDFs the letters write (poppler's tools, as a person checking the output would)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path


def pdf_text(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_words(path: Path, page: int | None = None) -> str:
    """The text with every space and line break removed: a name or a phrase may wrap across two lines."""
    return re.sub(r"\s+", "", pdf_text(path, page))


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_fonts(path: Path) -> list[list[str]]:
    """pdffonts rows: [name, type..., emb, sub, uni, ...] (the header lines dropped)."""
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [r.split() for r in rows if r.strip()]


def class_students(db, class_text: str) -> list[int]:  # type: ignore[no-untyped-def]
    from app.school.classes import find_class

    cls = find_class(db, class_text)
    assert cls is not None
    return [r[0] for r in db.query("SELECT id FROM students WHERE class_id = :c AND status = '在读'"
                                   " ORDER BY registry_no", {"c": cls.id})]
