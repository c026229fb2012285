"""What every page gets: the signed-in session, the shared student index, and app-wide signals.

Pages are declared in ``ui/pages.py`` (id, title, factory ``(ctx: AppContext) -> QWidget``, who sees them, which
search sources they open). What changed is told with ``ctx.data_changed.emit(Change.X)``; a receiver tests the
value by identity or membership (``if change in (Change.STUDENTS, Change.SCHOOL)``), never by text.
A form keeps unsaved text through ``ui.shell.forms`` (a draft in the vault, saved when the window locks); a page
may still connect to ``ctx.locking`` (the session is still open while it is emitted) and to ``ctx.unlocked`` to
refresh.
"""
from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QObject, Signal

from app.archive.students import StudentIndex
from app.session import Session


class Change(Enum):
    """What a ``data_changed`` notice is about."""

    STUDENTS = "students"      # students were added, moved, put on leave, tagged: the index was rebuilt
    SCHOOL = "school"          # the school's profile, calendar, classes, staff or accounts
    SETTINGS = "settings"      # app settings (idle lock, school name in the title)
    BACKUPS = "backups"        # a backup was made or removed
    SCREENING = "screening"    # campaigns, results, levels, the ledger
    CASEWORK = "casework"      # counseling records
    CRISIS = "crisis"          # crisis cases, incidents, the directory, the rules
    NETWORK = "network"        # warning-network reports, triage, committee members, rooms, the group
    COURSES = "courses"        # lessons, activities, parent school, pushes, the norms profile
    PEOPLE = "people"          # staff roles, training records and norms, the duty roster


class AppContext(QObject):
    locking = Signal()               # emitted just before the key is dropped: save drafts now
    unlocked = Signal()              # the session is open again
    open_student = Signal(int)       # ask the main window to show a student's archive
    data_changed = Signal(object)    # a Change: a capability changed data, views refresh
    show_page = Signal(str)          # ask the main window to switch to a page by PAGE_ID
    open_crisis_case = Signal(int)   # ask the main window to start a crisis case for a student (危机干预 page)
    open_crisis_step = Signal(int, int)   # a case id and one of its steps: the case at that step, the step's dialog
    open_case_from_alert = Signal(int)   # a same-day alert id: start a crisis case from it (危机干预 page)
    open_held_results = Signal()     # results held for want of consent: decide them (测评 page)
    open_hit = Signal(object)        # a SearchHit: the main window opens it on the page that owns its source
    open_draft = Signal(str, object)  # a draft's form key and student id: the window opens the form it belongs to
    open_letter = Signal(object)     # an app.letters.records.LetterRequest: 家长告知书 for a student (letters page)

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
        self.data_changed.emit(Change.STUDENTS)
