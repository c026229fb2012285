"""危机干预: crisis cases walked step by step, with every deadline visible."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.context import AppContext

PAGE_ID = "crisis"
TITLE = "危机干预"
ORDER = 50


def create(ctx: AppContext) -> QWidget:
    from ui.crisis.page import CrisisPage

    return CrisisPage(ctx)
