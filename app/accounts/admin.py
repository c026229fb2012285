"""Accounts as a manager administers them: add, change a password, disable, move a 班主任 to another class.

Each is audited inside its transaction. A 班主任 account linked to a class gives the class its head teacher (the
school capability owns classes and staff), so this module sits above the core, beside the capabilities.
"""
from __future__ import annotations

from app.accounts.model import Account, Role
from app.accounts.store import (
    check_new_username,
    get_account,
    insert_account,
    normalize_username,
    set_class,
    set_disabled,
)
from app.errors import InputRejected, PermissionDenied, XinqiaoError
from app.passwords import require_acceptable
from app.policy import can_manage_accounts, require
from app.school.classes import link_head_teacher
from app.session import Session
from app.store.keyslots import KeySlots


def add_account(session: Session, username: str, password: str, role: Role, *, display_name: str = "",
                class_id: int | None = None, manager: bool = False) -> Account:
    require(session, can_manage_accounts)
    if role == Role.COUNSELOR and not session.holds_confidential:
        # The new identity must receive the confidential key from someone who holds it.
        raise PermissionDenied("添加心理教师账号需要持有保密密钥的心理教师登录：新账号的保密密钥只能由已持有它的人授予。")
    username = check_new_username(username)
    require_acceptable(password, account=username, school=session.school_name())
    slots = KeySlots.load(session.paths.keyslots)
    with session.db.transaction():
        acc = insert_account(session.db, username, role, display_name, class_id, manager)
        if username in slots.slots:
            raise InputRejected(f"密钥文件中已有名为“{username}”的密钥槽，不能再添加同名账号。")
        session.audit("account", username, {"add": role.value, "class_id": class_id})
        if role == Role.HEAD_TEACHER and class_id is not None:
            link_head_teacher(session, class_id, display_name or username)
        slots.set_account_secret(username, password, session.key,
                                 session.conf_key if role == Role.COUNSELOR else None)
        slots.save()
    return acc


def change_password(session: Session, username: str, new_password: str) -> None:
    """A user changes their own password; a manager may set anyone's. One slot is rewritten."""
    username = normalize_username(username)
    if username != session.account.username:
        require(session, can_manage_accounts, "修改其他账号的密码")
    acc = get_account(session.db, username)
    if acc is None:
        raise XinqiaoError(f"没有名为“{username}”的账号。")
    if acc.disabled:
        raise InputRejected(f"账号“{username}”已停用。重新启用它时会设置新密码。")
    require_acceptable(new_password, account=username, school=session.school_name())
    slots = KeySlots.load(session.paths.keyslots)
    if username == session.account.username:
        conf = session.conf_key if session.holds_confidential else None
        identity = session._identity if session._identity and username in slots.slots else None
    else:
        # Someone else's slot gets a new identity; a counselor's needs the confidential key given again.
        if acc.role == Role.COUNSELOR and not session.holds_confidential:
            raise PermissionDenied("心理教师账号的密码只能由持有保密密钥的心理教师重设（或用恢复码重设）。")
        conf = session.conf_key if acc.role == Role.COUNSELOR else None
        identity = None
    slots.set_account_secret(username, new_password, session.key, conf, identity)
    slots.save()
    session.audit("account", username, "修改密码")


def set_account_disabled(session: Session, username: str, disabled: bool, password: str | None = None) -> None:
    """Disable an account, which removes its key slot (its password opens nothing from then on), or enable it
    again with a new ``password`` that the manager sets (there is no old slot to go back to)."""
    require(session, can_manage_accounts)
    username = normalize_username(username)
    if username == session.account.username and disabled:
        raise XinqiaoError("不能停用当前登录的账号。")
    acc = get_account(session.db, username)
    if acc is None:
        raise XinqiaoError(f"没有名为“{username}”的账号。")
    slots = KeySlots.load(session.paths.keyslots)
    if not disabled:
        if not password:
            raise InputRejected(f"重新启用账号“{username}”需要为它设置新密码（停用时它的密钥槽已删除，旧密码不再有效）。")
        require_acceptable(password, account=username, school=session.school_name())
        if acc.role == Role.COUNSELOR and not session.holds_confidential:
            raise PermissionDenied("重新启用心理教师账号需要持有保密密钥的心理教师登录。")
    with session.db.transaction():
        set_disabled(session.db, username, disabled)
        session.audit("account", username, "停用（已删除密钥槽）" if disabled else "启用（已设置新密码）")
        if disabled:
            slots.remove(username, disabled=True)
        else:
            assert password is not None
            slots.set_account_secret(username, password, session.key,
                                     session.conf_key if acc.role == Role.COUNSELOR else None)
        slots.save()


def record_recovery_code_output(session: Session, how: str) -> None:
    """The recovery code was printed or saved as a PDF (``how`` says which): the audit log keeps it."""
    session.audit("print", "recovery_code", how)


def set_account_class(session: Session, username: str, class_id: int) -> Account:
    """Move a 班主任 account to another class (e.g. the class it follows up a grade in September); audited."""
    require(session, can_manage_accounts)
    username = normalize_username(username)
    acc = get_account(session.db, username)
    if acc is None:
        raise XinqiaoError(f"没有名为“{username}”的账号。")
    if acc.role != Role.HEAD_TEACHER:
        raise XinqiaoError("只有班主任账号有所带班级。")
    with session.db.transaction():
        set_class(session.db, username, class_id)
        session.audit("account", username, {"class_id": class_id, "was": acc.class_id})
        link_head_teacher(session, class_id, acc.display_name or username)
    moved = get_account(session.db, username)
    assert moved is not None
    return moved
