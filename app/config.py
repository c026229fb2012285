"""Where the vault lives and the few process-wide settings."""
from __future__ import annotations

import os
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


# Argon2id parameters: OWASP's recommended m=64 MiB, t=3, p=4 for production.
PRODUCTION_KDF = KdfCost(iterations=3, memory_kib=64 * 1024, lanes=4)
# Test-only: a cheap cost so the suite stays fast. Only used when XINQIAO_TEST_FAST_KDF=1.
TEST_KDF = KdfCost(iterations=1, memory_kib=8 * 1024, lanes=1)


def kdf_cost() -> KdfCost:
    return TEST_KDF if os.environ.get("XINQIAO_TEST_FAST_KDF") == "1" else PRODUCTION_KDF
