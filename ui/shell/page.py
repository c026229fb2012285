"""How a page of the main window is declared: what the window needs to list it, build it and route to it.

The one list of pages, in navigation order, is ``ui/pages.py``. A page widget that owns search sources has
``open_hit(hit)``; the window calls it when a search hit of one of ``search_sources`` is opened anywhere.
In the same way a page that owns forms has ``open_draft(form_key, student_id)``: the window calls it when a draft
whose key starts with one of ``draft_forms`` (the key's first part, ``"record"`` of ``"record:12"``) is opened
from the 工作台's 未完成的记录; it opens the form, which refills itself from the draft.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.accounts.model import Account
from ui.shell.context import AppContext


def everyone(_account: Account) -> bool:
    return True


@dataclass(frozen=True)
class Page:
    id: str                                          # English, e.g. "crisis" (``ctx.show_page.emit(id)``)
    title: str                                       # Chinese, shown in the left navigation
    factory: Callable[[AppContext], QWidget]         # builds the page (the first time it is shown)
    available: Callable[[Account], bool] = everyone  # which accounts see it (by role)
    search_sources: tuple[str, ...] = ()             # ``SearchHit.source`` values this page opens
    draft_forms: tuple[str, ...] = ()                # first parts of the draft keys of its forms (``open_draft``)
    eager: bool = False                              # built with the window (it listens from the start)
    icon: str = ""                                   # a Tabler icon (resources/icons/tabler/<icon>.svg)
    modes: tuple[str, ...] = ("school",)             # the vaults it shows in: a school's, a county centre's
