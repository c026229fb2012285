"""The window, issue 9: the 学生档案 list (cells, filters), an archive (header, banners, tags, timeline) and the
干预台账 as a 班主任 show no unreviewed level, no category and no confidential tag; as a 管理员 no tag or level."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.archive.tags import DEFAULT_CONFIDENTIAL
from tests.privacy.builder import CONFIDENTIAL_TAG
from tests.privacy.conftest import WINDOW
from tests.privacy.test_privacy_labels import _no_labels

pytestmark = WINDOW


def _page(qtbot, session):  # type: ignore[no-untyped-def]
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    page = StudentsPage(AppContext(session))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def _model_text(model) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(model.data(model.index(r, c)) or "") for r in range(model.rowCount())
                     for c in range(model.columnCount()))


def _row_of(page, sid: int) -> int:  # type: ignore[no-untyped-def]
    return page.model.row_of(sid)


def test_students_page_as_head_teacher(qtbot, teacher, vault):
    from ui.archive.models import StudentTableModel

    page = _page(qtbot, teacher)
    _no_labels(_model_text(page.model), "student list")
    row = _row_of(page, vault.unreviewed)
    assert row >= 0
    assert page.model.data(page.model.index(row, StudentTableModel.COL_LEVEL)) == ""
    own = _row_of(page, vault.own)
    assert page.model.data(page.model.index(own, StudentTableModel.COL_LEVEL)) == "二级"   # reviewed
    assert "其他" in page.model.data(page.model.index(own, StudentTableModel.COL_TAGS))
    combo = [page.tag_combo.itemText(i) for i in range(page.tag_combo.count())]
    assert "留守" in combo and not set(combo) & DEFAULT_CONFIDENTIAL
    page.level_combo.setCurrentIndex(page.level_combo.findData(1))
    assert vault.unreviewed not in [page.model.entry(r).id for r in range(page.model.rowCount())]
    page.level_combo.setCurrentIndex(0)
    page.search.setText(vault.unreviewed_registry)
    page.model.sort(StudentTableModel.COL_LEVEL, Qt.SortOrder.AscendingOrder)
    assert page.model.data(page.model.index(0, StudentTableModel.COL_LEVEL)) == ""

    page.show_student(vault.unreviewed)
    arch = page.archive
    assert "预警" not in arch.facts_label.text() and not arch.banner_labels
    assert not [e for e in arch.timeline.model.events if e.kind == "warning_level"]
    page.show_student(vault.own)
    text = arch.facts_label.text() + "\n".join(lb.text() for lb in arch.banner_labels)
    assert CONFIDENTIAL_TAG not in text and "重点关注" in text
    _no_labels(text + _model_text(arch.tags.model) + _model_text(arch.timeline.model), "archive")


def test_students_page_as_admin(qtbot, admin, vault):
    from ui.archive.models import StudentTableModel

    page = _page(qtbot, admin)
    assert page.table.isColumnHidden(StudentTableModel.COL_TAGS)
    assert page.table.isColumnHidden(StudentTableModel.COL_LEVEL)
    assert page.tag_combo.isHidden() and page.level_combo.isHidden()
    own = _row_of(page, vault.own)
    assert page.model.data(page.model.index(own, StudentTableModel.COL_TAGS)) == ""
    assert page.model.data(page.model.index(own, StudentTableModel.COL_LEVEL)) == ""
    page.show_student(vault.own)
    arch = page.archive
    assert "重点关注" not in [arch.tabs.tabText(i) for i in range(arch.tabs.count())]
    assert "预警" not in arch.facts_label.text() and "重点关注" not in arch.facts_label.text()
    assert not arch.banner_labels


def test_ledger_view_as_head_teacher(qtbot, teacher, vault):
    from ui.screening.ledger_view import LedgerView
    from ui.shell.tasks import running

    view = LedgerView(teacher)
    qtbot.addWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: running() == 0 and not view.loading, timeout=10_000)
    assert view.model.rowCount() > 0
    ids = {r.student_id for r in view.model.rows}
    assert vault.own in ids and vault.unreviewed not in ids
    _no_labels(_model_text(view.model), "ledger view")
    for col in (4, 5, 8):        # 得分, 初评, 复核截止
        assert view.table.isColumnHidden(col)
    assert view.status.findData("pending_review") == -1
