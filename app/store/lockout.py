"""Failed sign-in counter in a small file of its own, so a wrong password never touches the vault.

After ``FREE_ATTEMPTS`` failures in a row each further failure doubles a waiting time (30 s, 60 s, ... up to
one hour). The file survives a restart; a successful sign-in clears it.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.store.fileio import atomic_write_text

FREE_ATTEMPTS = 5
BASE_DELAY = 30
MAX_DELAY = 3600


@dataclass
class LockoutState:
    failures: int = 0
    last_failure: float = 0.0

    def delay(self) -> int:
        if self.failures < FREE_ATTEMPTS:
            return 0
        return int(min(MAX_DELAY, BASE_DELAY * 2 ** (self.failures - FREE_ATTEMPTS)))

    def wait_remaining(self, now: float) -> int:
        remaining = self.last_failure + self.delay() - now
        return max(0, int(remaining + 0.999))


class Lockout:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock

    def load(self) -> LockoutState:
        try:
            obj = json.loads(self.path.read_text("utf-8"))
            return LockoutState(int(obj.get("failures", 0)), float(obj.get("last_failure", 0.0)))
        except (OSError, ValueError):
            return LockoutState()

    def remaining(self) -> int:
        return self.load().wait_remaining(self.clock())

    def fail(self) -> LockoutState:
        state = self.load()
        state.failures += 1
        state.last_failure = self.clock()
        atomic_write_text(self.path, json.dumps({"failures": state.failures, "last_failure": state.last_failure}))
        return state

    def clear(self) -> None:
        if self.path.exists():
            self.path.unlink()
