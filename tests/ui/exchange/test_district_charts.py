"""全区汇总's charts, trends and inspection PDF through the real page: two real schools' packages imported into a
real centre vault; the charts drawn off the UI thread appear as pictures; the PDF is written from the window."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from app.capability import Capability, current
from tests.exchange.conftest import SECOND_SCHOOL, build_district, make_centre, probe_figures
from tests.ui.conftest import wait_tasks
from ui.shell import dialogs


@pytest.fixture
def page(qtbot, school, tmp_path, use_registry):
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    use_registry(current().extended(Capability(name="probe", label="探针", indicators=(probe_figures,))))
    centre = make_centre(tmp_path / "centre")
    second = build_district(school, centre, tmp_path)
    p = declared("district").factory(AppContext(centre))
    qtbot.addWidget(p)
    p.resize(900, 700)
    p.show()
    p.period.setCurrentText("2026-11")
    p.refresh()
    yield p
    wait_tasks(qtbot)
    second.close()
    centre.close()


def test_the_charts_tab_draws_the_period_against_targets_off_the_ui_thread(qtbot, page):
    assert page.charts.titles() == []                 # nothing drawn for a hidden tab
    page.tabs.setCurrentWidget(page.charts)
    wait_tasks(qtbot)
    titles = page.charts.titles()
    assert titles[:3] == ["2026-11 各指标达标学校数", "2026-11 师资配备：各校达成率", "2026-11 测评覆盖：各校达成率"]
    assert any("“1+1”" in t for t in titles) and any("谈话" in t for t in titles) and any("培训" in t for t in titles)
    assert all(not label.pixmap().isNull() and label.pixmap().width() > 300 for label in page.charts.images)
    page.period.setCurrentText("2026-10")             # another period: drawn again for it
    page.refresh()
    wait_tasks(qtbot)
    assert page.charts.titles()[0] == "2026-10 各指标达标学校数"


def test_the_trend_tab_shows_each_period_and_its_charts(qtbot, page):
    page.tabs.setCurrentIndex(2)
    wait_tasks(qtbot)
    t = page.trend_table
    assert [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())] == ["指标", "2026-09", "2026-10",
                                                                                    "2026-11"]
    assert [t.item(0, c).text() for c in range(4)] == ["已上报学校", "2", "1", "2"]
    assert "3 个月份" in page.trend_label.text()
    assert page.trend_charts.titles()[0] == "各期已上报学校数"
    assert any("测评覆盖" in x for x in page.trend_charts.titles())
    page.trend_kind.setCurrentIndex(page.trend_kind.findData("semester"))
    wait_tasks(qtbot)
    assert "还没有导入按学期" in page.trend_label.text()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_inspection_pdf_from_the_window(qtbot, page, tmp_path):
    dialogs.preanswer("2026-09", "2026-11", str(tmp_path / "督导报告"), None)
    page.export_pdf()
    wait_tasks(qtbot, 60_000)
    out = tmp_path / "督导报告.pdf"
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "心理健康教育工作督导报告" in text and "测试学校" in text and SECOND_SCHOOL in text
    assert "已生成督导报告" in dialogs.shown[-1].title and "页" in dialogs.shown[-1].text
