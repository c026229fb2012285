"""Category fields as checkable tags: the text API of the line edit they replace, the keyboard, unknown values."""
from __future__ import annotations

from PySide6.QtCore import Qt

from ui.shell.chips import ChipField, split_categories


def test_chips_keep_the_text_api_and_take_unknown_values(qtbot):
    field = ChipField(["情绪", "学业", "人际关系"])
    qtbot.addWidget(field)
    assert field.text() == "" and field.selected() == []
    field.setText("学业，情绪、自定类别")    # typed or imported text: any separator
    assert field.selected() == ["情绪", "学业", "自定类别"] and field.text() == "情绪、学业、自定类别"
    assert field.chips["自定类别"].isChecked() and field.chips["自定类别"].property("role") == "tag"
    edited = []
    field.textEdited.connect(edited.append)
    field.setText("")                      # setText is not an edit (as QLineEdit)
    assert edited == [] and field.text() == ""
    field.chips["人际关系"].click()
    assert edited == ["人际关系"] and field.selected() == ["人际关系"]
    assert split_categories(" a ; b ;") == ["a", "b"]


def test_chips_are_one_tab_stop_driven_by_arrows_and_space(qtbot):
    field = ChipField(["情绪", "学业", "人际关系"])
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    assert all(c.focusPolicy() == Qt.FocusPolicy.NoFocus for c in field.chips.values())
    qtbot.keyClick(field, Qt.Key.Key_Right)
    assert field.current() == "学业" and field.chips["学业"].property("keyboard")
    qtbot.keyClick(field, Qt.Key.Key_Space)
    assert field.selected() == ["学业"]
    qtbot.keyClick(field, Qt.Key.Key_Left)
    qtbot.keyClick(field, Qt.Key.Key_Left)
    assert field.current() == "人际关系"
