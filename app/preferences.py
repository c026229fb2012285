"""Settings a manager changes in 设置 that belong to no capability: the idle-lock time."""
from __future__ import annotations

from app.errors import InputRejected
from app.policy import can_manage_school, require
from app.session import Session
from app.store.settings import get_setting, set_setting

IDLE_DEFAULT_MINUTES = 10.0


def idle_lock_minutes(session: Session) -> float:
    """Minutes without input before the window locks itself."""
    try:
        return float(get_setting(session.db, "idle_lock_minutes"))
    except (TypeError, ValueError):
        return IDLE_DEFAULT_MINUTES


def set_idle_lock_minutes(session: Session, minutes: int) -> None:
    require(session, can_manage_school, "修改自动锁定时间")
    if not 1 <= int(minutes) <= 240:
        raise InputRejected(f"自动锁定时间应在 1 到 240 分钟之间，收到 {minutes}。")
    with session.db.transaction():
        set_setting(session.db, "idle_lock_minutes", int(minutes))
        session.audit("settings", "idle_lock_minutes", str(minutes))
