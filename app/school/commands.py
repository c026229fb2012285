"""init and import-roster."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.console import EXIT_OK, EXIT_REJECTED, data_dir, err, open_from_args, out, print_json, read_password, username


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="创建新的数据库（打印一次恢复码）")
    p.add_argument("--school", required=True, help="学校名称")
    p.add_argument("--code", default="", help="学校代码")
    p.add_argument("--stages", default="", help="学段，逗号分隔：primary,junior,senior")
    p.add_argument("--user", dest="init_user", help="首个账号（心理教师，兼管理员）")
    p.add_argument("--centre", action="store_true", help="区县心理辅导中心使用（接收各校上报）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import-roster", help="导入学生花名册（.xlsx / .xls / .ods / .csv）")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--skip-invalid", action="store_true", help="跳过无效行，写入其余行并保存错误报告")
    p.add_argument("--sheet", help="工作表名称（默认第一个工作表）")
    p.add_argument("--map", action="append", default=[], metavar="字段=表头",
                   help="调整列对应关系，如 class=所在班级（字段：name gender birth_date registry_no id_number grade "
                        "class ethnicity boarding left_behind guardian_name guardian_relation guardian_phone address）")
    p.add_argument("--profile", help="使用已保存的列对应方案（窗口中“保存为方案”保存的也可用）")
    p.add_argument("--save-profile", metavar="名称", help="把本次的列对应关系保存为方案")
    p.add_argument("--mark-absent", choices=["转出", "毕业"], help="把不在新名单中的在读学生标记为转出或毕业")
    p.add_argument("--json", action="store_true", help="以 JSON 输出报告")
    p.set_defaults(func=cmd_import_roster)


def cmd_init(args: argparse.Namespace) -> int:
    from app.school.setup import create_vault

    args.user = args.init_user or args.user
    user = username(args)
    password = read_password(prompt="新账号的密码：")
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    session, code = create_vault(data_dir(args), school_name=args.school, username=user, password=password,
                                 school_code=args.code, stages=stages, centre=args.centre)
    session.close()
    out(f"已在 {data_dir(args)} 创建心桥数据库，账号“{user}”。")
    out("恢复码（只显示这一次，请抄写并妥善保管；忘记密码时凭它重设）：")
    out(f"    {code}")
    return EXIT_OK


def cmd_import_roster(args: argparse.Namespace) -> int:
    from app.school.roster_import import FIELD_LABELS, apply_roster, preview_roster
    from app.tabular.profiles import check_maps_found, mapping_from_options, save_profile

    session = open_from_args(args)
    try:
        mapping = mapping_from_options(session.db, "roster", args.profile, args.map, FIELD_LABELS)
        preview = preview_roster(session, args.file, mapping, sheet=args.sheet)
        check_maps_found(args.map, preview.columns, FIELD_LABELS, preview.file)
        if args.save_profile:
            save_profile(session, "roster", args.save_profile, dict(preview.columns))
        report = preview.as_json()
        rejected = bool(preview.errors) and not args.skip_invalid
        written = False
        error_report = None
        marked = 0
        if not args.dry_run and not rejected:
            result = apply_roster(session, preview, skip_invalid=args.skip_invalid, mark_absent=args.mark_absent)
            written = True
            error_report = str(result.error_report) if result.error_report else None
            marked = result.marked_absent
        report.update({"ok": not rejected, "dry_run": args.dry_run, "written": written,
                       "error_report": error_report, "marked_absent": marked})
        if args.json:
            print_json(report)
        else:
            c = preview.counts()
            out(f"{preview.file}（工作表“{preview.sheet}”，表头在第 {preview.header_row} 行）")
            out(f"新增 {c['new']}，更新 {c['updated']}，未变 {c['unchanged']}，无效 {c['invalid']}，"
                f"重复 {c['duplicates']}，不在名单中 {c['absent']}")
            for e in preview.errors:
                out(f"  第 {e.row} 行  {e.field}：{e.reason}")
            if rejected:
                err("有无效行，未写入任何数据。请修改后重新导入，或加 --skip-invalid 跳过无效行。")
            elif args.dry_run:
                out("（试运行：未写入）")
            else:
                out("已写入。" + (f" 错误报告：{error_report}" if error_report else ""))
        return EXIT_REJECTED if rejected else EXIT_OK
    finally:
        session.close()
