"""Migration 061: the records list filtered by kind walks an index of that kind in the list's order (no scan of
every record, no sort), for a new vault and for one upgraded from 060."""
from __future__ import annotations

from app.casework.records import RecordFilter, bulk_insert, list_records
from app.demo import generate_students, insert_students
from app.store.migrate import current_version, migrate
from tests.casework.helpers import record


def _plan_of_list_query(session, monkeypatch, flt: RecordFilter) -> list[str]:
    """EXPLAIN QUERY PLAN of the exact statement list_records sends."""
    sent: list[tuple[str, dict]] = []
    real = session.db.query

    def recording(sql, params=()):  # type: ignore[no-untyped-def]
        sent.append((sql, params))
        return real(sql, params)

    monkeypatch.setattr(session.db, "query", recording)
    list_records(session, flt)
    monkeypatch.undo()
    sql, params = next((s, p) for s, p in sent if s.lstrip().upper().startswith("SELECT") and "FROM case_records r"
                       in s)
    return [r[3] for r in session.db.query("EXPLAIN QUERY PLAN " + sql, params)]


def _some_records(session) -> None:
    ids = insert_students(session, generate_students(6, grades=(7,)))
    bulk_insert(session, [record(sid, kind=k, occurred_at=f"2026-10-{d:02d}T10:00")
                          for d, (sid, k) in enumerate(zip(ids * 2, ["talk", "home_visit"] * 6, strict=True), 1)])


def test_kind_filter_uses_the_kind_index_in_list_order(session, monkeypatch):
    _some_records(session)
    plan = _plan_of_list_query(session, monkeypatch, RecordFilter(kind="home_visit", limit=500))
    assert any("USING INDEX case_records_kind_occurred (kind=?)" in p for p in plan), plan
    assert not any("TEMP B-TREE" in p for p in plan), plan          # newest first straight from the index
    # with a date range too (the coverage views and the command line)
    plan = _plan_of_list_query(session, monkeypatch, RecordFilter(kind="home_visit", date_from="2026-10-01",
                                                                  date_to="2026-10-31"))
    assert any("case_records_kind_occurred (kind=? AND occurred_at>? AND occurred_at<?)" in p for p in plan), plan
    got = list_records(session, RecordFilter(kind="home_visit"))
    assert [r.kind for r in got] == ["home_visit"] * 6
    assert [r.occurred_at for r in got] == sorted((r.occurred_at for r in got), reverse=True)


def test_a_vault_at_060_gets_the_index_on_upgrade(tmp_path, monkeypatch):
    """A vault made when 060 was the newest migration (later ones held back) gets 061 when it opens."""
    from app.school.setup import create_vault
    from app.store import migrate as migrations

    every = migrations.available()
    monkeypatch.setattr(migrations, "available", lambda: [m for m in every if m.number <= 60])
    old, _code = create_vault(tmp_path / "v", school_name="旧版学校", username="c", password="Old-vault-2026!")
    db = old.db
    assert current_version(db) == 60
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'case_records_kind_occurred'") == 0
    monkeypatch.setattr(migrations, "available", lambda: every)
    assert 61 in migrate(db)
    assert current_version(db) >= 61
    assert db.scalar("SELECT sql FROM sqlite_master WHERE name = 'case_records_kind_occurred'") == (
        "CREATE INDEX case_records_kind_occurred ON case_records(kind, occurred_at) WHERE deleted_at IS NULL")
    old.close()
