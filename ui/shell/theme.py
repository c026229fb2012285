"""The window's one visual language: the stylesheet ``resources/theme/theme.qss`` with the colours of
``resources/theme/palette.json`` filled in, applied to the whole application at start; and the line icons of
``resources/icons/tabler`` (Tabler Icons, MIT), recoloured to the palette.

No widget styles itself. A widget says what it is, and the stylesheet says how that looks:
- ``set_tone(label, "error")``: a message's tone (``error``, ``urgent``, ``warn``, ``ok``, ``muted``, ``hint``,
  ``confidential``, ``code``, ``banner``, ``alert``, ``current``, ``tag``, ``strength0``…``strength4``); ``set_tone(label, "")`` clears it;
- ``set_role(button, "primary")``: a button's weight (``primary``, ``outline``, ``tag``); a label's role
  (``title``, ``subtitle``, ``pageTitle``);
- object names for one-of-a-kind parts (``nav``, ``pageHeader``, ``card``).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QObject, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLayout,
    QLineEdit,
    QProxyStyle,
    QTableView,
    QTreeView,
    QWidget,
)

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
THEME_DIR = RESOURCES / "theme"
ICON_DIR = RESOURCES / "icons" / "tabler"
TONES = ("error", "urgent", "warn", "ok", "muted", "hint", "confidential", "code", "banner", "alert", "current", "tag",
         "strength0", "strength1", "strength2", "strength3", "strength4", "")
ROLES = ("primary", "outline", "tag", "title", "subtitle", "pageTitle", "")
_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")


@lru_cache(maxsize=1)
def palette() -> dict[str, str]:
    """The colours of palette.json, and ``icons``: the icon folder, for the stylesheet's arrows."""
    data = json.loads((THEME_DIR / "palette.json").read_text("utf-8"))
    colours = {k: str(v) for k, v in data.items() if not k.startswith("_")}
    colours["icons"] = ICON_DIR.as_posix()
    return colours


def stylesheet(colours: dict[str, str] | None = None) -> str:
    """theme.qss with every ``${name}`` replaced by the palette's colour; an unknown name is an error."""
    colours = palette() if colours is None else colours
    text = (THEME_DIR / "theme.qss").read_text("utf-8")

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in colours:
            raise KeyError(f"theme.qss uses ${{{name}}}, which palette.json does not define")
        return colours[name]

    return _PLACEHOLDER.sub(fill, text)


def apply_theme(app: QApplication) -> None:
    """The Fusion style (the same on every Windows version) under the stylesheet; idempotent."""
    if app.property("xinqiaoTheme"):
        return
    app.setStyle(ThemeStyle("Fusion"))
    app.setStyleSheet(stylesheet())
    app.setProperty("xinqiaoTheme", True)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def set_tone(widget: QWidget, tone: str) -> QWidget:
    """Colour a message by what it says (styled in theme.qss as ``[tone="..."]``)."""
    if tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}")
    if widget.property("tone") != tone:
        widget.setProperty("tone", tone)
        _repolish(widget)
    return widget


def set_role(widget: QWidget, role: str) -> QWidget:
    """A button's weight or a label's part (styled in theme.qss as ``[role="..."]``)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if widget.property("role") != role:
        widget.setProperty("role", role)
        _repolish(widget)
    return widget


def icon_path(name: str) -> Path:
    return ICON_DIR / f"{name}.svg"


@lru_cache(maxsize=256)
def icon(name: str, colour: str = "icon") -> QIcon:
    """A Tabler line icon by file name (``resources/icons/tabler/<name>.svg``), its ``currentColor`` replaced by
    the palette colour ``colour`` (a palette name or ``#rrggbb``); an empty icon for an unknown name."""
    from PySide6.QtSvg import QSvgRenderer

    path = icon_path(name)
    if not name or not path.exists():
        return QIcon()
    hex_colour = palette().get(colour, colour)
    svg = path.read_text("utf-8").replace("currentColor", hex_colour)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    result = QIcon()
    for size in (16, 20, 24, 32, 48, 64):
        pm = QPixmap(QSize(size, size))
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        renderer.render(p, QRectF(0, 0, size, size))
        p.end()
        result.addPixmap(pm)
    return result


ROW_HEIGHT = 32


def fit_header(header: QHeaderView) -> None:
    """Widen every interactive or fixed section that is narrower than its title (headers never clip)."""
    if header.orientation() != Qt.Orientation.Horizontal or header.model() is None:
        return
    for i in range(header.count()):
        if header.isSectionHidden(i) or header.sectionResizeMode(i) not in (
                QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.Fixed):
            continue
        need = header.sectionSizeFromContents(i).width()
        if header.sectionSize(i) < need:
            header.resizeSection(i, need)


class _HeaderFitter(QObject):
    """A header's child, so its slot goes when the header does."""

    @Slot()
    def fit(self) -> None:
        header = self.parent()   # (no Python attributes: only the C++ object is kept alive, by its parent)
        if isinstance(header, QHeaderView) and shiboken6.isValid(header):  # also fires while it is destroyed
            fit_header(header)


FIELD_MAX_WIDTH = 480   # a single-line field in a form is never 1,000 px wide


def _form_layouts(layout: QLayout | None) -> list[QFormLayout]:
    found: list[QFormLayout] = []
    if layout is None:
        return found
    if isinstance(layout, QFormLayout):
        found.append(layout)
    for i in range(layout.count()):
        item = layout.itemAt(i)
        sub = item.layout() if item is not None else None
        if sub is not None:
            found.extend(_form_layouts(sub))
    return found


def _inside_composite(edit: QLineEdit) -> bool:
    """A line edit that is part of a spin box, combo box or an item view's cell editor (sized by its owner)."""
    w = edit.parentWidget()
    while w is not None:
        if isinstance(w, (QAbstractSpinBox, QComboBox, QAbstractItemView)):
            return True
        w = w.parentWidget()
    return False


def style_forms(widget: QWidget) -> None:
    """One form style: labels right-aligned beside their fields, single-line fields at most FIELD_MAX_WIDTH."""
    for form in _form_layouts(widget.layout()):
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(max(form.horizontalSpacing(), 12))
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            field = item.widget() if item is not None else None
            if isinstance(field, (QLineEdit, QComboBox, QAbstractSpinBox)) and field.maximumWidth() >= 16777215:
                field.setMaximumWidth(FIELD_MAX_WIDTH)


class ThemeStyle(QProxyStyle):
    """Fusion, plus what a stylesheet cannot say: tables ~32 px rows, no grid lines, striped rows, headers whose
    titles fit; forms with right-aligned labels and fields of sensible width. Applied once per widget when it is
    polished, so no page has to remember it."""

    def polish(self, arg: object) -> None:  # type: ignore[override]
        if not isinstance(arg, (QWidget, QApplication, QPalette)):
            # shiboken matched the pointer to a stale wrapper of an object that lived at that address before (a
            # QWidgetItem not yet collected): nothing to polish, and passing it on would raise in the event loop
            return
        super().polish(arg)  # type: ignore[arg-type]
        if isinstance(arg, QWidget) and arg.layout() is not None:
            style_forms(arg)
        if isinstance(arg, QLineEdit) and arg.maximumWidth() >= 16777215 and not _inside_composite(arg):
            arg.setMaximumWidth(FIELD_MAX_WIDTH)   # a single-line field is never 1,000 px wide
        if isinstance(arg, QTableView):
            arg.setShowGrid(False)
            arg.setAlternatingRowColors(True)
            vh = arg.verticalHeader()
            if vh.defaultSectionSize() < ROW_HEIGHT:
                vh.setDefaultSectionSize(ROW_HEIGHT)
            vh.setMinimumSectionSize(min(vh.minimumSectionSize(), ROW_HEIGHT))
        elif isinstance(arg, QTreeView):
            arg.setAlternatingRowColors(True)
        elif isinstance(arg, QHeaderView) and arg.orientation() == Qt.Orientation.Horizontal \
                and not arg.property("fitWired"):
            arg.setProperty("fitWired", True)
            arg.setHighlightSections(False)
            fitter = _HeaderFitter(arg)
            arg.geometriesChanged.connect(fitter.fit)
