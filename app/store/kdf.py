"""Calibrating Argon2id to this PC when a vault is created (as KeePassXC's one-second benchmark does).

Memory stays at ``PRODUCTION_KDF.memory_kib`` (64 MiB) or more and the lanes at 4; the number of passes is
chosen so that one derivation takes about ``TARGET_SECONDS`` on the PC that creates the vault, never fewer
than ``PRODUCTION_KDF.iterations``. The result is written to keyslots.json and stored in each slot, so a
vault moved to a slower PC still opens (it just takes longer) and every later slot gets the same cost.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.config import PRODUCTION_KDF, KdfCost, kdf_cost, test_kdf_enabled

TARGET_SECONDS = 0.5
MAX_ITERATIONS = 64
PROBE_ITERATIONS = 2


def time_derivation(cost: KdfCost, timer: Callable[[], float] = time.perf_counter) -> float:
    kdf = Argon2id(salt=os.urandom(16), length=32, iterations=cost.iterations, lanes=cost.lanes,
                   memory_cost=cost.memory_kib)
    start = timer()
    kdf.derive(b"calibration")
    return timer() - start


def calibrate(target_seconds: float = TARGET_SECONDS, floor: KdfCost = PRODUCTION_KDF) -> KdfCost:
    """The Argon2id cost that takes about ``target_seconds`` here, with at least ``floor``'s memory and passes.

    One probe with ``PROBE_ITERATIONS`` passes gives the time of one pass (a pass over the same memory costs
    the same each time); the passes are then scaled to the target."""
    probe = KdfCost(PROBE_ITERATIONS, floor.memory_kib, floor.lanes)
    per_pass = max(time_derivation(probe) / PROBE_ITERATIONS, 1e-6)
    iterations = int(round(target_seconds / per_pass))
    return KdfCost(max(floor.iterations, min(MAX_ITERATIONS, iterations)), floor.memory_kib, floor.lanes)


def new_vault_cost() -> KdfCost:
    """The cost for a new vault: calibrated, except in the test suite (see ``app.config.test_kdf_enabled``)."""
    if test_kdf_enabled():
        return kdf_cost()
    return calibrate()
