"""Drafts in the vault (issue 10): per account and form, under the tier of the text they can hold, listed newest
first for the 工作台, and casework's old drafts carried over by migrations 090 and conf 007."""
from __future__ import annotations

import json
import shutil

from app import clock
from app.drafts.store import delete_draft, list_drafts, load_draft, save_draft
from app.drafts.workbench import draft_items
from app.store.confidential import CONF_MIGRATIONS
from app.store.db import open_database
from app.store.migrate import MIGRATIONS_DIR, migrate


def _count(session, table: str, key: str) -> int:
    return int(session.db.scalar(f"SELECT count(*) FROM {table} WHERE form_key = :k", {"k": key}))


def test_a_counselors_draft_of_confidential_text_is_in_confidential_db(school):
    save_draft(school, "crisis:step:1:2", {"note": "保密的评估"}, label="危机步骤", student_id=5)
    save_draft(school, "settings:school", {"name": "新校名"}, label="学校信息", confidential=False)
    assert (_count(school, "conf.drafts", "crisis:step:1:2"), _count(school, "main.drafts", "crisis:step:1:2")) == (1, 0)
    assert (_count(school, "conf.drafts", "settings:school"), _count(school, "main.drafts", "settings:school")) == (0, 1)
    assert load_draft(school, "crisis:step:1:2") == {"note": "保密的评估"}
    assert load_draft(school, "settings:school") == {"name": "新校名"}
    delete_draft(school, "crisis:step:1:2")
    assert load_draft(school, "crisis:step:1:2") is None and _count(school, "conf.drafts", "crisis:step:1:2") == 0


def test_a_head_teachers_drafts_stay_in_vault_db_and_are_their_own(school, head_teacher):
    save_draft(head_teacher, "record:new", {"summary": "班主任写了一半"}, label="个案记录")
    assert _count(head_teacher, "main.drafts", "record:new") == 1      # no conf schema on their connection
    assert load_draft(school, "record:new") is None                    # the counselor's are not theirs
    assert [d.form_key for d in list_drafts(head_teacher)] == ["record:new"]
    assert list_drafts(school) == []


def test_drafts_are_listed_newest_first_as_workbench_items(school):
    clock.set_fixed(clock.now().replace(hour=9, minute=0))
    save_draft(school, "record:new", {"summary": "早上"}, label="个案记录", student_id=3)
    clock.set_fixed(clock.now().replace(hour=10, minute=30))
    save_draft(school, "settings:holiday:new", {"name": "国庆"}, label="节假日", confidential=False)
    assert [d.form_key for d in list_drafts(school)] == ["settings:holiday:new", "record:new"]
    items = draft_items(school, clock.today())
    assert [(i.kind_label, i.source, i.student_id) for i in items] == [
        ("未完成的记录", "draft:settings:holiday:new", None), ("未完成的记录", "draft:record:new", 3)]
    assert items[0].title.startswith("节假日") and "10:30" in items[0].title
    assert "国庆" not in items[0].title      # the list never shows what was typed


def test_casework_drafts_of_an_older_vault_become_drafts(tmp_path):
    """A vault (and confidential.db) from before 090 / conf 007: their case_drafts rows are carried over."""
    key = bytes(range(32))
    for track, last, table_note in ((MIGRATIONS_DIR, 81, "vault"), (CONF_MIGRATIONS, 2, "conf")):
        older = tmp_path / f"{table_note}-older"
        older.mkdir()
        for p in track.iterdir():
            if p.suffix == ".sql" and int(p.name[:3]) <= last:
                shutil.copy(p, older / p.name)
        db = open_database(tmp_path / f"{table_note}.db", key, create=True)
        try:
            migrate(db, older)
            with db.transaction():
                db.execute("INSERT INTO case_drafts (account, form_key, content, saved_at) VALUES"
                           " ('counselor', 'record:new', :c, '2026-11-01T10:00:00')",
                           {"c": json.dumps({"student_ids": [7], "summary": "旧草稿"}, ensure_ascii=False)})
            migrate(db, track)
            rows = [tuple(r) for r in db.query("SELECT account, form_key, label, student_id, tier, saved_at FROM drafts")]
            assert rows == [("counselor", "record:new", "个案记录", 7, "confidential", "2026-11-01T10:00:00")]
            assert json.loads(db.scalar("SELECT content FROM drafts"))["summary"] == "旧草稿"
            assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'case_drafts'") == 0
        finally:
            db.close()
