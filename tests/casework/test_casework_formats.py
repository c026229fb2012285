"""A counselor's log as Excel 97 .xls or .ods (tests/data/make_formats.py) imports like an .xlsx."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.casework.importer import apply_sessions, preview_sessions
from app.school.roster_import import import_roster

DATA = Path(__file__).resolve().parent.parent / "data"
sys.path.insert(0, str(DATA))
from make_formats import SESSIONS_EXPECTED  # noqa: E402


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_sessions_log_in_old_and_open_formats(session, ext):
    import_roster(session, DATA / "roster_registry.xlsx")  # the students the log names
    p = preview_sessions(session, DATA / f"sessions_log.{ext}")
    assert p.header_row == SESSIONS_EXPECTED["header_row"] and p.errors == []
    assert [r.registry_no for r in p.new] == SESSIONS_EXPECTED["registry"]
    assert [r.data.occurred_at for r in p.new] == SESSIONS_EXPECTED["occurred"]
    assert [r.data.kind for r in p.new] == SESSIONS_EXPECTED["kinds"]
    assert [r.data.duration_min for r in p.new][:2] == [40, 20]
    assert apply_sessions(session, p).written == 3
