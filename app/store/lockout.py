"""Failed sign-in counter in a small file of its own, so a wrong password never touches the vault.

Counted per account (``{"accounts": {name: {"failures": n, "last_failure": t}}}``): after ``FREE_ATTEMPTS``
failures in a row for one account each further failure doubles its waiting time (30 s, 60 s, ... up to one
hour). The file survives a restart; a successful sign-in clears that account's entry.

The file is outside the encrypted vault, so whatever it holds is clamped when read: the count to
0..``MAX_FAILURES`` (unreadable: ``FREE_ATTEMPTS``), a time that is not a number or lies more than the longest
wait ahead to "long ago", anything not of the expected shape to nothing. A wait is never negative and never
longer than ``MAX_DELAY``.
"""
from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.store.fileio import atomic_write_text

FREE_ATTEMPTS = 5
BASE_DELAY = 30
MAX_DELAY = 3600
MAX_FAILURES = 1000
MAX_ACCOUNTS = 200       # names tried; an attacker typing many names cannot grow the file without bound


@dataclass
class LockoutState:
    failures: int = 0
    last_failure: float = 0.0

    def delay(self) -> int:
        if self.failures < FREE_ATTEMPTS:
            return 0
        exponent = min(self.failures - FREE_ATTEMPTS, 32)
        return int(min(MAX_DELAY, BASE_DELAY * 2 ** exponent))

    def wait_remaining(self, now: float) -> int:
        remaining = self.last_failure + self.delay() - now
        return max(0, min(MAX_DELAY, int(remaining + 0.999)))


def _clamped(obj: object, now: float) -> LockoutState:
    if not isinstance(obj, dict):
        return LockoutState()
    try:
        failures = int(obj.get("failures", 0))
    except (TypeError, ValueError, OverflowError):
        failures = FREE_ATTEMPTS   # unreadable: the next failure waits, but not for long
    try:
        last = float(obj.get("last_failure", 0.0))
    except (TypeError, ValueError, OverflowError):
        last = 0.0
    if not math.isfinite(last) or last > now + MAX_DELAY or last < 0:
        # Not a time this program wrote (clocks drift a little, not by hours): it counts as long ago, so a
        # bad value can never mean a wait that does not end.
        last = 0.0
    return LockoutState(max(0, min(MAX_FAILURES, failures)), last)


class Lockout:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock

    def _read(self) -> dict[str, LockoutState]:
        try:
            obj = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        accounts = obj.get("accounts") if isinstance(obj, dict) else None
        if not isinstance(accounts, dict):
            return {}
        now = self.clock()
        return {str(name): _clamped(v, now) for name, v in list(accounts.items())[:MAX_ACCOUNTS]}

    def _write(self, states: dict[str, LockoutState]) -> None:
        if not states:
            self.path.unlink(missing_ok=True)
            return
        newest = sorted(states.items(), key=lambda kv: kv[1].last_failure, reverse=True)[:MAX_ACCOUNTS]
        atomic_write_text(self.path, json.dumps(
            {"accounts": {n: {"failures": s.failures, "last_failure": s.last_failure} for n, s in newest}},
            ensure_ascii=False))

    def load(self, account: str) -> LockoutState:
        return self._read().get(account, LockoutState())

    def remaining(self, account: str) -> int:
        return self.load(account).wait_remaining(self.clock())

    def fail(self, account: str) -> LockoutState:
        states = self._read()
        state = states.get(account, LockoutState())
        state.failures = min(MAX_FAILURES, state.failures + 1)
        state.last_failure = self.clock()
        states[account] = state
        self._write(states)
        return state

    def clear(self, account: str) -> None:
        states = self._read()
        if account in states or (not states and self.path.exists()):
            states.pop(account, None)
            self._write(states)
