import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Casework dates are checked against today; pin it (the shared fixture releases the clock afterwards)."""
    from app import clock

    clock.set_fixed(dt.datetime(2026, 11, 20, 9, 0))
    yield
