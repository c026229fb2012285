"""user add / list / disable / enable / reset-password."""
from __future__ import annotations

import argparse

from app.console import EXIT_OK, data_dir, open_from_args, out, print_json, read_password
from app.errors import UsageError
from app.policy import can_manage_accounts, require


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="账号管理")
    us = p.add_subparsers(dest="user_command", metavar="操作", required=True)
    a = us.add_parser("add", help="添加账号（密码取自环境变量 XINQIAO_NEW_PASSWORD 或提示输入）")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=["admin", "counselor", "head_teacher"])
    a.add_argument("--class", dest="class_name", help="班主任所带班级")
    a.add_argument("--display-name", default="")
    a.set_defaults(func=cmd_add)
    lst = us.add_parser("list", help="列出账号")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)
    for name, disabled in (("disable", True), ("enable", False)):
        d = us.add_parser(name, help="停用账号（同时删除它的密钥槽）" if disabled else
                          "重新启用账号（新密码取自环境变量 XINQIAO_NEW_PASSWORD 或提示输入）")
        d.add_argument("name")
        d.set_defaults(func=cmd_disable, disabled=disabled)
    c = us.add_parser("set-class", help="更换班主任账号所带的班级（如升年级后）")
    c.add_argument("name")
    c.add_argument("--class", dest="class_name", required=True, help="班级，如 八年级（3）班、初二3班、8.3")
    c.set_defaults(func=cmd_set_class)
    g = us.add_parser("grant", help="把保密密钥授予一个心理教师账号（需持有保密密钥的心理教师登录）")
    g.add_argument("name")
    g.set_defaults(func=cmd_grant)
    rk = sub.add_parser("rekey", help="更换数据库密钥并只授予仍在的账号（删除或停用有权限的账号后使用）")
    rk.set_defaults(func=cmd_rekey)
    rc = sub.add_parser("recovery", help="恢复码")
    rcs = rc.add_subparsers(dest="recovery_command", required=True)
    rot = rcs.add_parser("rotate", help="生成新的恢复码（只显示一次，旧恢复码作废）")
    rot.set_defaults(func=cmd_recovery_rotate)
    r = us.add_parser("reset-password", help="用恢复码重设某账号的密码（恢复码取自 XINQIAO_RECOVERY_CODE）")
    r.add_argument("name")
    r.set_defaults(func=cmd_reset)


def cmd_add(args: argparse.Namespace) -> int:
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.school.classes import require_class

    session = open_from_args(args)
    try:
        class_id = None
        if args.class_name:
            class_id = require_class(session.db, args.class_name).id
        elif args.role == "head_teacher":
            raise UsageError("班主任账号需要 --class 指定班级。")
        password = read_password("XINQIAO_NEW_PASSWORD", "新账号的密码：")
        acc = add_account(session, args.name, password, Role(args.role), display_name=args.display_name,
                          class_id=class_id)
        out(f"已添加账号“{acc.username}”（{acc.role_label}）。")
        return EXIT_OK
    finally:
        session.close()


def cmd_list(args: argparse.Namespace) -> int:
    from app.accounts.store import list_accounts

    session = open_from_args(args)
    try:
        require(session, can_manage_accounts)
        accounts = list_accounts(session.db)
        if args.json:
            print_json([{"username": a.username, "role": a.role.value, "class_id": a.class_id,
                         "disabled": a.disabled} for a in accounts])
        else:
            for a in accounts:
                out(f"{a.username}\t{a.role_label}\t{'已停用' if a.disabled else '正常'}")
        return EXIT_OK
    finally:
        session.close()


def cmd_disable(args: argparse.Namespace) -> int:
    from app.accounts.admin import set_account_disabled

    session = open_from_args(args)
    try:
        require(session, can_manage_accounts)
        password = None if args.disabled else read_password("XINQIAO_NEW_PASSWORD", "账号的新密码：")
        set_account_disabled(session, args.name, args.disabled, password)
        out(f"账号“{args.name}”已{'停用，它的密码不再能打开数据' if args.disabled else '启用，请把新密码告诉本人'}。")
        if args.disabled:
            out("它的密码曾能打开的密钥仍在它可能留存的旧 keyslots.json 副本里：请运行 rekey 更换密钥。")
        return EXIT_OK
    finally:
        session.close()


def cmd_reset(args: argparse.Namespace) -> int:
    from app.session import reset_password_with_recovery

    code = read_password("XINQIAO_RECOVERY_CODE", "恢复码：")
    password = read_password("XINQIAO_NEW_PASSWORD", "新密码：")
    reset_password_with_recovery(data_dir(args), code, args.name, password)
    out(f"账号“{args.name}”的密码已重设。")
    return EXIT_OK


def cmd_set_class(args: argparse.Namespace) -> int:
    from app.accounts.admin import set_account_class
    from app.school.classes import require_class

    session = open_from_args(args)
    try:
        cls = require_class(session.db, args.class_name)
        set_account_class(session, args.name, cls.id)
        out(f"账号“{args.name}”现在带 {cls.name}。")
        return EXIT_OK
    finally:
        session.close()


def cmd_grant(args: argparse.Namespace) -> int:
    from app.accounts.rekey import grant_confidential

    session = open_from_args(args)
    try:
        grant_confidential(session, args.name)
        out(f"已把保密密钥授予“{args.name}”。")
        return EXIT_OK
    finally:
        session.close()


def cmd_rekey(args: argparse.Namespace) -> int:
    from app.accounts.rekey import rekey

    session = open_from_args(args)
    try:
        result = rekey(session)
        out("已更换普通数据的密钥" + ("和保密数据的密钥" if result.confidential_rotated else "") + "，只授予仍有密钥槽的账号。")
        if not result.confidential_rotated:
            out("保密数据的密钥没有更换：这需要持有保密密钥的心理教师运行 rekey。")
        if result.dropped:
            out(f"这些账号的旧格式密钥槽已删除，请为它们重设密码：{'、'.join(result.dropped)}")
        out("注意：更换密钥前做的备份仍可用当时的密码打开。")
        return EXIT_OK
    finally:
        session.close()


def cmd_recovery_rotate(args: argparse.Namespace) -> int:
    from app.accounts.rekey import rotate_recovery

    session = open_from_args(args)
    try:
        code = rotate_recovery(session)
        out("新的恢复码（只显示这一次，请抄下或打印后锁好；旧恢复码已作废）：")
        out(code)
        return EXIT_OK
    finally:
        session.close()
