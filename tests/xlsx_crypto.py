"""Reading back the encrypted workbooks the app exports (standard Office encryption, msoffcrypto-tool)."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

EXPORT_PASSWORD = "Export-2026!"


def decrypt(path: Path, password: str = EXPORT_PASSWORD) -> io.BytesIO:
    import msoffcrypto

    with Path(path).open("rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    out.seek(0)
    return out


def is_encrypted(path: Path) -> bool:
    import msoffcrypto

    with Path(path).open("rb") as fh:
        return bool(msoffcrypto.OfficeFile(fh).is_encrypted())


def load_encrypted(path: Path, password: str = EXPORT_PASSWORD) -> Any:
    from openpyxl import load_workbook

    return load_workbook(decrypt(path, password))
