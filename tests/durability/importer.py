"""Child process: imports a roster file, printing ``APPLY`` before the transaction, ``ROW k`` as rows are
written (every 50 rows), and ``DONE`` after the commit.

    python tests/durability/importer.py DATA_DIR USER FILE
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.school import roster_import  # noqa: E402
from app.session import open_session  # noqa: E402


def main() -> None:
    from app.capabilities import install_default

    install_default()
    data_dir, user, path = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    session = open_session(Path(data_dir), user, os.environ["XINQIAO_PASSWORD"])
    preview = roster_import.preview_roster(session, path)
    # Instrumentation only (the store is untouched): apply_roster computes pinyin once per new row.
    real = roster_import.pinyin_keys
    written = 0

    def counting(name: str) -> tuple[str, str]:
        nonlocal written
        written += 1
        if written % 50 == 0:
            print(f"ROW {written}", flush=True)
        return real(name)

    roster_import.pinyin_keys = counting
    print(f"APPLY {len(preview.new)}", flush=True)
    roster_import.apply_roster(session, preview, create_classes=True)  # the classes are new: confirmed
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
