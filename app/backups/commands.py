"""backup, restore, verify."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.console import EXIT_INTEGRITY, EXIT_OK, data_dir, err, open_from_args, out, read_password, username
from app.policy import can_manage_school, require


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="备份（默认到数据文件夹的 backups/，--to 指定 U 盘等文件夹）")
    p.add_argument("--to", type=Path, help="备份到此文件夹")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="从备份恢复（先显示备份日期和记录数；当前数据库会被移到 quarantine/ 保留）")
    p.add_argument("file", type=Path)
    p.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("verify", help="完整性检查和审计链校验")
    p.set_defaults(func=cmd_verify)


def cmd_backup(args: argparse.Namespace) -> int:
    from app.backups import keep_count, make_backup
    from app.store.backup import prune

    session = open_from_args(args)  # a signed-in session: lockout, disabled accounts, audited by name
    try:
        require(session, can_manage_school, "备份（备份是数据库的完整副本）")
        dest = args.to or session.paths.backups
        info = make_backup(session, dest, manual=args.to is not None)
        if args.to is None:
            prune(session.paths.backups, keep_count(session))
        out(f"已备份并校验：{info.path}")
        out(info.describe())
        return EXIT_OK
    finally:
        session.close()


def cmd_restore(args: argparse.Namespace) -> int:
    import sys

    from app.backups import restore
    from app.errors import InputRejected, IntegrityFailure
    from app.session import open_session, restore_sign_in
    from app.store.backup import backup_key, inspect_backup
    from app.store.paths import VaultPaths

    paths = VaultPaths(data_dir(args))
    user, password = username(args), read_password()
    key: bytes | None = None
    if paths.exists():
        # The vault opens: sign in to it as anyone else would (lockout, disabled accounts), as a manager.
        try:
            session = open_session(paths.root, user, password)
        except IntegrityFailure as e:
            err(f"错误：{e.message}")  # the damaged vault is set aside; the backup's own accounts decide below
        else:
            try:
                require(session, can_manage_school, "从备份恢复")
                user = session.account.username
            finally:
                session.close()
            key = backup_key(args.file, paths, user, password)
    if key is None:
        # No vault to sign in to (set aside after a failed check, or a new PC): the backup's own key slots and
        # accounts decide, under the same lockout.
        user, key = restore_sign_in(paths, args.file, user, password)
    info = inspect_backup(args.file, key)  # a damaged backup or one newer than this program stops here
    out(f"备份：{info.describe()}")
    if not args.yes:
        if not (sys.stdin and sys.stdin.isatty()):
            # Nobody can answer the question: restoring replaces the vault, so it is never done unasked.
            raise InputRejected("没有恢复：恢复会替换当前数据。请先核对上面的备份日期和记录数，再加 --yes 确认。")
        if input("恢复后当前数据将被替换（原文件移到 quarantine/ 保留）。确认恢复？(y/N) ").strip().lower() != "y":
            out("已取消。")
            return EXIT_OK
    _, aside = restore(args.file, key, paths, account=user)
    out("已恢复。" + (f"原数据库已移到 {aside}" if aside else ""))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from app.audit import verify_chain
    from app.audit.checkpoint import check_checkpoints, checkpoints

    session = open_from_args(args)
    try:
        problems = session.db.integrity_check()
        chain = verify_chain(session.db)
        if problems:
            err(f"数据库完整性检查未通过：发现 {len(problems)} 处损坏。请从最近的备份恢复（restore），并联系技术支持。")
            for line in problems[:10]:
                err(f"  技术信息：{line}")
        else:
            out("数据库完整性检查：通过")
        if chain.ok:
            out(f"审计链：{chain.entries} 条，完整")
        else:
            err(f"审计链在第 {chain.broken_at} 条记录处断开：审计记录被改动过。")
        cut = ""
        if session.holds_confidential:
            cut = check_checkpoints(session.db)
            if cut:
                err(cut)
            else:
                out(f"审计检查点：{len(checkpoints(session.db))} 个，审计链仍延续最后一个检查点")
        else:
            out("审计检查点：只有持有保密密钥的心理教师能核对（本账号不能）。")
        return EXIT_OK if not problems and chain.ok and not cut else EXIT_INTEGRITY
    finally:
        session.close()
