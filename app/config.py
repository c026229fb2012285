"""Where the vault lives and the few process-wide settings."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "XinQiao"


def default_data_dir() -> Path:
    env = os.environ.get("XINQIAO_DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


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
