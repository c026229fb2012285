"""Durability: a writer killed with SIGKILL at random moments loses nothing it acknowledged, and the vault
passes its integrity checks; an import killed midway leaves all of its rows or none."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.audit import verify_chain
from app.school.setup import create_vault
from app.session import open_session

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PASSWORD = "Durable-2026!"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


def _env() -> dict[str, str]:
    return dict(os.environ, XINQIAO_PASSWORD=PASSWORD, XINQIAO_TEST_FAST_KDF="1", PYTHONUNBUFFERED="1")


class Child:
    """A child process whose stdout lines are collected by a thread as they arrive."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.event = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())
            self.event.set()

    def wait_for(self, predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not any(predicate(x) for x in list(self.lines)):
            if self.proc.poll() is not None and not self.thread.is_alive():
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(f"child ended early ({self.proc.returncode}): {err[-1500:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; child said {self.lines[-3:]}")
            self.event.wait(0.01)
            self.event.clear()

    def kill(self) -> list[str]:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.thread.join(timeout=30)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe:
                pipe.close()
        return list(self.lines)


def _make_vault(data: Path) -> None:
    s, _ = create_vault(data, school_name="耐久测试学校", username="counselor", password=PASSWORD)
    from app.demo import generate_students, insert_students

    insert_students(s, generate_students(3, grades=(7,)))
    s.close()


def _check(data: Path, acked: set[int]) -> None:
    s = open_session(data, "counselor", PASSWORD)  # runs quick_check: raises IntegrityFailure if damaged
    try:
        db = s.db
        assert db.integrity_check() == []
        chain = verify_chain(db)
        assert chain.ok, chain
        # A tag's note lives in confidential.db (conf.focus_tag_notes, issue 8 (b)).
        notes = {r[0] for r in db.query("SELECT n.note FROM focus_tags t JOIN conf.focus_tag_notes n"
                                        " ON n.tag_id = t.id")}
        regs = {r[0] for r in db.query("SELECT registry_no FROM students WHERE registry_no LIKE 'DUR%'")}
        for n in acked:
            if n % 2 == 0:
                assert f"rec-{n}" in notes, f"acknowledged tag {n} lost"
            else:
                assert f"DUR{n:09d}" in regs, f"acknowledged student {n} lost"
        # atomic: every student that exists has its guardian and its roster event
        assert db.scalar("SELECT count(*) FROM students s WHERE registry_no LIKE 'DUR%' AND NOT EXISTS"
                         " (SELECT 1 FROM guardians g WHERE g.student_id = s.id)") == 0
        assert db.scalar("SELECT count(*) FROM students s WHERE registry_no LIKE 'DUR%' AND NOT EXISTS"
                         " (SELECT 1 FROM student_events e WHERE e.student_id = s.id)") == 0
        # every tag has its audit entry (same transaction)
        assert db.scalar("SELECT count(*) FROM focus_tags WHERE tag = '其他'") == db.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'edit' AND detail LIKE '%tag_add%'")
    finally:
        s.close()


def _kill_loop(tmp_path: Path, kills: int, seed: int) -> int:
    rng = random.Random(seed)
    data = tmp_path / "vault"
    _make_vault(data)
    total_acked: set[int] = set()
    for i in range(kills):
        child = Child([str(HERE / "writer.py"), str(data), "counselor", str(i * 100_000)])
        child.wait_for(lambda line: line == "READY")
        time.sleep(rng.uniform(0.0, 0.25))
        lines = child.kill()
        acked = {int(x.split()[1]) for x in lines if x.startswith("ACK ")}
        total_acked |= acked
        _check(data, total_acked)
    assert total_acked, "the writer never acknowledged anything"
    return len(total_acked)


def test_sigkill_4_times_loses_nothing_acknowledged(tmp_path):
    """The default suite's rounds (a kill costs a child's start-up, about a second); 20 and 200 under -m slow."""
    _kill_loop(tmp_path, 4, seed=4)


@pytest.mark.slow
def test_sigkill_20_times_loses_nothing_acknowledged(tmp_path):
    _kill_loop(tmp_path, 20, seed=20)


@pytest.mark.slow
def test_sigkill_200_times_loses_nothing_acknowledged(tmp_path):
    _kill_loop(tmp_path, 200, seed=200)


def _roster(path: Path, n: int) -> Path:
    sys.path.insert(0, str(ROOT))
    from bench.generate import roster_students, write_roster_xlsx

    return write_roster_xlsx(path, roster_students(n))


def test_import_killed_midway_leaves_all_rows_or_none(tmp_path):
    n = 600
    roster = _roster(tmp_path / "big.xlsx", n)
    data = tmp_path / "vault"
    _make_vault(data)
    rng = random.Random(5)
    outcomes = []
    for attempt in range(3):
        child = Child([str(HERE / "importer.py"), str(data), "counselor", str(roster)])
        if attempt < 2:  # kill while rows are being written
            at = rng.randrange(1, n // 50) * 50
            child.wait_for(lambda line, at=at: line == f"ROW {at}" or line == "DONE")
        else:  # kill at a random moment after the transaction began
            child.wait_for(lambda line: line.startswith("APPLY"))
            time.sleep(rng.uniform(0.0, 0.3))
        lines = child.kill()
        s = open_session(data, "counselor", PASSWORD)
        try:
            count = s.db.scalar("SELECT count(*) FROM students WHERE registry_no LIKE 'R3702%'")
            imports = s.db.scalar("SELECT count(*) FROM imports")
            assert s.db.integrity_check() == [] and verify_chain(s.db).ok
            done = "DONE" in lines
            assert count in (0, n), f"partial import: {count} of {n} rows"
            assert imports == (1 if count else 0)
            if done:
                assert count == n
            outcomes.append(count)
            if count:  # already imported: the next attempt would change nothing, start over
                break
        finally:
            s.close()
    assert 0 in outcomes  # at least one import was really cut off midway
