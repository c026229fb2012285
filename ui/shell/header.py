"""The one page pattern: a header with the page's icon and title, one primary button, other actions outlined or in
a "更多" menu; below it the page's cards and tables.

The window puts a header on top of every page it builds (``install_header``). A page says which of its buttons
is the primary one with ``primary_button`` and which go to the header as outlined buttons with
``header_buttons``; ``more_buttons`` become actions of the 更多 menu that click them, ``more_actions`` (QActions)
join them there. The buttons stay children of the page, so
``page.findChildren(QPushButton)`` and ``page.new_button.click()`` keep working.
"""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from ui.shell.theme import icon, set_role


def _detach(widget: QWidget) -> None:
    """Take ``widget`` out of whichever layout holds it (so it can move into the header without a Qt warning)."""
    parent = widget.parentWidget()
    if parent is None or parent.layout() is None:
        return

    def walk(layout: QLayout) -> bool:
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item is None:
                continue
            if item.widget() is widget:
                layout.takeAt(i)
                return True
            sub = item.layout()
            if sub is not None and walk(sub):
                return True
        return False

    walk(parent.layout())  # type: ignore[arg-type]


class PageHeader(QWidget):
    """Icon, title, an optional line under it, then the actions on the right: outlined ones, 更多, the primary."""

    def __init__(self, title: str, icon_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 8)
        row.setSpacing(8)
        self.icon_label = QLabel()
        self.icon_label.setObjectName("pageIcon")
        if icon_name:
            self.icon_label.setPixmap(icon(icon_name, "primary").pixmap(QSize(26, 26)))
        else:
            self.icon_label.hide()
        self.title_label = QLabel(title)
        self.title_label.setObjectName("pageTitle")
        self.title_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        row.addWidget(self.icon_label)
        row.addWidget(self.title_label)
        row.addStretch(1)
        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(6)
        row.addLayout(self.actions_row)
        self.primary: QPushButton | None = None
        self.more_button: QToolButton | None = None
        self.more_menu: QMenu | None = None
        self._hold: QWidget | None = None

    def set_title(self, title: str) -> None:
        self.title_label.setText(title)

    def add_button(self, button: QPushButton, icon_name: str = "") -> QPushButton:
        """An outlined action, left of 更多 and the primary button."""
        _detach(button)
        set_role(button, "outline")
        if icon_name:
            button.setIcon(icon(icon_name))
        index = self.actions_row.count()
        if self.more_button is not None:
            index -= 1
        if self.primary is not None:
            index -= 1
        self.actions_row.insertWidget(max(index, 0), button)
        return button

    def set_primary(self, button: QPushButton, icon_name: str = "plus") -> QPushButton:
        """The page's one primary action, at the far right, in the primary colour."""
        _detach(button)
        set_role(button, "primary")
        if icon_name:
            button.setIcon(icon(icon_name, "primary_text"))
        self.primary = button
        self.actions_row.addWidget(button)
        return button

    def more_action(self, text: str) -> QAction | None:
        """The 更多 menu's action of that text (tests click it with ``trigger()``)."""
        if self.more_menu is None:
            return None
        return next((a for a in self.more_menu.actions() if a.text() == text), None)

    def add_more_buttons(self, buttons: Iterable[QPushButton]) -> list[QAction]:
        """Move buttons into the 更多 menu: each becomes an action that clicks it, shown while the page would have
        shown the button (a role's) and enabled while the button is. The button stays an (invisible) attribute."""
        made: list[QAction] = []
        if self._hold is None:
            self._hold = QWidget(self)   # never shown: the buttons' own visibility says whether the page wants them
            self._hold.hide()
        for button in buttons:
            shown = not button.isHidden()
            _detach(button)
            button.setParent(self._hold)
            button.setVisible(shown)
            action = QAction(button.icon(), button.text(), self)
            action.setToolTip(button.toolTip())
            action.setVisible(shown)
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
            button.installEventFilter(_Mirror(button, action))
            made.append(action)
        self.add_more(made)
        return made

    def add_more(self, actions: Iterable[QAction]) -> QMenu:
        """Actions in the 更多 menu (a QToolButton left of the primary button)."""
        if self.more_menu is None:
            self.more_button = QToolButton()
            self.more_button.setObjectName("moreButton")
            self.more_button.setText("更多")
            self.more_button.setIcon(icon("dots"))
            self.more_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            self.more_menu = QMenu(self.more_button)
            self.more_button.setMenu(self.more_menu)
            index = self.actions_row.count() - (1 if self.primary is not None else 0)
            self.actions_row.insertWidget(index, self.more_button)
        for a in actions:
            self.more_menu.addAction(a)
        return self.more_menu


class _Mirror(QObject):
    """Keeps a 更多 action shown and enabled while the page shows and enables its (off-screen) button."""

    def __init__(self, button: QPushButton, action: QAction) -> None:
        super().__init__(button)
        self.action = action

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if isinstance(obj, QWidget):
            if kind == QEvent.Type.EnabledChange:
                self.action.setEnabled(obj.isEnabled())
            elif kind in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
                self.action.setVisible(not obj.isHidden())
        return False


def install_header(page: QWidget, title: str, icon_name: str = "") -> PageHeader | None:
    """Put a header on top of ``page`` (its own layout, so the header is the page's child) unless it has one;
    move in the page's ``primary_button``, ``header_buttons`` and ``more_actions``. None if the page has no box
    layout to hold it."""
    existing = page.findChild(PageHeader)
    if existing is not None:
        return existing
    layout = page.layout()
    if not isinstance(layout, QBoxLayout):
        return None
    header = PageHeader(str(getattr(page, "header_title", "") or title), icon_name, page)
    layout.insertWidget(0, header)
    for button in getattr(page, "header_buttons", ()) or ():
        if isinstance(button, QPushButton):
            header.add_button(button)
    buttons = [b for b in (getattr(page, "more_buttons", ()) or ()) if isinstance(b, QPushButton)]
    if buttons:
        header.add_more_buttons(buttons)
    actions = [a for a in (getattr(page, "more_actions", ()) or ()) if isinstance(a, QAction)]
    if actions:
        header.add_more(actions)
    primary = getattr(page, "primary_button", None)
    if isinstance(primary, QPushButton):
        header.set_primary(primary, getattr(page, "primary_icon", "plus"))
    page.page_header = header  # type: ignore[attr-defined]
    return header
