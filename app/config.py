"""Where the vault lives and the few process-wide settings."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "XinQiao"
# Written by the Windows installer next to the executable: the data folder chosen at install time (a drive that
# 还原卡 / 冰点 does not wipe). One line, UTF-8 (a BOM is fine); environment variables are expanded.
DATA_DIR_FILE = "xinqiao-data-dir.txt"


def installed_data_dir() -> Path | None:
    """The data folder the installer recorded, in an installed (frozen) program only."""
    if not getattr(sys, "frozen", False):
        return None
    try:
        text = (Path(sys.executable).resolve().parent / DATA_DIR_FILE).read_text("utf-8-sig").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return Path(os.path.expandvars(text)) if text else None


def chosen_data_dir() -> Path | None:
    """The data folder chosen in the set-up wizard (``remember_data_dir``), if any."""
    try:
        text = _chosen_file().read_text("utf-8-sig").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return Path(text) if text else None


def _chosen_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / DATA_DIR_FILE


def remember_data_dir(folder: Path) -> list[Path]:
    """Record the folder the set-up wizard chose, so the next start opens it: in the user's settings folder, and
    next to the program when it is installed and the folder there is writable (a PC with 还原卡 / 冰点 wipes the
    user's settings on C: but keeps the program's folder as installed). Returns where it was written."""
    written: list[Path] = []
    targets = [_chosen_file()]
    if getattr(sys, "frozen", False):
        targets.append(Path(sys.executable).resolve().parent / DATA_DIR_FILE)
    for target in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(str(Path(folder)) + "\n", "utf-8")
            written.append(target)
        except OSError:
            continue
    return written


def default_data_dir() -> Path:
    """``XINQIAO_DATA_DIR``, else the folder chosen when the program was installed, else the one chosen in the
    set-up wizard, else the user's data folder (``%LOCALAPPDATA%\\XinQiao`` on Windows,
    ``~/.local/share/XinQiao`` on Linux)."""
    env = os.environ.get("XINQIAO_DATA_DIR")
    if env:
        return Path(env)
    return (installed_data_dir() or chosen_data_dir()
            or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


@dataclass(frozen=True)
class KdfCost:
    iterations: int
    memory_kib: int
    lanes: int


# Argon2id parameters: the floor for every new slot (OWASP's m=64 MiB, t=3, p=4). A new vault calibrates its
# own cost upward from here (app/store/kdf.py) and keeps it in keyslots.json.
PRODUCTION_KDF = KdfCost(iterations=3, memory_kib=64 * 1024, lanes=4)
# Test-only: a cheap cost so the suite stays fast. See ``test_kdf_enabled``.
TEST_KDF = KdfCost(iterations=1, memory_kib=8 * 1024, lanes=1)


def test_kdf_enabled() -> bool:
    """``XINQIAO_TEST_FAST_KDF=1`` counts only inside the test suite: in a process that pytest runs (pytest is
    imported) or that a running test started (pytest sets ``PYTEST_CURRENT_TEST`` and child processes inherit
    it). Anywhere else, as on a school's PC, the variable is ignored and slots get the full cost."""
    if os.environ.get("XINQIAO_TEST_FAST_KDF") != "1":
        return False
    return "pytest" in sys.modules or bool(os.environ.get("PYTEST_CURRENT_TEST"))


def kdf_cost() -> KdfCost:
    """The floor for new key slots."""
    return TEST_KDF if test_kdf_enabled() else PRODUCTION_KDF
