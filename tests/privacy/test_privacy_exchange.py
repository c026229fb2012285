"""A county package from the marked vault: no student's name, registry number or confidential text in the
decrypted payload by default; with named records allowed, names but still no confidential text."""
from __future__ import annotations

import json

import pyrage
import pytest

from app.errors import PermissionDenied
from app.exchange.school import export_period, set_export_policy
from app.indicators.periods import report_period
from tests.exchange.conftest import link, make_centre, probe_figures
from tests.privacy.builder import MARK_PREFIX


@pytest.fixture
def centre(tmp_path):
    s = make_centre(tmp_path / "centre")
    yield s
    s.close()


@pytest.fixture
def with_probe(use_registry):
    """The real providers plus one whose evidence names a student (its labels must stay home)."""
    from app.capability import Capability, current

    use_registry(current().extended(Capability(name="probe", label="探针", indicators=(probe_figures,))))


def _decrypted(counselor, centre, tmp_path, period: str) -> str:  # type: ignore[no-untyped-def]
    link(counselor, centre, tmp_path / "keys")
    r = export_period(counselor, report_period(counselor.db, period), tmp_path / "usb")
    ident = pyrage.x25519.Identity.from_str(
        centre.db.scalar("SELECT secret FROM conf.exchange_keys WHERE name = 'centre_age'"))
    text = pyrage.decrypt(r.path.read_bytes(), [ident]).decode("utf-8")
    envelope = json.loads(text)
    return text + "\n" + envelope["signed"]    # the signed text, unescaped


def _students(counselor) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(str(r[0]), str(r[1])) for r in counselor.db.query("SELECT name, registry_no FROM students")]


@pytest.mark.parametrize("period", ["2026-10", "2026-11"])
def test_a_default_package_names_no_student_and_carries_no_confidential_text(counselor, centre, tmp_path, period,
                                                                             with_probe):
    text = _decrypted(counselor, centre, tmp_path, period)
    assert MARK_PREFIX not in text
    found = [(n, reg) for n, reg in _students(counselor) if n in text or reg in text]
    assert found == [], f"students named in a default package: {found[:3]}"
    assert "探针学生姓名" not in text


def test_named_records_go_only_when_the_policy_allows_and_never_confidential_text(counselor, centre, tmp_path, vault):
    set_export_policy(counselor, period="month", named=["crisis", "level1"])
    text = _decrypted(counselor, centre, tmp_path, "2026-11")
    assert MARK_PREFIX not in text
    assert any(reg in text for _n, reg in _students(counselor)), "the crisis cases of the marked vault are named"


def test_accounts_without_the_confidential_key_cannot_sign_a_package(restricted, tmp_path):
    with pytest.raises(PermissionDenied):
        export_period(restricted, report_period(restricted.db, "2026-11"), tmp_path / "usb")
