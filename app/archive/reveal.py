"""显示保密内容: confidential text stays hidden on screen until the counselor asks for it; each reveal is one audit
line (``reveal_confidential``), written in its own transaction. Widgets call this; they never write the line."""
from __future__ import annotations

from app.policy import can_read_confidential, require
from app.session import Session


def reveal_confidential(session: Session, target: str, what: str) -> None:
    """Record that the confidential text of ``target`` ("crisis_case:7", "case_records:12", "plan:3") was shown on
    screen; ``what`` says which, in Chinese ("危机个案的保密记录"). Rule: ``can_read_confidential``."""
    require(session, can_read_confidential, "查看保密内容")
    with session.db.transaction():
        session.audit("reveal_confidential", target, {"shown": what})
