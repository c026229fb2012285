"""What other pages call into the network with one line: a roster import also takes the rooms its 宿舍 column holds,
and the archive shows and sets a boarder's room (the dialog is ``ui.network.dorm_dialog``)."""
from __future__ import annotations

from typing import Any

from app.network.model import room_label
from app.network.people import dorm_of, dorms_from_roster
from app.policy import can_manage_roster
from app.session import Session


def rooms_from_roster(session: Session, dialog: Any) -> None:
    """After a roster import (on its worker): building and room from the same file and sheet, when a column holds
    them; a file without one changes nothing."""
    if getattr(dialog, "path", None) is not None and can_manage_roster(session.account):
        dorms_from_roster(session, dialog.path, getattr(dialog, "sheet", None))


def dorm_label(session: Session, student_id: int) -> str:
    """The student's building and room as the school writes them (“3号楼 201”), or "" when none is set."""
    where = dorm_of(session, student_id)
    return room_label(*where) if where else ""


def may_set_dorm(session: Session) -> bool:
    """Whoever keeps the roster sets a student's room (``set_dorm`` checks the same rule)."""
    return can_manage_roster(session.account)
