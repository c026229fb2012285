"""Change notices are typed: every ``data_changed`` carries a ``Change``, and receivers compare by identity."""
from __future__ import annotations

import ast

from tests.conftest import ROOT
from ui.shell.context import AppContext, Change


def emitted_values() -> list[tuple[str, int, ast.expr]]:
    found = []
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "emit"
                    and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "data_changed"):
                found.append((str(path.relative_to(ROOT)), node.lineno, node.args[0]))
    return found


def test_every_notice_in_the_window_is_a_change_member():
    found = emitted_values()
    assert len(found) > 10
    for where, line, arg in found:
        assert (isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "Change"
                and arg.attr in Change.__members__), f"{where}:{line}: data_changed must carry a Change"


def test_a_settings_change_updates_the_title_and_others_do_not(qtbot, session):
    from ui.shell.main_window import MainWindow

    win = MainWindow(session, auto_backup=False, pages=[])
    qtbot.addWidget(win)
    with session.db.transaction():
        session.db.execute("UPDATE school SET name = '新名字学校' WHERE id = 1")
    win.ctx.data_changed.emit(Change.CASEWORK)
    assert win.windowTitle() == "心桥 · 测试学校"
    win.ctx.data_changed.emit(Change.SETTINGS)
    assert win.windowTitle() == "心桥 · 新名字学校"


def test_the_index_reload_tells_students(qtbot, session):
    ctx = AppContext(session)
    with qtbot.waitSignal(ctx.data_changed, check_params_cb=lambda change: change is Change.STUDENTS):
        ctx.reload_index()
