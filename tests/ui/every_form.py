"""Every form of the window, opened as a user opens it (issue 10): the list the form tests drive.

``FORMS`` maps each form class (every ``ui.shell.forms.DraftForm``) to an opener ``fn(win, data) -> form``: it
opens the form through the window's pages, on the demo school of the ``school`` fixture, and returns the open
form. A new form adds one line here; ``test_every_form.py`` fails until it does. ``EXEMPT`` lists the dialogs of
``ui/`` that take no typed input worth a draft, each with the reason.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.session import Session


@dataclass
class Data:
    """What the openers need from the demo school (found once per test)."""

    student_id: int          # a student with an active focus tag
    case_id: int             # an open crisis case
    incident_id: int


def find_data(session: Session) -> Data:
    db = session.db
    sid = db.scalar("SELECT student_id FROM focus_tags WHERE cleared_at IS NULL ORDER BY id LIMIT 1")
    case = db.scalar("SELECT id FROM crisis_cases WHERE status = 'open' ORDER BY id LIMIT 1")
    incident = db.scalar("SELECT id FROM crisis_incidents ORDER BY id LIMIT 1")
    assert sid and case and incident, "the demo school lacks what the form tests open"
    return Data(int(sid), int(case), int(incident))


def _crisis_case(win: Any, data: Data) -> Any:
    page = win.pages["crisis"]
    win.show_page("crisis")
    page.open_case_anywhere(data.case_id)
    return page.view


def _step(win: Any, data: Data, skip: bool) -> Any:
    view = _crisis_case(win, data)
    button = view.skip_button if skip else view.complete_button
    for step in view.case.steps:
        view.select_step_id(step.id)
        if button.isEnabled():
            return view.open_skip_dialog() if skip else view.open_step_dialog()
    raise AssertionError("no open step to complete or skip")


def _case_dialog(kind: str) -> Callable[[Any, Data], Any]:
    def open_(win: Any, data: Data) -> Any:
        from ui.crisis import dialogs as d

        view = _crisis_case(win, data)
        cls = {"level": d.LevelDialog, "close": d.CloseDialog, "documents": d.DocumentsDialog,
               "follow_up": d.FollowUpDialog, "amend": d.AmendDialog}[kind]
        return view._open(cls(view.session, view.case, view))   # whatever the case's buttons allow today
    return open_


def _archive(win: Any, data: Data, tab: str) -> Any:
    page = win.pages["students"]
    win.show_page("students")
    page.show_student(data.student_id)
    view = page.archive
    view.show_tab(tab)
    return view


def _profile(win: Any, data: Data) -> Any:
    view = _archive(win, data, "基本信息")
    view.profile.begin_edit()
    return view.profile


def _guardians(win: Any, data: Data) -> Any:
    view = _archive(win, data, "家庭与监护人")
    view.guardians.begin_edit()
    return view.guardians


def _clear_tag(win: Any, data: Data) -> Any:
    view = _archive(win, data, "重点关注")
    view.tags.select_row(0)
    return view.tags.open_clear_dialog()


def _interview(win: Any, data: Data) -> Any:
    win.show_page("screening")
    page = win.pages["screening"]
    ledger = page.ledger
    page.tabs.setCurrentIndex(page.tabs.indexOf(ledger))
    assert ledger.wait_loaded() and ledger.model.rows
    ledger.table.selectRow(0)
    ledger.interview()
    return ledger.dialog


def _campaign(win: Any, _data: Data) -> Any:
    win.show_page("screening")
    page = win.pages["screening"]
    page.campaigns.new_campaign()
    return page.campaigns.new_dialog


def _settings(attr: str, tab: str = "学校") -> Callable[[Any, Data], Any]:
    def open_(win: Any, _data: Data) -> Any:
        win.show_page("settings")
        page = win.pages["settings"]
        page.show_tab(tab)
        owner = page.accounts if tab == "账号" else page.school
        return getattr(owner, attr)()
    return open_


def _network(attr: str) -> Callable[[Any, Data], Any]:
    def open_(win: Any, _data: Data) -> Any:
        win.show_page("network")
        page = win.pages["network"]
        getattr(page, f"open_{attr}_dialog")()
        return getattr(page, f"{attr}_dialog")
    return open_


def _pair(win: Any, _data: Data) -> Any:
    win.show_page("network")
    page = win.pages["network"]
    page.add_pair()
    return page.pair_dialog


def _course(kind: str) -> Callable[[Any, Data], Any]:
    def open_(win: Any, _data: Data) -> Any:
        win.show_page("courses")
        page = win.pages["courses"]
        page.open_form(kind)
        return page.form
    return open_


def _people(action: str) -> Callable[[Any, Data], Any]:
    def open_(win: Any, _data: Data) -> Any:
        win.show_page("people")
        return getattr(win.pages["people"], action)()
    return open_


def _record(win: Any, _data: Data) -> Any:
    win.show_page("casework")
    page = win.pages["casework"]
    page.new_record()
    return page.form


def _revealed(plan: Any) -> Any:
    """The plan is behind 显示保密内容 (issue 11): click it, as the counselor does."""
    if not plan.cover.shown:
        plan.cover.button.click()
    assert plan.cover.shown
    return plan


def _delete_reason(win: Any, _data: Data) -> Any:
    """删除记录's reason (ui.shell.reason_dialog, also 修改原因) for a talk record of the demo school."""
    rid = win.session.db.scalar("SELECT id FROM case_records WHERE deleted_at IS NULL ORDER BY id LIMIT 1")
    assert rid, "the demo school has no talk record"
    win.show_page("casework")
    return win.pages["casework"].ask_delete(int(rid))


def _letter_template(win: Any, _data: Data) -> Any:
    win.show_page("letters")
    page = win.pages["letters"]
    assert page.select_template("holiday")
    return page.editor


def _loop_item(action: str) -> Callable[[Any, Data], Any]:
    """An item's note or carry reason (this month, open), or its amendment (a month closed for it first, as a
    counselor closes one: every item ticked or carried)."""
    def open_(win: Any, _data: Data) -> Any:
        from app import clock
        from app.loop.months import carry_item, close_month, month_sheet, previous_month, set_item

        win.show_page("loop")
        page = win.pages["loop"]
        session = win.session
        month = f"{clock.today():%Y-%m}"
        if action == "amend":
            month = previous_month(previous_month(month))
            sheet = month_sheet(session, month)
            if not sheet.closed:
                for it in sheet.open_items():
                    if it.needs_tick:
                        set_item(session, it.id, ticked=True)
                    else:
                        carry_item(session, it.id, "本月数据未齐")
                close_month(session, month)
        page.month_edit.setText(month)
        page.load_month()
        assert page.sheet is not None and page.sheet.items
        assert page.select_id(page.sheet.items[0].id)
        return getattr(page, action)()
    return open_


def forms() -> dict[type, Callable[[Any, Data], Any]]:
    from ui.archive.plan import PlanTab
    from ui.archive.profile import GuardiansTab, ProfileTab
    from ui.archive.tags import AddTagDialog, ClearTagDialog
    from ui.casework.record_form import RecordForm
    from ui.courses.forms import FORMS_BY_KIND
    from ui.crisis.dialogs import (
        AmendDialog,
        CloseDialog,
        DocumentsDialog,
        FollowUpDialog,
        LevelDialog,
        OpenCaseDialog,
        SkipDialog,
        StepDialog,
    )
    from ui.crisis.incident import IncidentDialog
    from ui.crisis.incident_list import IncidentAmendDialog
    from ui.crisis.rules_editor import RulesDialog
    from ui.exchange.transfer_dialogs import TransferOutDialog
    from ui.letters.template_editor import TemplateEditor
    from ui.loop.item_dialogs import AmendItemDialog, CarryDialog, KeyWorkDialog, NoteDialog
    from ui.loop.meeting_dialog import MeetingDialog
    from ui.network.dorm_dialog import DormDialog
    from ui.network.pair_dialog import PairDialog
    from ui.network.report_dialog import ReportDialog
    from ui.network.review_dialog import ReviewDialog
    from ui.people.dialogs import TrainingDialog
    from ui.screening.campaigns import NewCampaignDialog
    from ui.screening.interview_dialog import InterviewDialog
    from ui.settings.accounts_tab import AccountDialog
    from ui.settings.school_tab import HolidayDialog, SchoolDialog, StaffDialog
    from ui.shell.reason_dialog import ReasonDialog
    from ui.shell.value_dialog import ValueDialog

    return {
        RecordForm: _record,
        OpenCaseDialog: lambda win, _d: (win.show_page("crisis"), win.pages["crisis"].open_new_case_dialog())[1],
        StepDialog: lambda win, d: _step(win, d, skip=False),
        SkipDialog: lambda win, d: _step(win, d, skip=True),
        LevelDialog: _case_dialog("level"),
        CloseDialog: _case_dialog("close"),
        DocumentsDialog: _case_dialog("documents"),
        FollowUpDialog: _case_dialog("follow_up"),
        AmendDialog: _case_dialog("amend"),
        IncidentDialog: lambda win, _d: (win.show_page("crisis"), win.pages["crisis"].open_incident_dialog())[1],
        IncidentAmendDialog: lambda win, d: (win.show_page("crisis"),
                                             win.pages["crisis"].open_incident(d.incident_id).open_amend_dialog())[1],
        RulesDialog: lambda win, _d: (win.show_page("crisis"), win.pages["crisis"].open_rules_dialog())[1],
        AddTagDialog: lambda win, d: _archive(win, d, "重点关注").tags.open_add_dialog(),
        ClearTagDialog: _clear_tag,
        ProfileTab: _profile,
        GuardiansTab: _guardians,
        PlanTab: lambda win, d: _revealed(_archive(win, d, "一生一策").plan),
        InterviewDialog: _interview,
        NewCampaignDialog: _campaign,
        StaffDialog: _settings("add_staff"),
        SchoolDialog: _settings("edit_school"),
        HolidayDialog: _settings("add_holiday"),
        AccountDialog: _settings("add_account", "账号"),
        ReportDialog: _network("report"),
        ReviewDialog: _network("review"),
        PairDialog: _pair,
        DormDialog: lambda win, d: _archive(win, d, "基本信息").profile.open_dorm_dialog(),
        **{cls: _course(kind) for kind, cls in FORMS_BY_KIND.items()},   # type: ignore[misc]
        TrainingDialog: _people("add_training"),
        MeetingDialog: lambda win, _d: (win.show_page("loop"), win.pages["loop"].meeting())[1],
        TemplateEditor: _letter_template,
        ReasonDialog: _delete_reason,
        ValueDialog: _settings("ask_add_class"),
        TransferOutDialog: lambda win, _d: (win.show_page("exchange"), win.pages["exchange"].transfer_out())[1],
        NoteDialog: _loop_item("note"),
        CarryDialog: _loop_item("carry"),
        AmendItemDialog: _loop_item("amend"),
        KeyWorkDialog: lambda win, _d: (win.show_page("loop"), win.pages["loop"].add_key_work())[1],
    }


# Dialogs of ui/ that are not forms, and why.
EXEMPT: dict[str, str] = {
    "ui.shell.setup_wizard.SetupWizard": "creates the vault: before it exists there is nowhere encrypted to keep a "
                                         "draft (a password and the recovery code besides)",
    "ui.letters.dialogs.DeliveredDialog": "a delivery method and a date to confirm at once; nothing typed",
    "ui.letters.dialogs.ReceiptDialog": "a date to confirm at once; nothing typed",
    "ui.shell.errors.CrashDialog": "shows a crash report; nothing is typed",
    "ui.shell.about.AboutDialog": "shows the version and the licences; nothing is typed",
    "ui.shell.unlock.RecoveryDialog": "a recovery code and a new password: secrets are never kept in a draft",
    "ui.settings.accounts_tab.PasswordDialog": "only passwords: secrets are never kept in a draft",
    "ui.imports.dialog.ImportDialog": "a file, a sheet and a column mapping chosen again from the file; nothing typed",
    "ui.imports.error_reports.ErrorReportsDialog": "lists stored error reports; nothing typed",
    "ui.screening.held_dialog.HeldResultsDialog": "decides held results with buttons; nothing typed",
    "ui.crisis.incident_list.IncidentDialogView": "shows an incident; its amendment is IncidentAmendDialog",
    "ui.people.dialogs.RolesDialog": "role tags switched on and off, shown from what is stored; nothing typed",
    "ui.people.dialogs.CycleDialog": "a start year and hour norms, each shown from the stored settings; nothing typed",
    "ui.people.dialogs.DutyDayDialog": "one person picked for one day; nothing typed",
    "ui.people.dialogs.PatternDialog": "a date range and a person per weekday picked from lists; nothing typed",
    "ui.exchange.transfer_dialogs.TransferInDialog": "a file chosen and the transfer slip's one-time passphrase: "
                                                     "secrets are never kept in a draft",
    "ui.crisis.directory.DirectoryDialog": "the referral directory: its fields mirror the selected row and each "
                                           "button writes at once (kept across a lock like every dialog)",
}


# Free text asked through ``ui.shell.dialogs.get_text`` (a blocking prompt: a lock cancels it, nothing is kept), by
# "module:title" as the call writes the title, and why that is acceptable there. A reason, a note or anything a user
# would mind retyping is a form instead (ui.shell.reason_dialog.ReasonDialog, or a DraftDialog of its own).
PROMPTS: dict[str, str] = {
    "ui.shell.export_password:TITLE": "the export password, twice: secrets are never kept in a draft",
    'ui.settings.backup_tab:"打开备份"': "the password of an old backup: secrets are never kept in a draft",
}


def prompt_sites() -> dict[str, int]:
    """Every ``dialogs.get_text(`` call under ui/, as "module:title" -> how many."""
    import re
    from pathlib import Path

    import ui

    root = Path(ui.__file__).resolve().parent
    call = re.compile(r"dialogs\.get_text\(\s*[^,]+,\s*([^,]+?)\s*,")
    found: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        module = "ui." + ".".join(path.relative_to(root).with_suffix("").parts)
        for title in call.findall(path.read_text("utf-8")):
            key = f"{module}:{title}"
            found[key] = found.get(key, 0) + 1
    return found


# -- driving a form: type, change a level and a date --------------------------------------------------------
def _shown(form: QWidget, w: QWidget) -> bool:
    return w.isVisibleTo(form) and w.isEnabled()


def text_field(form: QWidget) -> QWidget:
    for cls in (QPlainTextEdit, QLineEdit):
        for w in form.findChildren(cls):
            if _shown(form, w) and not w.isReadOnly() and not isinstance(w.parentWidget(), QComboBox | QAbstractSpinBox) \
                    and (not isinstance(w, QLineEdit) or w.echoMode() == QLineEdit.EchoMode.Normal) \
                    and not w.property("draftSkip"):
                return w
    raise AssertionError(f"{type(form).__name__} has no text field")


def type_into(qtbot: Any, w: QWidget, text: str) -> None:
    """Type ASCII with keys, then commit Chinese as an input method does."""
    from PySide6.QtGui import QInputMethodEvent, QTextCursor
    from PySide6.QtWidgets import QApplication

    w.setFocus()
    if isinstance(w, QPlainTextEdit):
        w.moveCursor(QTextCursor.MoveOperation.End)
    elif isinstance(w, QLineEdit):
        w.end(False)
    qtbot.keyClicks(w, "XQ ")
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(w, event)


def change_level_and_date(form: QWidget) -> tuple[str | None, str | None]:
    """Change the first choice and the first date the form shows; what they became (None: the form has none)."""
    level = date = None
    for combo in form.findChildren(QComboBox):
        if _shown(form, combo) and combo.count() > 1 and not combo.property("draftSkip"):
            combo.setCurrentIndex((combo.currentIndex() + 1) % combo.count())
            level = combo.currentText()
            break
    for edit in form.findChildren(QDateTimeEdit):
        if _shown(form, edit):
            day: QDate = edit.date().addDays(-2)
            edit.setDate(day)
            date = edit.date().toString("yyyy-MM-dd")
            break
    return level, date


def open_form(session: Session, form_name: str, qtbot: Any = None) -> tuple[Any, Any]:
    """The real window on ``session`` with every page, and the form ``form_name`` opened in it (used in-process
    and by the child process of the kill test)."""
    from ui.pages import PAGES
    from ui.shell.main_window import MainWindow

    cls = next(c for c in forms() if c.__name__ == form_name)
    win = MainWindow(session, auto_backup=False, pages=PAGES)
    if qtbot is not None:
        qtbot.addWidget(win)
    win.resize(1300, 860)
    win.show()
    return win, forms()[cls](win, find_data(session))
