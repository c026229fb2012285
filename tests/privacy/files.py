"""Reading exported files back as text: every cell, plus the raw XML inside an .xlsx (comments, hidden sheets)."""
from __future__ import annotations

import zipfile
from pathlib import Path


def xlsx_text(path: Path) -> str:
    """Every XML part of an .xlsx, decrypted first when it is an encrypted export (the tests' export password)."""
    from tests.xlsx_crypto import decrypt, is_encrypted

    parts = []
    source = decrypt(path) if is_encrypted(path) else path
    with zipfile.ZipFile(source) as z:
        for name in z.namelist():
            parts.append(z.read(name).decode("utf-8", "replace"))
    return "\n".join(parts)


def any_text(path: Path) -> str:
    path = Path(path)
    if path.suffix == ".xlsx":
        return xlsx_text(path)
    if path.suffix == ".pdf":   # the words as drawn, line breaks removed (a marker may wrap across two lines)
        import re
        import subprocess

        raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout
        return re.sub(r"[ \t\r\f\v]+|\n(?!\n)", "", raw)
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")
