"""Child process for the kill tests: opens a vault and writes records in a loop, one transaction each.

    python tests/durability/writer.py DATA_DIR USER START

Even record numbers are focus tags (note ``rec-N``, with their audit entry); odd ones are students (registry
``DURN``, with a guardian and a roster event). After each commit it prints ``ACK N`` and flushes.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.archive.tags import add_tag  # noqa: E402
from app.demo import DemoStudent, insert_students  # noqa: E402
from app.session import open_session  # noqa: E402


def main() -> None:
    from app.capabilities import install_default

    install_default()
    data_dir, user, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    session = open_session(Path(data_dir), user, os.environ["XINQIAO_PASSWORD"])
    anchor = int(session.db.scalar("SELECT min(id) FROM students"))
    print("READY", flush=True)
    n = start
    while True:
        if n % 2 == 0:
            add_tag(session, anchor, "其他", f"rec-{n}")
        else:
            insert_students(session, [DemoStudent(f"DUR{n:09d}", "杜守恒", "男", "2013-05-04", 7, 1, "杜建国",
                                                  "父亲", "13900000000", False, False)])
        print(f"ACK {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
