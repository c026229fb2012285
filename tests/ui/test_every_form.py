"""Every form keeps what was typed (issue 10): a lock, an idle lock and a restart each give the form back whole —
text, level, date — and every form class of the window is on the list, so a new form cannot forget its draft."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from PySide6.QtWidgets import QDialog

import ui
from app.drafts.store import list_drafts, load_draft
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from tests.ui.every_form import (
    EXEMPT,
    PROMPTS,
    change_level_and_date,
    find_data,
    forms,
    prompt_sites,
    text_field,
    type_into,
)
from ui.shell.forms import DraftDialog, DraftForm

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _all_ui_classes() -> list[type]:
    for mod in pkgutil.walk_packages(ui.__path__, "ui."):
        if mod.name in ("ui.app", "ui.screenshots"):
            continue
        importlib.import_module(mod.name)
    seen: list[type] = []
    stack = [QDialog, DraftForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return [c for c in seen if c.__module__.startswith("ui.")]


def _bases() -> set[type]:
    from ui.archive.profile import _EditableTab
    from ui.crisis.forms import FormDialog
    from ui.shell.write_dialog import WriteDialog

    return {DraftDialog, FormDialog, _EditableTab, WriteDialog}


def test_every_form_class_has_a_draft_and_is_driven_by_these_tests():
    """A dialog of ui/ is a form of ui.shell.forms (a draft key, a label) or is exempt for a stated reason; every
    form is on the list the scenarios below drive. A new form fails here until it adopts the mechanism
    (docs/architecture.md, "Forms") and adds its opener to tests/ui/every_form.py."""
    listed = forms()
    missing, unlabelled, not_forms = [], [], []
    for cls in _all_ui_classes():
        name = f"{cls.__module__}.{cls.__qualname__}"
        if cls in _bases() or cls.__name__.startswith("_"):
            continue   # a shared base (its subclasses are the forms)
        if issubclass(cls, DraftForm):
            if not cls.draft_label:
                unlabelled.append(name)
            if cls not in listed:
                missing.append(name)
        elif name not in EXEMPT:
            not_forms.append(name)
    assert not_forms == [], f"dialogs without a draft key (adopt ui.shell.forms.DraftDialog): {not_forms}"
    assert unlabelled == [], f"forms without a draft_label: {unlabelled}"
    assert missing == [], f"forms the tests do not drive (add an opener to tests/ui/every_form.py): {missing}"
    for cls in listed:
        assert issubclass(cls, DraftForm), cls
        # the form, or the shared base it is built on (ui.shell.write_dialog), names its draft key
        own = [c for c in cls.__mro__ if c.__module__.startswith("ui.") and c not in (DraftDialog, DraftForm)]
        assert any("use_drafts" in inspect.getsource(inspect.getmodule(c)) for c in own) or cls.__name__ in (
            "AddTagDialog", "ClearTagDialog"), cls


def test_every_typed_prompt_is_listed_with_its_reason():
    """A blocking ``get_text`` prompt loses its text to a lock: each one left is listed in tests/ui/every_form.py
    PROMPTS with why; a new one fails here (make it a form: ui.shell.reason_dialog.ReasonDialog)."""
    sites = prompt_sites()
    assert sites, "the scan found no prompt at all: it is looking in the wrong place"
    assert sorted(set(sites) - set(PROMPTS)) == [], "typed prompts not listed (make them forms, or say why not)"
    assert sorted(set(PROMPTS) - set(sites)) == [], "listed prompts that are gone: drop them from PROMPTS"
    assert all(PROMPTS.values())


def _window(qtbot, session, clock):
    from ui.pages import PAGES
    from ui.shell.main_window import MainWindow

    win = MainWindow(session, idle_clock=clock, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    win.resize(1300, 860)
    win.show()
    return win


def _unlock(qtbot, win) -> None:
    win.unlock_widget.password_edit.setText(PASSWORD)
    win.unlock_widget.unlock_button.click()
    wait_tasks(qtbot)
    qtbot.waitUntil(lambda: not win.session.locked)


def _shown_values(form) -> str:
    """The texts the form's choices and dates show now (a level is kept as its index or data)."""
    from PySide6.QtWidgets import QComboBox, QDateTimeEdit

    return " ".join([c.currentText() for c in form.findChildren(QComboBox)]
                    + [d.date().toString("yyyy-MM-dd") for d in form.findChildren(QDateTimeEdit)])


FORM_CLASSES = sorted(forms(), key=lambda c: c.__name__)
# The default suite drives one form of each kind (a page form, a dialog with levels and dates, a settings dialog, a
# reason, a short value, a loop item, the template editor); every form runs under ``-m slow`` (make test-all), which
# keeps the default suite inside its ten minutes on two cores.
DEFAULT_FORMS = {"RecordForm", "StepDialog", "SchoolDialog", "ReasonDialog", "ValueDialog", "NoteDialog",
                 "TemplateEditor", "InterviewDialog", "PlanTab", "TransferOutDialog"}


def _form_params() -> list[object]:
    return [pytest.param(c, id=c.__name__, marks=() if c.__name__ in DEFAULT_FORMS else (pytest.mark.slow,))
            for c in FORM_CLASSES]


@pytest.mark.parametrize("cls", _form_params())
def test_a_form_keeps_everything_through_a_lock_an_idle_lock_and_a_restart(qtbot, school, fake_clock, cls):
    from ui.shell import dialogs

    data = find_data(school)
    opener = forms()[cls]
    win = _window(qtbot, school, fake_clock)
    form = opener(win, data)
    assert isinstance(form, cls) and form.isVisible() and form.draft_key, form
    key = form.draft_key

    # 1. type, change a level and a date, lock (nothing is asked), unlock: all of it is back, and in the vault
    field = text_field(form)
    type_into(qtbot, field, f"第一段{cls.__name__}")
    level, date = change_level_and_date(form)
    state = form.draft_state()
    assert f"第一段{cls.__name__}" in str(state)
    assert win.lock()
    assert dialogs.shown == [] and (not isinstance(form, QDialog) or not form.isVisible())
    _unlock(qtbot, win)
    assert form.isVisible() and form.draft_state() == state
    assert load_draft(school, key) == state          # saved at once on lock, in the vault
    values = [v for v in (level, date) if v is not None]
    assert all(v in str(state) or v in _shown_values(form) for v in values), (values, state)
    # 2. type more, then the idle lock (the injected clock): saved, given back
    type_into(qtbot, field, f"第二段{cls.__name__}")
    state = form.draft_state()
    fake_clock.advance(11 * 60)
    assert win.idle.check() and school.locked
    _unlock(qtbot, win)
    assert form.isVisible() and form.draft_state() == state
    assert load_draft(school, key) == state
    # 3. type once more and wait: the autosave writes it about a second later, with no lock
    type_into(qtbot, field, "第三段")
    state = form.draft_state()
    qtbot.waitUntil(lambda: load_draft(school, key) == state, timeout=3000)
    assert any(d.form_key == key for d in list_drafts(school))
    # ... a restart (the window is gone, nothing asked) and the same form opens with all of it back
    form.stop_drafts()
    form.hide()
    win.hide()
    again = opener(_window(qtbot, school, fake_clock), data)
    assert again is not form and again.draft_key == key and again.draft_restored
    assert again.draft_state() == state
    assert dialogs.shown == []


def test_a_value_dialog_survives_a_lock_with_its_text_and_then_writes(qtbot, school, fake_clock):
    """The network page's 设置领导小组 used to ask through blocking prompts a lock cancelled: its ValueDialog is hidden
    by the lock, given back with both fields as typed, and 确定 after the unlock writes the post."""
    from app.network.people import leadership
    from ui.shell import dialogs
    from ui.shell.value_dialog import ValueDialog

    win = _window(qtbot, school, fake_clock)
    win.show_page("network")
    page = win.pages["network"]
    dialogs.preanswer("心理健康副校长")
    dlg = page.set_leader()
    assert isinstance(dlg, ValueDialog) and dlg.isVisible() and dlg.draft_key.startswith("network:leader:")
    type_into(qtbot, dlg.edits[0], "孙教授")
    type_into(qtbot, dlg.edits[1], "市精神卫生中心")
    assert win.lock()
    assert not dlg.isVisible() and dialogs.shown[-1].kind == "item"     # nothing asked by the lock itself
    _unlock(qtbot, win)
    assert "孙教授" in str(load_draft(school, dlg.draft_key))             # saved on the lock, in the vault
    assert dlg.isVisible() and dlg.values() == ["XQ 孙教授", "XQ 市精神卫生中心"]   # type_into types "XQ " first
    assert dlg.save() and not dlg.isVisible()
    assert load_draft(school, dlg.draft_key) is None                    # saved: the draft is gone
    assert "XQ 孙教授" in str(leadership(school))
