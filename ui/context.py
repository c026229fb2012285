"""What every page gets: the signed-in session, the shared student index, and app-wide signals.

Pages are modules in ``ui/pages/`` that define ``PAGE_ID`` (English), ``TITLE`` (Chinese, shown in the left
navigation), ``ORDER`` (int) and ``create(ctx: AppContext) -> QWidget``. The main window discovers them.
A page that keeps unsaved text must keep it across a lock: connect to ``ctx.locking`` to save a draft
(the session is still open while ``locking`` is emitted) and to ``ctx.unlocked`` to refresh.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.archive.students import StudentIndex
from app.session import Session


class AppContext(QObject):
    locking = Signal()               # emitted just before the key is dropped: save drafts now
    unlocked = Signal()              # the session is open again
    open_student = Signal(int)       # ask the main window to show a student's archive
    data_changed = Signal(str)       # a capability changed data ("students", "screening", ...): refresh views
    show_page = Signal(str)          # ask the main window to switch to a page by PAGE_ID
    open_crisis_case = Signal(int)   # ask the main window to start a crisis case for a student (危机干预 page)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._index: StudentIndex | None = None

    @property
    def index(self) -> StudentIndex:
        if self._index is None:
            self._index = StudentIndex(self.session.db)
        return self._index

    def set_index(self, index: StudentIndex) -> None:
        """Use an index built elsewhere (e.g. on the sign-in worker thread)."""
        self._index = index

    def reload_index(self) -> None:
        self.index.reload(self.session.db)
        self.data_changed.emit("students")
