"""Saving an import profile has the write shape: the rule of its kind of import, one transaction, an audit line
inside it — from the command line's --save-profile, the import dialog's spec and the screening importer alike."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import audit
from app.accounts.admin import add_account
from app.accounts.model import Role
from app.audit import recent
from app.errors import InputRejected, PermissionDenied
from app.school.roster_import import ROSTER_IMPORT as ROSTER_SPEC
from app.screening.importer import save_import_profile
from app.session import open_session
from app.tabular.profiles import list_profiles, load_profile, save_profile
from tests.conftest import PASSWORD

DATA = Path(__file__).resolve().parent.parent / "data"


def _profile_lines(session) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(e.account, e.target, e.detail) for e in recent(session.db, action="settings")
            if e.target.startswith("import_profile:")]


def test_saving_a_profile_is_audited_in_its_transaction(session, monkeypatch):
    save_profile(session, "roster", "  教务处导出 ", {"name": "学生名字", "class": "所在班"})
    assert load_profile(session.db, "roster", "教务处导出") == {"name": "学生名字", "class": "所在班"}
    [(who, target, detail)] = _profile_lines(session)
    assert who == "counselor" and target == "import_profile:roster"
    assert json.loads(detail) == {"name": "教务处导出", "fields": ["class", "name"]}
    ROSTER_SPEC.save(session, "窗口里保存的", {"name": "姓名"})        # the import dialog's path
    save_import_profile(session, "平台", {"name": "答题人"}, {1: "Q1"})  # the screening importer's
    assert [t for _w, t, _d in _profile_lines(session)] == ["import_profile:screening", "import_profile:roster",
                                                            "import_profile:roster"]
    with pytest.raises(InputRejected):
        save_profile(session, "roster", "  ", {"name": "姓名"})

    def failing(*_a, **_k):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m, pytest.raises(OSError):
        m.setattr(audit, "record", failing)
        save_profile(session, "roster", "没写成", {"name": "姓名"})
    assert "没写成" not in list_profiles(session.db, "roster")  # the audit line failed: nothing was saved


@pytest.mark.parametrize(("role", "kind", "allowed"), [
    (Role.HEAD_TEACHER, "roster", False), (Role.HEAD_TEACHER, "screening", False),
    (Role.HEAD_TEACHER, "sessions", False),
    (Role.ADMIN, "roster", True), (Role.ADMIN, "screening", True), (Role.ADMIN, "sessions", False),
])
def test_saving_a_profile_checks_the_rule_of_its_kind(session, data_dir, role, kind, allowed):
    with session.db.transaction():
        session.db.execute("INSERT INTO classes (uuid, grade, number, name) VALUES ('c1', 7, 1, '七年级（1）班')")
    cid = int(session.db.scalar("SELECT id FROM classes"))
    add_account(session, "other", "Copper-gate-2026!", role, class_id=cid if role == Role.HEAD_TEACHER else None)
    other = open_session(data_dir, "other", "Copper-gate-2026!")
    try:
        if allowed:
            save_profile(other, kind, "方案", {"name": "姓名"})
            assert _profile_lines(other)[0][:2] == ("other", f"import_profile:{kind}")
        else:
            with pytest.raises(PermissionDenied):
                save_profile(other, kind, "方案", {"name": "姓名"})
            assert list_profiles(other.db, kind) == [] and _profile_lines(other) == []
    finally:
        other.close()


def test_command_line_save_profile_is_audited(session, monkeypatch, capsys):
    from app.cli import main

    session.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(session.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    assert main(["import-roster", str(DATA / "roster_registry.xlsx"), "--dry-run", "--save-profile", "学籍系统"]) == 0
    capsys.readouterr()
    s = open_session(session.paths.root, "counselor", PASSWORD)
    try:
        assert "学籍系统" in list_profiles(s.db, "roster")
        assert [t for _w, t, _d in _profile_lines(s)] == ["import_profile:roster"]
    finally:
        s.close()


def test_every_importer_can_save_its_column_mapping(session):
    """Each import's spec names a profile kind that has a rule (the network's report import had none: saving its
    mapping in the dialog raised instead of saving)."""
    from app.casework.importer import SESSIONS_IMPORT
    from app.courses.importer import COURSES_IMPORT
    from app.network.importer import REPORTS_IMPORT
    from app.screening.importer import SCREENING_IMPORT

    for spec in (ROSTER_SPEC, SCREENING_IMPORT, SESSIONS_IMPORT, REPORTS_IMPORT, COURSES_IMPORT):
        spec.save(session, "学校常用", {"name": "姓名"})
        saved = load_profile(session.db, spec.kind, "学校常用")
        assert saved is not None and saved["name"] == "姓名", spec.kind
