"""A county centre and a school linked to it; a probe indicator whose evidence names a student."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.capability import Capability, current
from app.indicators.model import Evidence, Figure, Period
from tests.conftest import PASSWORD

PROBE_NAME = "探针学生姓名"


def probe_figures(session, period: Period) -> list[Figure]:  # type: ignore[no-untyped-def]
    """A figure like the real providers give: a value, a target and evidence whose label names a student."""
    n = int(session.db.scalar("SELECT COUNT(*) FROM students") or 0)
    return [Figure("probe.students", "staffing", "在册学生", "在读学生人数", n, "人", target=1, ok=n >= 1,
                   evidence=(Evidence(f"{PROBE_NAME}（七年级（1）班）", "student", 1),
                             Evidence("八年级（2）班未上课", "class", 2, missing=True)),
                   breakdown={"period": period.label})]


@pytest.fixture
def probe(use_registry):
    use_registry(current().extended(Capability(name="probe", label="探针", indicators=(probe_figures,))))


def make_centre(root: Path, name: str = "某县心理辅导中心"):  # type: ignore[no-untyped-def]
    from app.school.setup import create_vault

    s, _code = create_vault(root, school_name=name, username="centre", password=PASSWORD, centre=True)
    return s


@pytest.fixture
def centre(tmp_path):
    s = make_centre(tmp_path / "centre")
    yield s
    s.close()


def link(school, centre, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    from app.exchange.centre import write_public_key
    from app.exchange.school import set_centre_key

    folder.mkdir(parents=True, exist_ok=True)
    path, _fp = write_public_key(centre, folder / "centre.pub")
    set_centre_key(school, path)
    return path


@pytest.fixture
def linked(session, centre, tmp_path, probe):
    """(school session, centre session): the school has imported the centre's key."""
    link(session, centre, tmp_path / "keys")
    return session, centre


SECOND_SCHOOL = "第二实验学校"


def build_district(school, centre, tmp_path: Path, months=("2026-09", "2026-10", "2026-11"),  # type: ignore[no-untyped-def]
                   second_months=("2026-09", "2026-11")):
    """Two real schools exporting real packages to the centre, which imports them: ``school`` (the caller's vault)
    for ``months``, a second smaller school (40 students) for ``second_months`` only. Returns the second school's
    open session (the caller closes it)."""
    from app.demo import populate_school
    from app.exchange.centre import import_packages
    from app.exchange.school import export_period
    from app.indicators.periods import report_period
    from app.school.setup import create_vault

    second, _code = create_vault(tmp_path / "second", school_name=SECOND_SCHOOL, username="counselor",
                                 password=PASSWORD, school_code="37020299")
    populate_school(second, n_students=40, grades=(7,), seed=11)
    link(school, centre, tmp_path / "keys")
    link(second, centre, tmp_path / "keys")
    usb = tmp_path / "usb-district"
    for s, codes in ((school, months), (second, second_months)):
        for code in codes:
            export_period(s, report_period(s.db, code), usb)
    import_packages(centre, usb)
    return second
