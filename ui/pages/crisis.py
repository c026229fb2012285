"""危机干预: crisis cases walked step by step, with every deadline visible."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.accounts.model import Account
from app.policy import can_read_incidents, does_student_work
from ui.context import AppContext

PAGE_ID = "crisis"
TITLE = "危机干预"
ORDER = 50



def available(account: Account) -> bool:
    """Students' records are for 心理教师 and 班主任; a 管理员 keeps incidents and the referral directory."""
    return does_student_work(account) or can_read_incidents(account)

def create(ctx: AppContext) -> QWidget:
    from ui.crisis.page import CrisisPage

    return CrisisPage(ctx)
