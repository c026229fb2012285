"""The files of one vault folder, and keeping them private to the signed-in user.

On Linux (POSIX) the vault folder and its sub-folders are 0700 and every file in it 0600: vault.db and its
-wal/-shm (SQLite gives those the database file's own mode), keyslots.json, lockout.json, backups, reports,
logs and quarantined copies. ``make_private`` sets this on a whole folder; ``private_umask`` makes files this
process creates later (backups, reports, crash logs, exports) owner-only from the start. Windows keeps its
per-user profile ACLs (the default data folder is under the user's AppData).
"""
from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from app.store.keyslots import KEYSLOTS_FILE

CONFIDENTIAL_FILE = "confidential.db"


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / "vault.db"

    @property
    def confidential(self) -> Path:
        """The confidential tier's database, under its own key (app/store/confidential.py)."""
        return self.root / CONFIDENTIAL_FILE

    @property
    def keyslots(self) -> Path:
        return self.root / KEYSLOTS_FILE

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def lockout(self) -> Path:
        return self.root / "lockout.json"

    def exists(self) -> bool:
        return self.db.exists() and self.keyslots.exists()


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_umask() -> None:
    """Files and folders this process creates from now on are readable by their owner only."""
    if os.name == "posix":
        os.umask(0o077)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (SQLite then keeps that mode for the database and
    gives it to the -wal and -shm files)."""
    if os.name != "posix":
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def _narrow(path: str) -> None:
    """Take away what group and others may do (and a file's execute bits); never add a permission, so a folder
    its owner made read-only stays read-only."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        return
    mode = stat.S_IMODE(st.st_mode)
    want = mode & (PRIVATE_DIR_MODE if stat.S_ISDIR(st.st_mode) else PRIVATE_FILE_MODE)
    if want != mode:
        os.chmod(path, want)


def make_private(root: Path) -> None:
    """Narrow the folder and everything below it to the owner: folders 0700, files 0600 (from the usual 0755
    and 0644). Links are not followed; what this user may not chmod (a shared USB stick) is left as it is."""
    if os.name != "posix" or not root.exists():
        return
    with contextlib.suppress(OSError):
        _narrow(str(root))
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            with contextlib.suppress(OSError):
                _narrow(os.path.join(base, name))
