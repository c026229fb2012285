"""关于心桥: the version and the licences of the bundled libraries, font and icon."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.version import VERSION
from ui.shell.about import AboutDialog, app_icon
from ui.shell.main_window import MainWindow


def test_about_lists_version_and_licences(qtbot):
    dlg = AboutDialog()
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "关于心桥"
    text = " ".join(label.text() for label in dlg.findChildren(QLabel))
    assert VERSION in text
    rows = {name: (version, licence) for name, version, licence in dlg.rows()}
    assert any(n.startswith("PySide6") and "LGPL-3.0" in lic for n, (_v, lic) in rows.items())
    assert any(n.startswith("sqlcipher3") for n in rows)
    assert any("Droid Sans Fallback" in n and lic == "Apache-2.0" for n, (_v, lic) in rows.items())
    assert any("图标" in n for n in rows)
    assert not app_icon().isNull()


def test_the_window_offers_about(qtbot, session, monkeypatch):
    win = MainWindow(session, auto_backup=False, pages=[])
    qtbot.addWidget(win)
    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    assert win.about_action.text() == "关于"
    win.about_action.trigger()
    assert len(shown) == 1 and shown[0].table.rowCount() > 10
