"""Fixtures for storage errors: a tiny tmpfs (root only; unmounted in teardown), a disk filled to the last
byte, and a small school vault to break and open again."""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _umount(where: Path) -> None:
    if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)  # still busy: detach it anyway


@pytest.fixture
def tmpfs(tmp_path) -> Iterator[Callable[[str], Path]]:
    """``tmpfs("3m")`` mounts a tmpfs of that size and returns its folder (skips, saying what covers the case
    ``instead``, where mounting is not permitted); every mount is undone afterwards."""
    mounted: list[Path] = []

    def mount(size: str = "3m", instead: str = "the RLIMIT_FSIZE tests cover a full disk unprivileged") -> Path:
        if not IS_ROOT:
            pytest.skip(f"mounting a tmpfs needs root; {instead}")
        where = tmp_path / f"tmpfs{len(mounted)}"
        where.mkdir()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"mount is not permitted here ({' '.join(r.stderr.split()) or r.returncode}); {instead}")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        _umount(where)
    for where in mounted:
        assert not os.path.ismount(where), f"{where} is still mounted"


def remount(where: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True, capture_output=True)


def fill(folder: Path) -> Path:
    """Write a filler file until the file system refuses the last byte (ENOSPC); returns the filler."""
    filler = folder / "filler.bin"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as fh:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    fh.write(chunk[:size])
                except OSError as e:
                    assert e.errno == errno.ENOSPC
                    break
    return filler


def make_school(folder: Path, n_students: int = 40) -> int:
    """A closed vault in ``folder`` with a small demo school; returns its student count.

    Made on the ordinary disk and copied in: on a 3 MB tmpfs, making the demo school's WAL alone would fill it."""
    from app.demo import populate_school
    from app.school.setup import create_vault

    with tempfile.TemporaryDirectory() as scratch:
        s, _code = create_vault(Path(scratch) / "v", school_name="测试学校", username="counselor",
                                password=PASSWORD)
        try:
            populate_school(s, n_students=n_students, grades=(7,))
            n = int(s.db.scalar("SELECT count(*) FROM students"))
        finally:
            s.close()
        shutil.copytree(Path(scratch) / "v", folder)
    return n


def assert_intact(folder: Path, n_students: int) -> None:
    """Nothing was set aside, and the vault opens (passing quick_check) with its students."""
    from app.session import open_session

    assert (folder / "vault.db").exists()
    assert list(folder.glob("quarantine/*")) == []  # nothing set aside, no half-moved folder either
    s = open_session(folder, "counselor", PASSWORD)
    try:
        assert s.db.scalar("SELECT count(*) FROM students") == n_students
        assert s.db.quick_check() == ["ok"]
    finally:
        s.close()


def child(*args: str, preexec: Callable[[], None] | None = None, timeout: float = 60, **popen) -> subprocess.Popen:
    """``python -m tests.store.child ...`` from this tree (see child.py)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), XINQIAO_TEST_FAST_KDF="1", XINQIAO_PASSWORD=PASSWORD,
               PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "tests.store.child", *args], cwd=ROOT, env=env,
                            preexec_fn=preexec, text=True, **popen)
