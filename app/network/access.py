"""Who may do what in the warning network (moved into app/policy.py's named rules once that lands)."""
from __future__ import annotations

from app.accounts.model import Account, Role
from app.errors import PermissionDenied
from app.session import Session


def can_keep_network(account: Account) -> bool:
    """Appointments, reports typed in or imported, triage, reviews, pairs: the counselor's work."""
    return account.role == Role.COUNSELOR


def require_keep_network(session: Session, what: str = "管理预警网络") -> None:
    if not can_keep_network(session.account):
        raise PermissionDenied(f"只有心理教师可以{what}。")


def sees_report_text(account: Account) -> bool:
    """Reports' free text (climate, events, what was seen) names classmates: confidential tier."""
    return account.role == Role.COUNSELOR


def sees_named_students(account: Account) -> bool:
    """A 管理员 sees the network's people and counts, never which students were named."""
    return account.role in (Role.COUNSELOR, Role.HEAD_TEACHER)


def class_scope(account: Account) -> int | None:
    return account.class_id if account.role == Role.HEAD_TEACHER else None
