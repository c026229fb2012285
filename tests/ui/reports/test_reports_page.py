"""统计报表 through the real widgets: the seven charts appear once the worker finishes, each saves a real PNG and a
real .xlsx (read back with openpyxl) with an audit line, a typed period redraws, a bad one says what is wrong, and
生成学期报告 writes the PDF through the task helper."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import clock
from ui.shell import dialogs


@pytest.fixture
def page(qtbot, session):
    from app.demo import populate_school
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    clock.set_fixed(dt.datetime(2026, 12, 7, 10, 0))
    populate_school(session, n_students=120, grades=(7, 8, 9))
    decl = declared("reports")
    assert (decl.id, decl.title) == ("reports", "统计报表")
    p = decl.factory(AppContext(session))
    qtbot.addWidget(p)
    p.resize(1250, 900)
    p.show()
    assert p.wait_loaded()
    dialogs.reset()
    yield p
    dialogs.reset()


def _audit(session, n: int = 1):  # type: ignore[no-untyped-def]
    from app.audit.log import recent

    return recent(session.db, n, action="export")


def test_the_charts_appear_after_the_task(page, session):
    from app.reports.charts import CHARTS

    assert page.period_box.currentText() == "2026-2027学年第一学期"
    assert [page.period_box.itemText(i) for i in range(page.period_box.count())][:2] == [
        "2026-2027学年第一学期", "2025-2026学年第二学期"]
    assert "2026-12" in [page.period_box.itemText(i) for i in range(page.period_box.count())]
    assert list(page.cards) == [k for k, _t in CHARTS]
    for card in page.cards.values():
        assert card.chart is not None and card.image.pixmap() is not None and not card.image.pixmap().isNull()
        assert card.image.pixmap().width() == 560
        assert card.save_png.isEnabled() and card.save_xlsx.isEnabled()
    assert "2026-09-01 至 2027-01-31" in page.status.text()


def test_save_png_and_xlsx_write_real_files_with_audit_lines(qtbot, page, session, tmp_path):
    from openpyxl import load_workbook

    from tests.ui.conftest import wait_tasks

    card = page.cards["crisis_cases"]
    png = tmp_path / "危机个案.png"
    dialogs.preanswer(str(png), None)
    qtbot.mouseClick(card.save_png, Qt.MouseButton.LeftButton)
    wait_tasks(qtbot)
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5000
    assert dialogs.shown[0].kind == "save_file" and dialogs.shown[0].text.endswith("危机个案（按等级与状态）.png")
    assert dialogs.shown[-1].title == "保存图片" and str(png) in dialogs.shown[-1].text
    entry = _audit(session)[0]
    assert entry.target == str(png.resolve()) and "school.crisis_cases" in entry.detail and "2026-2027" in entry.detail

    card = page.cards["talk_feedback"]
    xlsx = tmp_path / "覆盖.xlsx"
    dialogs.preanswer(str(xlsx), None)
    qtbot.mouseClick(card.save_xlsx, Qt.MouseButton.LeftButton)
    wait_tasks(qtbot)
    rows = [list(r) for r in load_workbook(xlsx).active.iter_rows(values_only=True)]
    assert rows[0][0] == card.chart.title
    assert tuple(rows[1]) == card.chart.table.headers
    assert [tuple(r) for r in rows[2:]] == list(card.chart.table.rows)
    entry = _audit(session)[0]
    assert entry.target == str(xlsx.resolve()) and '"format": "xlsx"' in entry.detail

    # cancelled in the file dialog: nothing written, nothing audited
    before = len(_audit(session, 100))
    dialogs.preanswer(None)
    qtbot.mouseClick(card.save_png, Qt.MouseButton.LeftButton)
    wait_tasks(qtbot)
    assert len(_audit(session, 100)) == before


def test_a_typed_month_redraws_and_a_bad_period_says_what_is_wrong(qtbot, page):
    page.period_box.setEditText("2026-10")
    page.load()
    assert page.wait_loaded()
    assert page.period is not None and page.period.label == "2026-10"
    months = page.cards["sessions_by_month"].chart.table.rows
    assert [r[0] for r in months] == ["2026-10"]
    page.period_box.setEditText("2026-13")
    page.load()
    assert "月份 13 不在 1 到 12 之间" in page.status.text()
    assert page.period.label == "2026-10"


def test_semester_report_from_the_page(qtbot, page, session, tmp_path):
    from tests.letters.helpers import pdf_pages, pdf_words
    from tests.ui.conftest import wait_tasks

    page.period_box.setEditText("2026-11")   # a month: the report is of its semester
    page.load()
    assert page.wait_loaded()
    out = tmp_path / "报告.pdf"
    dialogs.preanswer(str(out), None)
    qtbot.mouseClick(page.report_btn, Qt.MouseButton.LeftButton)
    assert page.report_task is not None and page.report_task.dialog is not None      # progress, via run_task
    wait_tasks(qtbot, 30_000)
    assert dialogs.shown[0].text == "2026-2027学年第一学期 心理健康教育工作报告.pdf"
    assert pdf_pages(out) >= 8 and "一、师资配备" in pdf_words(out)
    assert dialogs.shown[-1].title == "生成学期报告" and "共" in dialogs.shown[-1].text
    entry = _audit(session)[0]
    assert entry.target == str(out.resolve()) and "学期报告" in entry.detail


def test_the_page_fits_a_1024_screen(page):
    page.period_box.setEditText("这不是一个期间，而是一段很长很长很长很长很长很长很长很长很长很长很长的文字")
    page.load()
    hint = page.minimumSizeHint()
    assert hint.width() <= 1024 - 220 and hint.height() <= 768, hint   # beside the navigation list


def test_the_page_never_writes_into_the_vault_folder(qtbot, page, session):
    """The CLI refuses an --out in the data folder; the page's three exports go through the same app calls and must
    refuse it too (a report or a chart among vault.db, keyslots.json and the backups)."""
    from tests.ui.conftest import wait_tasks

    root = session.paths.root
    for button, name in ((page.cards["crisis_cases"].save_png, "图.png"),
                         (page.cards["crisis_cases"].save_xlsx, "表.xlsx"), (page.report_btn, "报告.pdf")):
        dialogs.reset()
        dialogs.preanswer(str(root / name), None)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        wait_tasks(qtbot, 30_000)
        assert not (root / name).exists(), name
        assert dialogs.shown[-1].kind == "error" and "数据文件夹" in dialogs.shown[-1].text, dialogs.shown


def test_a_chart_to_a_read_only_folder_says_so(qtbot, page, tmp_path):
    import subprocess

    from tests.ui.conftest import wait_tasks

    ro = tmp_path / "只读"
    ro.mkdir()
    if subprocess.run(["chattr", "+i", str(ro)], capture_output=True).returncode != 0:
        ro.chmod(0o555)
    try:
        if _writable(ro):
            pytest.skip("cannot make a read-only folder here")
        dialogs.preanswer(str(ro / "图.png"), None)
        qtbot.mouseClick(page.cards["levels_by_grade"].save_png, Qt.MouseButton.LeftButton)
        wait_tasks(qtbot)
        assert dialogs.shown[-1].kind == "error" and "权限" in dialogs.shown[-1].text, dialogs.shown
        assert list(ro.iterdir()) == []
    finally:
        subprocess.run(["chattr", "-i", str(ro)], capture_output=True)
        ro.chmod(0o755)


def _writable(folder) -> bool:  # type: ignore[no-untyped-def]
    probe = folder / ".probe"
    try:
        probe.touch()
    except OSError:
        return False
    probe.unlink()
    return True


def test_on_a_1024_screen_the_charts_stand_in_one_column(qtbot, page):
    """Beside the navigation list a 1024-pixel window leaves about 830 pixels: two 560-pixel charts side by side
    put the right one half off screen behind a horizontal scroll bar. The cards flow into as many columns as fit."""
    def columns() -> set[int]:
        return {card.x() for card in page.cards.values()}

    page.resize(830, 700)
    qtbot.waitUntil(lambda: len(columns()) == 1, timeout=2000)
    assert not page.scroll.horizontalScrollBar().isVisible()
    assert all(card.geometry().right() <= page.scroll.viewport().width() for card in page.cards.values())
    page.resize(1250, 900)
    qtbot.waitUntil(lambda: len(columns()) == 2, timeout=2000)
    assert list(page.cards)[0] in [k for k, c in page.cards.items() if c.x() == min(columns())]
