"""A benchmark's vault: a new one in a temporary folder, signed in as its first account (a counselor who also
manages), closed and removed when the benchmark is done; and the demo school with a screening ledger that the
indicator and report benchmarks time.

Not a ``bench_*`` module: ``run_all`` runs those, this one only serves them.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.session import Session

PASSWORD = "Bench-password-2026!"


@contextmanager
def temporary_vault(prefix: str, *, school_name: str = "基准学校", username: str = "counselor",
                    display_name: str = "", password: str = PASSWORD) -> Iterator[tuple[Session, Path]]:
    """(the signed-in session, the temporary folder: the vault in its ``vault/``, room for what the benchmark
    writes). The declared capabilities are installed first, as every entry point does."""
    from app.capabilities import install_default
    from app.school.setup import create_vault

    install_default()
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        session, _code = create_vault(folder / "vault", school_name=school_name, username=username,
                                      display_name=display_name, password=password)
        try:
            yield session, folder
        finally:
            session.close()


def school_with_ledger(session: Session, n_students: int, campaign: str) -> None:
    """A demo school of ``n_students`` students in grades 7–9 with every capability's demo records, and a PHQ-9
    campaign named ``campaign`` that gives every student a screening ledger entry."""
    from app.demo import populate_school
    from app.screening.campaigns import create_campaign
    from bench.bench_screening import fill_ledger

    populate_school(session, n_students, grades=(7, 8, 9))
    camp = create_campaign(session, campaign, {g: "phq9" for g in (7, 8, 9)})
    fill_ledger(session, camp.id)
