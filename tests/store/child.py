"""A second program on the same vault, for the storage-error tests: ``python -m tests.store.child MODE DIR``.

- ``hold DIR SECONDS``: open the vault, take the write lock (BEGIN IMMEDIATE), write one row, print ``locked``,
  keep the lock for SECONDS (or until stdin closes when SECONDS is 0), commit, print ``released``.
- ``fsize DIR LIMIT ACTION``: ignore SIGXFSZ, limit every file this process writes to LIMIT bytes
  (RLIMIT_FSIZE, no privileges needed), then ``sign-in`` (open_session) or ``write`` (sign in, then one large
  transaction through the Database wrapper); print the outcome as JSON: the error's class, cause and message.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def hold(folder: Path, seconds: float) -> None:
    from app.store.db import open_database
    from app.store.keyslots import KeySlots

    key = KeySlots.load(folder / "keyslots.json").unlock("counselor", os.environ["XINQIAO_PASSWORD"])
    db = open_database(folder / "vault.db", key)
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO settings (key, value) VALUES ('held_by_child', '1')")
    print("locked", flush=True)
    if seconds:
        time.sleep(seconds)
    else:
        sys.stdin.read()
    db.execute("COMMIT")
    db.close()
    print("released", flush=True)


def fsize(folder: Path, limit: int, action: str) -> None:
    import resource
    import signal

    from app.errors import XinqiaoError
    from app.session import open_session

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills us at the limit instead of EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    outcome: dict[str, object] = {"error": None}
    try:
        s = open_session(folder, "counselor", os.environ["XINQIAO_PASSWORD"])
        try:
            if action == "write":
                with s.db.transaction():
                    for i in range(400):
                        s.db.execute("INSERT INTO settings (key, value) VALUES (:k, :v)",
                                     {"k": f"big{i}", "v": os.urandom(4000).hex()})
        finally:
            s.close()
    except XinqiaoError as e:
        outcome = {"error": type(e).__name__, "cause": getattr(e, "cause", ""), "message": e.message,
                   "exit_code": e.exit_code}
    print(json.dumps(outcome, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "hold":
        hold(folder, float(sys.argv[3]))
    elif mode == "fsize":
        fsize(folder, int(sys.argv[3]), sys.argv[4])
    else:
        raise SystemExit(f"unknown mode {mode}")
