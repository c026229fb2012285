"""Time in one place, so tests can pin it."""
from __future__ import annotations

import datetime as dt
import uuid

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    return _fixed if _fixed is not None else dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def now_iso() -> str:
    return now().isoformat(timespec="seconds")


def set_fixed(value: dt.datetime | None) -> None:
    """Test hook: pin the clock (None to release)."""
    global _fixed
    _fixed = value


def new_uuid() -> str:
    return str(uuid.uuid4())
