"""The 测评 page: keyboard-only answer entry, campaign progress, a follow-up interview, the ledger exported and read back."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import clock
from app.screening.campaigns import create_campaign, progress
from app.screening.ledger import LedgerFilter, ledger_rows
from app.screening.results import save_answers
from tests.xlsx_crypto import EXPORT_PASSWORD, is_encrypted, load_encrypted
from ui.shell.context import Change

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def _cjk_font(qapp):
    from ui.shell.fonts import apply_app_font

    apply_app_font(qapp)


@pytest.fixture
def camp(school):
    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    return create_campaign(school, "界面测评", {7: "phq9", 8: "gad7"})


@pytest.fixture
def page(qtbot, school, camp):
    from ui.screening.page import ScreeningPage
    from ui.shell.context import AppContext

    ctx = AppContext(school)
    widget = ScreeningPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


def test_page_contract():
    from ui.pages import PAGES

    ids = [p.id for p in PAGES]
    screening = PAGES[ids.index("screening")]
    assert (screening.id, screening.title) == ("screening", "测评")
    assert ids.index("students") < ids.index("screening") < ids.index("casework")  # after 学生档案, before 个案


def test_answer_entry_by_keyboard_alone(qtbot, page, school, camp):
    entry = page.entry
    page.tabs.setCurrentWidget(entry)
    entry.campaign_combo.setCurrentIndex(entry.campaign_combo.findData(camp.id))
    assert entry.wait_loaded()
    first_class = entry.class_combo.itemData(1)
    entry.class_combo.setCurrentIndex(1)
    students = [t for t in entry.students if t.class_id == first_class]
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # keyboard focus needs an active window, offscreen too
    entry.search.setFocus()
    qtbot.keyClicks(entry.search, students[0].registry_no[-8:])  # QTest cannot type CJK; pinyin/registry work
    qtbot.keyClick(entry.search, Qt.Key.Key_Return)
    assert entry.current.student_id == students[0].student_id
    qtbot.waitUntil(entry.pad.hasFocus)  # Return in the search box hands the keyboard to the answer pad
    qtbot.keyClicks(entry.pad, "22222220")
    qtbot.keyClick(entry.pad, Qt.Key.Key_Backspace)   # correct the 8th answer
    qtbot.keyClicks(entry.pad, "20")
    qtbot.keyClick(entry.pad, Qt.Key.Key_Return)
    assert "PHQ-9" in entry.status.text() and "16" in entry.status.text() and "二级" in entry.status.text()
    # Enter opened the next student of the class
    assert entry.current is not None and entry.current.class_id == first_class
    assert entry.current.student_id != students[0].student_id
    qtbot.keyClicks(entry.pad, "9")        # not an option: ignored
    qtbot.keyClicks(entry.pad, "000000")
    qtbot.keyClick(entry.pad, Qt.Key.Key_Return)  # 3 blanks: more than PHQ-9 allows -> not saved
    assert "缺答 3 题" in entry.status.text()
    qtbot.keyClicks(entry.pad, "001")
    qtbot.keyClick(entry.pad, Qt.Key.Key_Return)
    rows = school.db.query("SELECT r.student_id, sc.total, sc.critical FROM screening_results r"   # scores: conf
                           " JOIN conf.screening_scores sc ON sc.result_id = r.id WHERE r.campaign_id = :c"
                           " ORDER BY r.id", {"c": camp.id})
    assert [(r[1], r[2]) for r in rows] == [(16, 0), (1, 1)]
    prog = {p.class_id: p for p in progress(school, camp.id)}
    assert prog[first_class].done == 2


def test_campaign_progress_updates(qtbot, page, school, camp):
    tab = page.campaigns
    tab.combo.setCurrentIndex(tab.combo.findData(camp.id))
    assert tab.wait_loaded()
    model = tab.progress_model
    before = {model.row(r).class_name: model.row(r).done for r in range(model.rowCount())}
    assert set(before.values()) == {0}
    sid, cls = school.db.one("SELECT s.id, c.name FROM students s JOIN classes c ON c.id = s.class_id"
                             " WHERE c.grade = 8 ORDER BY s.id LIMIT 1")
    save_answers(school, camp.id, sid, "gad7", [3] * 7)
    page.ctx.data_changed.emit(Change.SCREENING)
    assert tab.wait_loaded()
    after = {model.row(r).class_name: model.row(r).done for r in range(model.rowCount())}
    assert after[cls] == 1
    assert "GAD-7 阳性率" in tab.summary.text()
    assert [not label.pixmap().isNull() for label in tab.charts.images] == [True, True, True]
    assert tab.grade_model.rowCount() == len(tab.stats.grades) >= 2


def test_follow_up_interview_confirms_a_level(qtbot, page, school, camp):
    from ui.screening.interview_dialog import InterviewDialog
    from ui.shell import dialogs

    sid = school.db.scalar("SELECT s.id FROM students s JOIN classes c ON c.id = s.class_id WHERE c.grade = 7"
                           " ORDER BY s.id LIMIT 1")
    save_answers(school, camp.id, sid, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    view = page.ledger
    view.refresh()
    assert view.wait_loaded()
    view.select_student(sid)
    row = view.selected()
    assert row is not None and row.status == "pending_review" and row.level == 1
    dlg = InterviewDialog(school, row, view)
    qtbot.addWidget(dlg)
    dlg.level.setCurrentIndex(dlg.level.findData(2))
    dlg.next_step.setCurrentText("咨询")
    dlg.reason.setPlainText("当面访谈：否认自伤计划，近期学业压力大。")
    dlg.save()
    assert dlg.saved is not None
    rows = ledger_rows(school, LedgerFilter(campaign_id=camp.id))
    r = [x for x in rows if x.student_id == sid][0]
    assert (r.level, r.status, r.measure, r.review) == (2, "confirmed", "咨询", "确认二级")
    # the ledger's own button path, with the offer of a support plan answered
    save_answers(school, camp.id, sid, "gad7", [3] * 7)
    view.refresh()
    assert view.wait_loaded()
    view.select_student(sid)
    opened = []
    view.open_student.connect(opened.append)
    dialogs.preanswer(True)

    def fill_and_save():
        d = view.dialog
        d.reason.setPlainText("复核：焦虑明显，转介。")
        d.next_step.setCurrentText("转介")
        d.save()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, fill_and_save)
    view.interview()
    assert view.wait_loaded()
    assert opened == [sid]
    assert "一生一策" in dialogs.shown[-1].text


def test_ledger_exported_and_read_back(qtbot, page, school, camp, tmp_path):
    from ui.shell import dialogs

    ids = [r[0] for r in school.db.query("SELECT s.id FROM students s JOIN classes c ON c.id = s.class_id"
                                         " WHERE c.grade = 7 ORDER BY s.id LIMIT 3")]
    for sid, a in zip(ids, [[0] * 8 + [2], [2] * 8 + [0], [2, 2, 2, 2, 2, 1, 0, 0, 0]], strict=True):
        save_answers(school, camp.id, sid, "phq9", a)
    view = page.ledger
    view.refresh()
    view.level.setCurrentIndex(view.level.findData(2))
    assert view.wait_loaded()
    shown = list(view.model.rows)
    assert shown and all(r.level == 2 for r in shown)
    out = tmp_path / "台账.xlsx"
    dialogs.preanswer(str(out), EXPORT_PASSWORD, EXPORT_PASSWORD, None)  # path, the password twice, "done"
    view.export("xlsx")
    assert is_encrypted(out)
    ws = load_encrypted(out).active
    data = list(ws.iter_rows(values_only=True))
    assert data[0][:3] == ("学籍号", "姓名", "班级") and len(data) == len(shown) + 1
    assert {d[0] for d in data[1:]} == {r.registry_no for r in shown}
    assert school.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'export'") == 1


def test_settings_tab_saves_rules_and_rejects_a_bad_scale(qtbot, page, school, tmp_path):
    from ui.shell import dialogs

    st = page.settings
    st.review["1"].setValue(2)
    dialogs.preanswer(None)
    st.save()
    from app.screening.grading import load_rules

    assert load_rules(school.db)["review_school_days"]["1"] == 2
    bad = tmp_path / "mine.json"
    bad.write_text('{"id": "mine"}', "utf-8")
    dialogs.preanswer(str(bad), None)
    st.add_scale()
    assert dialogs.shown[-1].kind == "warning" and "mine.json" in dialogs.shown[-1].text


def test_head_teacher_page_has_no_entry_or_settings(qtbot, head_teacher):
    from ui.screening.page import ScreeningPage
    from ui.shell.context import AppContext

    widget = ScreeningPage(AppContext(head_teacher))
    qtbot.addWidget(widget)
    assert widget.entry is None and widget.settings is None
    assert not widget.ledger.interview_btn.isVisible()


def test_entry_marks_absence_and_refusal(qtbot, page, school, camp):
    entry = page.entry
    entry.campaign_combo.setCurrentIndex(entry.campaign_combo.findData(camp.id))
    assert entry.wait_loaded()
    entry.class_combo.setCurrentIndex(1)
    entry.open_first_match()
    first = entry.current
    entry.refuse_btn.click()
    assert first.student_id not in {t.student_id for t in entry.visible()}
    entry.open_first_match()
    second = entry.current
    entry.absent_btn.click()
    prog = {p.class_id: p for p in progress(school, camp.id)}[second.class_id]
    assert (prog.refused, prog.absent) == (1, 1)


def test_import_dialog_preview_confirm_and_import(qtbot, page, school, camp, tmp_path):
    from openpyxl import Workbook

    from app.screening.importer import SCREENING_IMPORT
    from ui.imports.dialog import ImportDialog

    rows = school.db.query("SELECT s.registry_no, s.name, c.name FROM students s JOIN classes c ON c.id = s.class_id"
                           " WHERE c.grade = 7 AND (SELECT count(*) FROM students t WHERE t.name = s.name) = 1"
                           " ORDER BY s.id LIMIT 2")
    wb = Workbook()
    ws = wb.active
    ws.append(["某平台导出"])
    ws.append(["学籍号", "姓名", "班级"] + [f"Q{i}" for i in range(1, 10)])
    ws.append([rows[0][0], rows[0][1], rows[0][2]] + [3] * 9)
    ws.append(["", rows[1][1], rows[1][2]] + [2] * 8 + [0])
    ws.append(["G999", "查无此人", "7.1"] + [0] * 9)
    f = tmp_path / "r.xlsx"
    wb.save(f)
    dlg = ImportDialog(SCREENING_IMPORT, school, page, values={"campaign": "界面测评"})
    qtbot.addWidget(dlg)
    dlg.set_file(f)
    qtbot.waitUntil(lambda: dlg.preview is not None, timeout=10_000)
    assert dlg.error_model.rowCount() == 1 and dlg.error_model.rows[0][0] == 5
    assert dlg.matches.count() == 1
    dlg.matches.item(0).setCheckState(Qt.CheckState.Checked)
    dlg.skip_invalid.setChecked(True)
    with qtbot.waitSignal(dlg.imported, timeout=10_000):
        dlg.start_import()
    assert "已导入 2 份结果" in dlg.result_label.text()
    assert school.db.scalar("SELECT count(*) FROM screening_results WHERE campaign_id = :c", {"c": camp.id}) == 2


def test_import_dialog_mapping_editor_saves_a_platform_profile(qtbot, page, school, camp, tmp_path):
    """Headers no synonym knows: map them in the window, preview again, save the mapping as the platform's
    profile, and a later import (window or command line) with that profile reads the file."""
    from openpyxl import Workbook

    from app.screening.importer import SCREENING_IMPORT, preview_screening
    from ui.imports.dialog import ImportDialog
    from ui.shell import dialogs

    rows = school.db.query("SELECT s.registry_no, s.name FROM students s JOIN classes c ON c.id = s.class_id"
                           " WHERE c.grade = 7 ORDER BY s.id LIMIT 3")
    wb = Workbook()
    ws = wb.active
    ws.append(["某平台 PHQ 结果"])
    ws.append(["考生编号", "答题者"] + [f"T{i}" for i in range(1, 10)] + ["分数合计"])
    for reg, name in rows:
        ws.append([reg, name] + [1] * 9 + [9])
    f = tmp_path / "odd.xlsx"
    wb.save(f)
    dlg = ImportDialog(SCREENING_IMPORT, school, page, values={"campaign": "界面测评"})
    qtbot.addWidget(dlg)
    assert dlg.option("scale").currentData() == "phq9"   # the campaign's scale (grade 7: PHQ-9)
    assert len([k for k in dlg.map_combos if k.startswith("item:")]) == 9
    dlg.set_file(f)
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    assert dlg.preview is None and "找不到表头行" in dlg.status.text() and "列对应关系" in dlg.status.text()
    assert dlg.mapping_box.isEnabled()
    combo = dlg.map_combos["registry_no"]
    assert combo.findData("考生编号") > 0   # the file's headers are offered
    combo.setCurrentIndex(combo.findData("考生编号"))
    dlg.map_combos["name"].setCurrentIndex(dlg.map_combos["name"].findData("答题者"))
    dlg.map_combos["total"].setCurrentIndex(dlg.map_combos["total"].findData("分数合计"))
    for n in range(1, 10):
        c = dlg.map_combos[f"item:{n}"]
        c.setCurrentIndex(c.findData(f"T{n}"))
    dialogs.preanswer("分值（从 0 起）")   # every answer is 1: scores from 0 or option numbers from 1? the dialog asks
    dlg.repreview()
    qtbot.waitUntil(lambda: dlg.preview is not None, timeout=10_000)
    assert dialogs.shown[-1].kind == "item" and "选项序号" in dialogs.shown[-1].text
    assert dlg.option("coding").currentData() == "score"
    assert dlg.preview.counts()["valid"] == 3 and dlg.preview.mode == "items"
    assert not dlg.save_mapping_profile()          # a name is needed
    dlg.profile_name.setText("某平台")
    assert dlg.save_mapping_profile()
    assert dlg.profile_combo.currentData() == "某平台"
    # a new dialog: picking the profile is enough
    dlg2 = ImportDialog(SCREENING_IMPORT, school, page, values={"campaign": "界面测评"})
    qtbot.addWidget(dlg2)
    dlg2.option("coding").setCurrentIndex(dlg2.option("coding").findData("score"))
    dlg2.set_file(f)
    dlg2.profile_combo.setCurrentIndex(dlg2.profile_combo.findData("某平台"))
    qtbot.waitUntil(lambda: dlg2.preview is not None, timeout=10_000)
    assert dlg2.preview.counts()["valid"] == 3
    assert dlg2.map_combos["item:9"].currentData() == "T9"
    # and the command line's --profile reads the same saved mapping
    assert preview_screening(school, f, "phq9", profile="某平台", coding="score").counts()["valid"] == 3


def test_head_teacher_window_ledger_and_export_are_their_class(qtbot, school, camp, head_teacher, tmp_path):
    from app.school.classes import find_class
    from ui.screening.ledger_view import LedgerView
    from ui.shell import dialogs

    mine = find_class(school.db, "7.1")
    for grade in (7, 8):
        for sid in [r[0] for r in school.db.query("SELECT s.id FROM students s JOIN classes c ON c.id = s.class_id"
                                                  " WHERE c.grade = :g ORDER BY s.id LIMIT 3", {"g": grade})]:
            save_answers(school, camp.id, sid, "phq9" if grade == 7 else "gad7", [3] * (9 if grade == 7 else 7))
    view = LedgerView(head_teacher)
    qtbot.addWidget(view)
    view.status.setCurrentIndex(view.status.findData(None))
    assert view.wait_loaded()
    assert view.model.rows and {r.class_name for r in view.model.rows} == {mine.name}
    assert view.grade.count() == 2 and view.klass.count() == 2     # 全部 + their own only
    assert all(r.scores == "" and r.basis == "" for r in view.model.rows)
    out = tmp_path / "班级台账.xlsx"
    dialogs.preanswer(str(out), EXPORT_PASSWORD, EXPORT_PASSWORD, None)
    view.export("xlsx")
    regs = {r[0] for r in list(load_encrypted(out).active.iter_rows(values_only=True))[1:]}
    assert regs == {r.registry_no for r in view.model.rows}
    assert head_teacher.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'export' AND account = 'teacher1'") == 1


def test_views_load_off_the_ui_thread(qtbot, page, school, camp):
    """A refresh returns at once and the rows arrive later (the 20,000-student timings are in bench_screening)."""
    view = page.ledger
    view.wait_loaded()
    view.refresh()
    assert view.loading and view.count.text() == "正在载入……"
    assert view.wait_loaded() and not view.loading
    tab = page.campaigns
    tab.show_campaign()
    assert tab.loading
    assert tab.wait_loaded() and tab.stats is not None
    entry = page.entry
    entry.reload()
    assert entry.loading
    assert entry.wait_loaded() and entry.students


def test_import_dialog_needs_a_campaign_and_follows_the_scale(qtbot, page, school, camp, tmp_path):
    """The one import dialog with screening's options: the scale's questions are the mapping's item fields, and an
    import without a campaign name is refused with a message (nothing written)."""
    from openpyxl import Workbook

    from app.screening.importer import SCREENING_IMPORT
    from ui.imports.dialog import ImportDialog
    from ui.shell import dialogs

    reg, name = school.db.one("SELECT registry_no, name FROM students ORDER BY id LIMIT 1")
    wb = Workbook()
    ws = wb.active
    ws.append(["学籍号", "姓名"] + [f"第{i}题" for i in range(1, 8)])
    ws.append([reg, name] + [1] * 7)
    f = tmp_path / "gad.xlsx"
    wb.save(f)
    dlg = ImportDialog(SCREENING_IMPORT, school, page)
    qtbot.addWidget(dlg)
    scale = dlg.option("scale")
    scale.setCurrentIndex(scale.findData("gad7"))
    assert sorted(k for k in dlg.map_combos if k.startswith("item:")) == sorted(f"item:{n}" for n in range(1, 8))
    dialogs.preanswer("分值（从 0 起）")   # all 1s: the coding cannot be told, the dialog asks
    dlg.set_file(f)
    qtbot.waitUntil(lambda: dlg.preview is not None, timeout=10_000)
    assert dlg.counts()["valid"] == 1 and dlg.map_combos["item:7"].currentText() == "第7题"
    assert dlg.import_button.isEnabled()
    before = school.db.scalar("SELECT count(*) FROM screening_results")
    dialogs.preanswer(None)
    dlg.start_import()
    assert dialogs.shown[-1].kind == "warning" and "测评活动名称" in dialogs.shown[-1].text
    assert not dlg.busy and school.db.scalar("SELECT count(*) FROM screening_results") == before
    dlg.option("campaign").setText("焦虑筛查")
    with qtbot.waitSignal(dlg.imported, timeout=10_000):
        dlg.start_import()
    assert "已导入 1 份结果" in dlg.result_label.text()
    assert school.db.scalar("SELECT count(*) FROM screening_results") == before + 1


def test_a_positive_item_9_shows_the_red_banner_at_once(qtbot, page, school, camp):
    """Issue 9: during keyboard entry the banner appears the moment item 9 is answered positive, before saving."""
    entry = page.entry
    page.tabs.setCurrentWidget(entry)
    entry.campaign_combo.setCurrentIndex(entry.campaign_combo.findData(camp.id))
    assert entry.wait_loaded()
    first = next(t for t in entry.students if t.grade == 7)
    entry.open_student(first.student_id)
    assert entry.banner.isHidden()
    qtbot.keyClicks(entry.pad, "00000000")
    assert entry.banner.isHidden()
    qtbot.keyClicks(entry.pad, "1")                                 # item 9: 好几天
    assert not entry.banner.isHidden()
    assert entry.banner.text() == "第9题阳性 → 一级预警，请当天复核"
    qtbot.keyClick(entry.pad, Qt.Key.Key_Backspace)                 # corrected: the banner goes
    assert entry.banner.isHidden()
    qtbot.keyClicks(entry.pad, "2")
    qtbot.keyClick(entry.pad, Qt.Key.Key_Return)
    assert "当天复核" in entry.status.text()
    assert entry.banner.isHidden()                                   # the next student's pad is clear
    assert school.db.scalar("SELECT count(*) FROM safety_alerts WHERE student_id = :s AND status = 'open'",
                            {"s": first.student_id}) == 1


def test_new_campaign_grade_rows_and_adolescent_scales_below_grade_7(qtbot, school):
    from PySide6.QtWidgets import QFormLayout, QLabel

    from app.school.classes import add_class
    from ui.screening.campaigns import NewCampaignDialog
    from ui.shell import dialogs

    for text in ("二年级（1）班", "五年级（1）班"):
        add_class(school, text)
    dlg = NewCampaignDialog(school)
    qtbot.addWidget(dlg)
    form = dlg.layout()
    assert isinstance(form, QFormLayout)
    labels = [form.itemAt(r, QFormLayout.ItemRole.LabelRole).widget().text() for r in range(form.rowCount())
              if form.itemAt(r, QFormLayout.ItemRole.LabelRole) is not None
              and isinstance(form.itemAt(r, QFormLayout.ItemRole.LabelRole).widget(), QLabel)]
    assert {"低年级（1–3）", "小学高年级（4–6）", "初中（7–9）"} <= set(labels)   # not the scale's name
    assert not any("PHQ" in label or "量表" in label for label in labels)
    # PHQ-9 offered to 小学高年级: the dialog says why it asks, and "back" creates nothing
    primary = next(c for grades, c in dlg.combos if grades == [5])
    primary.setCurrentIndex(primary.findData("phq9"))
    assert primary.currentText() == "患者健康问卷抑郁量表（PHQ-9）"            # no nested brackets
    dlg.name.setText("小学试测")
    dialogs.preanswer(False)
    dlg.create()
    assert dlg.created is None and "青少年" in dialogs.shown[-1].text and "五年级" in dialogs.shown[-1].text
    dialogs.preanswer(True)
    assert set(dlg.deadlines) == {"primary", "secondary"}                  # a deadline per stage, each editable
    assert dlg.deadlines["primary"].date().toString("MM-dd") == "09-30"
    assert dlg.deadlines["secondary"].date().toString("MM-dd") == "10-31"
    dlg.deadlines["secondary"].setDate(dlg.deadlines["secondary"].date().addDays(6))
    dlg.create()
    assert dlg.created is not None and dlg.created.scales[5] == "phq9"
    assert dlg.created.deadlines["primary"].endswith("-09-30") and dlg.created.deadlines["secondary"].endswith("-11-06")
    assert dlg.created.window_end == dlg.created.deadlines["secondary"]


def test_adolescent_scales_below_grade_7_need_confirmation_in_the_app_too(school):
    from app.errors import InputRejected
    from app.school.classes import add_class

    add_class(school, "五年级（1）班")
    with pytest.raises(InputRejected, match="青少年"):
        create_campaign(school, "小学", {5: "gad7"})
    assert create_campaign(school, "小学", {5: "gad7"}, young_confirmed=True).scales == {5: "gad7"}


def test_results_import_dialog_names_scales_once_reads_wjx_time_and_blocks_invalid_rows(qtbot, page, school, tmp_path):
    from openpyxl import Workbook

    from app.screening.importer import SCREENING_IMPORT
    from ui.imports.dialog import ImportDialog

    dlg = ImportDialog(SCREENING_IMPORT, school, page, values={"campaign": "界面测评"})
    qtbot.addWidget(dlg)
    scale = dlg.option("scale")
    texts = [scale.itemText(i) for i in range(scale.count())]
    assert "患者健康问卷抑郁量表（PHQ-9）" in texts and not any(t.count("（") > 1 for t in texts)
    reg, name = school.db.one("SELECT s.registry_no, s.name FROM students s JOIN classes c ON c.id = s.class_id"
                              " WHERE c.grade = 7 ORDER BY s.id LIMIT 1")
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "所用时间", "学籍号", "姓名"] + [f"第{i}题" for i in range(1, 10)])
    ws.append([1, "2026/10/09 14:05:00", "95秒", reg, name] + [0, 1, 2, 3, 0, 0, 0, 0, 0])
    ws.append([2, "2026/10/09 14:08:00", "80秒", "G000", "无名"] + [0] * 9)      # an unknown student
    f = tmp_path / "wjx.xlsx"
    wb.save(f)
    dlg.set_file(f)
    qtbot.waitUntil(lambda: dlg.preview is not None, timeout=10_000)
    assert dlg.preview.columns["taken_on"] == "提交答卷时间" and dlg.preview.rows[0].taken_on == "2026-10-09"
    assert dlg.preview.errors and not dlg.import_button.isEnabled()      # invalid rows, skip not ticked
    dlg.skip_invalid.setChecked(True)
    assert dlg.import_button.isEnabled()
    assert "分值" in dlg.status.text()                                   # the coding is said


def test_interview_dialog_writes_the_note_to_the_head_teacher_and_shares_the_category(qtbot, page, school, camp,
                                                                                      head_teacher):
    from ui.screening.interview_dialog import InterviewDialog

    sid = school.db.scalar("SELECT s.id FROM students s WHERE s.class_id = :c AND s.status = '在读' AND s.id NOT IN"
                           " (SELECT student_id FROM screening_levels) ORDER BY s.id LIMIT 1",
                           {"c": head_teacher.account.class_id})
    save_answers(school, camp.id, sid, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    view = page.ledger
    view.refresh()
    assert view.wait_loaded()
    view.select_student(sid)
    row = view.selected()
    assert row is not None and "自伤风险" in row.category
    dlg = InterviewDialog(school, row, view)
    qtbot.addWidget(dlg)
    assert "自伤风险" in dlg.share_category.text() and not dlg.share_category.isChecked()
    dlg.level.setCurrentIndex(dlg.level.findData(2))
    dlg.reason.setPlainText("访谈理由")
    dlg.teacher_note.setPlainText("课间多留意，情绪低落时及时联系心理教师")
    dlg.share_category.setChecked(True)
    dlg.save()
    assert dlg.saved is not None
    [r] = [x for x in ledger_rows(head_teacher, LedgerFilter(campaign_id=camp.id)) if x.student_id == sid]
    assert r.teacher_note == "课间多留意，情绪低落时及时联系心理教师" and "自伤风险" in r.category
