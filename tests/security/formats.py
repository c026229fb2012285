"""Turning a vault into one written by the program before the tiers (key-slot format 1)."""
from __future__ import annotations

from app.store.keyslots import RECOVERY_SLOT, KeySlots, normalize_recovery_code
from app.store.paths import VaultPaths


def as_format_1(paths: VaultPaths, key: bytes, passwords: dict[str, str], recovery_code: str | None = None) -> None:
    """Every slot wraps the one database key (``passwords``: account -> password), no grants, no
    confidential.db: what an older program left. Call with the vault closed."""
    slots = KeySlots.load(paths.keyslots)
    slots.slots.clear()
    slots.grants = {t: {} for t in slots.grants}
    for name, password in passwords.items():
        slots.set_secret(name, password, key)
    if recovery_code:
        slots.set_secret(RECOVERY_SLOT, normalize_recovery_code(recovery_code), key)
    slots.save()
    for suffix in ("", "-wal", "-shm"):
        paths.confidential.with_name(paths.confidential.name + suffix).unlink(missing_ok=True)
