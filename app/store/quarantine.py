"""Setting a vault's database aside in ``quarantine/``, all or nothing, and finding what was set aside.

Only real damage (a page failing its check, a first page the proven key cannot read) and a restore set a vault
aside; a full disk, a read-only folder or a busy vault never do (see app/store/errors.py).

The files are renamed, not copied: a rename within one folder tree needs no free space, so the only step that
can fail for lack of space, the copy of ``keyslots.json``, comes first. Until the last rename the set-aside folder
has a ``.partial`` name; if a step fails, what was moved goes back and the vault is as it was.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from app.store.fileio import fsync_dir
from app.store.paths import VaultPaths

PARTIAL = ".partial"


def vault_files(paths: VaultPaths, with_confidential: bool = False) -> list[Path]:
    """The database and its WAL files that exist now, the database first (then confidential.db and its WAL
    files when ``with_confidential``)."""
    dbs = (paths.db, paths.confidential) if with_confidential else (paths.db,)
    return [p for d in dbs for p in (d.with_name(d.name + s) for s in ("", "-wal", "-shm")) if p.exists()]


def _free_name(base: Path) -> Path:
    dest, n = base, 1
    while dest.exists() or dest.with_name(dest.name + PARTIAL).exists():
        dest = base.with_name(f"{base.name}-{n}")
        n += 1
    return dest


def set_aside(paths: VaultPaths, name: str, with_confidential: bool = True) -> Path:
    """Move ``vault.db`` (with its ``-wal`` and ``-shm``) into ``quarantine/<name>/`` with a copy of the key
    slots, and return that folder. Raises ``OSError`` with nothing moved if any step fails."""
    files = vault_files(paths, with_confidential)
    paths.quarantine.mkdir(exist_ok=True)
    dest = _free_name(paths.quarantine / name)
    staging = dest.with_name(dest.name + PARTIAL)
    staging.mkdir()
    moved: list[Path] = []
    try:
        if paths.keyslots.exists():
            shutil.copy2(paths.keyslots, staging / paths.keyslots.name)
        for src in files:  # the database first: a WAL left behind alone is harmless, a database without it is not
            os.replace(src, staging / src.name)
            moved.append(src)
        os.replace(staging, dest)
    except BaseException:
        for src in reversed(moved):
            try:
                os.replace(staging / src.name, src)
            except OSError:
                pass
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for folder in (paths.root, paths.quarantine):
        try:
            fsync_dir(folder)
        except OSError:
            pass
    return dest


def set_aside_vaults(paths: VaultPaths) -> list[Path]:
    """The folders in ``quarantine/`` that hold a database, newest first."""
    if not paths.quarantine.is_dir():
        return []
    found = [d for d in paths.quarantine.iterdir() if d.is_dir() and (d / paths.db.name).exists()]
    found.sort(key=lambda d: d.stat().st_mtime, reverse=True)
    return found
