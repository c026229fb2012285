"""The files of one vault folder."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.store.keyslots import KEYSLOTS_FILE


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / "vault.db"

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

