"""The attacker's tools of the tier tests: the project's key-slot code and sqlcipher3 on a vault folder, outside the
app (a raw connection under a key, every marker a key shows, what a head teacher's key reaches), and the counselor's
sign-in and backup that the tests set up with."""
from __future__ import annotations

from pathlib import Path

import sqlcipher3.dbapi2 as sqlite

from app.session import Session
from app.store.keyslots import KeySlots, TierKeys
from tests.privacy.builder import PASSWORD, TEACHER

COUNSELOR = ("counselor", PASSWORD)


def unlock(root: Path, who: tuple[str, str] = COUNSELOR) -> TierKeys:
    """The keys ``who``'s slot in ``root/keyslots.json`` unwraps (a head teacher's: the ordinary key alone)."""
    return KeySlots.load(root / "keyslots.json").unlock_keys(*who)


def open_raw(path: Path, key: bytes) -> sqlite.Connection:
    conn = sqlite.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def markers_in(path: Path, key: bytes, markers: list[str]) -> list[tuple[str, str, str]]:
    """(file, table, marker) for every marker a table of ``path`` shows to ``key`` (text and blobs alike); a file
    the key does not open shows none."""
    conn = open_raw(path, key)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
    except sqlite.DatabaseError:
        conn.close()
        return []
    out = []
    try:
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"').fetchall():
                for v in row:
                    text = v if isinstance(v, str) else v.decode("utf-8", "replace") if isinstance(v, bytes) else ""
                    out += [(path.name, table, m) for m in markers if m in text]
    finally:
        conn.close()
    return out


def ordinary_files(root: Path) -> list[Path]:
    """vault.db (read with its -wal, which is kept: the attacker copies the folder while it is in use) and every
    backup of it."""
    return [root / "vault.db"] + sorted((root / "backups").glob("*.db")) if (root / "backups").exists() \
        else [root / "vault.db"]


def head_teachers_findings(root: Path, markers: list[str], who: tuple[str, str] = TEACHER
                           ) -> list[tuple[str, str, str]]:
    """Every marker a head teacher's key (``who``, of the marked vault unless named) reads in vault.db, its WAL or a
    backup; asserts first that the key holds no confidential key and that no file of the folder shows a marker in
    plain text."""
    keys = unlock(root, who)
    assert keys.confidential is None
    found = []
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        for m in markers:
            assert m.encode() not in f.read_bytes(), f        # nothing in plain text anywhere in the folder
    for f in ordinary_files(root):
        found += markers_in(f, keys.ordinary, markers)
    return found


def sign_in(root: Path, who: tuple[str, str] = COUNSELOR) -> Session:
    from app.session import open_session

    return open_session(root, *who)


def backup(root: Path) -> Path:
    """A counselor's manual backup into ``root/backups``; its path."""
    from app.backups import make_backup

    s = sign_in(root)
    try:
        return make_backup(s, root / "backups", manual=True).path
    finally:
        s.close()
