"""What other pages call into the network with one line: a roster import also takes the rooms its 宿舍 column holds."""
from __future__ import annotations

from typing import Any

from app.network.people import dorms_from_roster
from app.policy import can_manage_roster
from app.session import Session


def rooms_from_roster(session: Session, dialog: Any) -> None:
    """After a roster import (on its worker): building and room from the same file and sheet, when a column holds
    them; a file without one changes nothing."""
    if getattr(dialog, "path", None) is not None and can_manage_roster(session.account):
        dorms_from_roster(session, dialog.path, getattr(dialog, "sheet", None))
