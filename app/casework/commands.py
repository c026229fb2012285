"""import-sessions and sessions (list or export records, with the tier rules of the signed-in account)."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.console import EXIT_OK, EXIT_REJECTED, data_dir, err, open_from_args, out, print_json
from app.errors import InputRejected
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-sessions", help="导入历史谈话与辅导记录（.xlsx / .xls / .ods / .csv）")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--skip-invalid", action="store_true", help="跳过无效行，写入其余行并保存错误报告")
    p.add_argument("--confirm-name-matches", action="store_true",
                   help="确认按姓名和班级对应到的学生（没有学籍号的记录），一并写入")
    p.add_argument("--sheet", help="工作表名称（默认第一个工作表）")
    p.add_argument("--map", action="append", default=[], metavar="字段=表头",
                   help="调整列对应关系，如 summary=咨询内容（字段：registry_no id_number name class grade date time "
                        "kind duration categories summary confidential place counselor next_step follow_up）")
    p.add_argument("--profile", help="使用已保存的列对应方案")
    p.add_argument("--save-profile", metavar="名称", help="把本次的列对应关系保存为方案")
    p.add_argument("--json", action="store_true", help="以 JSON 输出报告")
    p.set_defaults(func=cmd_import_sessions)

    p = sub.add_parser("sessions", help="列出或导出谈话与辅导记录")
    p.add_argument("--student", help="学籍号")
    p.add_argument("--class", dest="class_name", help="班级，如 七年级（1）班 或 7.1")
    p.add_argument("--kind", help="类型：个体咨询、团体辅导、谈心谈话、家长面谈、家长电话、家访")
    p.add_argument("--from", dest="date_from", help="起始日期")
    p.add_argument("--to", dest="date_to", help="截止日期")
    p.add_argument("--out", type=Path, help="导出为 .xlsx 文件")
    add_force_option(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_sessions)

    p = sub.add_parser("coverage", help="一生一谈、重点学生家访与家长反馈的完成情况（按班级、学期）")
    p.add_argument("--class", dest="class_name", help="班级（默认：全部可见班级）")
    p.add_argument("--date", help="学期内的任一日期（默认：今天）")
    p.add_argument("--set-feedback-scope", choices=["all", "focus"],
                   help="设置一反馈的范围（学校设置）：all 全体学生（默认），focus 仅重点学生；需要管理权限")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_coverage)


def _mapping(args: argparse.Namespace, session) -> dict[str, str] | None:  # type: ignore[no-untyped-def]
    from app.casework.importer import FIELD_LABELS, PROFILE_KIND
    from app.tabular.profiles import mapping_from_options

    return mapping_from_options(session.db, PROFILE_KIND, args.profile, args.map, FIELD_LABELS)


def cmd_import_sessions(args: argparse.Namespace) -> int:
    from app.casework.importer import FIELD_LABELS, PROFILE_KIND, apply_sessions, preview_sessions
    from app.tabular.profiles import check_maps_found, save_profile

    session = open_from_args(args)
    try:
        mapping = _mapping(args, session)
        preview = preview_sessions(session, args.file, mapping, sheet=args.sheet)
        check_maps_found(args.map, preview.columns, FIELD_LABELS, preview.file)
        if args.save_profile:
            save_profile(session, PROFILE_KIND, args.save_profile, dict(preview.columns))
        report = preview.as_json()
        rejected = bool(preview.errors) and not args.skip_invalid
        written = skipped = 0
        error_report = None
        if not args.dry_run and not rejected:
            result = apply_sessions(session, preview, skip_invalid=args.skip_invalid,
                                    confirm_name_matches=args.confirm_name_matches)
            written = result.written
            skipped = result.skipped_name_matches
            error_report = str(result.error_report) if result.error_report else None
        report.update({"ok": not rejected, "dry_run": args.dry_run, "written": written, "error_report": error_report,
                       "skipped_name_matches": skipped})
        if args.json:
            print_json(report)
        else:
            c = preview.counts()
            out(f"{preview.file}（工作表“{preview.sheet}”，表头在第 {preview.header_row} 行）")
            out(f"新记录 {c['new']}（其中含保密记录 {c['confidential']}），已存在 {c['duplicates']}，无效 {c['invalid']}")
            for e in preview.errors:
                out(f"  第 {e.row} 行  {e.field}：{e.reason}")
            for m in preview.name_matches:
                out(f"  第 {m.sheet_row} 行  按姓名和班级对应到 {m.class_name} {m.name}（学籍号 {m.registry_no}），需确认")
            if rejected:
                err("有无效行，未写入任何数据。请修改后重新导入，或加 --skip-invalid 跳过无效行。")
            elif args.dry_run:
                out("（试运行：未写入）")
            else:
                out(f"已写入 {written} 条记录。" + (f" 错误报告：{error_report}" if error_report else ""))
                if skipped:
                    out(f"{skipped} 行按姓名对应的记录未写入；确认无误后加 --confirm-name-matches 重新导入。")
        return EXIT_REJECTED if rejected else EXIT_OK
    finally:
        session.close()


def cmd_sessions(args: argparse.Namespace) -> int:
    from app.archive.students import find_by_registry
    from app.casework.export import export_xlsx
    from app.casework.model import kind_from_text
    from app.casework.records import RecordFilter, list_records
    from app.school.classes import require_class

    out_file = check_out_path(args.out, data_dir(args), [".xlsx"], force=args.force) if args.out else None
    session = open_from_args(args)
    try:
        flt = RecordFilter(limit=None, date_from=args.date_from, date_to=args.date_to)
        if args.student:
            st = find_by_registry(session.db, session.account, args.student)
            if st is None:
                raise InputRejected(f"没有学籍号为 {args.student} 的学生。")
            flt.student_id = st.id
        if args.class_name:
            flt.class_id = require_class(session.db, args.class_name).id
        if args.kind:
            kind = kind_from_text(args.kind)
            if kind is None:
                raise InputRejected(f"未知的记录类型“{args.kind}”。")
            flt.kind = kind
        records = list_records(session, flt)
        if out_file:
            path = export_xlsx(session, records, out_file)
            out(f"已导出 {len(records)} 条记录到 {path}")
        elif args.json:
            print_json([r.as_json() for r in records])
        else:
            for r in records:
                out(f"{r.date}  {r.kind_label}  {r.students_label()}  {r.summary[:40]}")
            out(f"共 {len(records)} 条")
        return EXIT_OK
    finally:
        session.close()


def cmd_coverage(args: argparse.Namespace) -> int:
    import datetime as dt

    from app.casework.coverage import (
        FEEDBACK_SCOPES,
        class_coverage,
        current_semester,
        feedback_scope,
        school_coverage,
        set_feedback_scope,
    )
    from app.school.classes import require_class

    session = open_from_args(args)
    try:
        if args.set_feedback_scope:
            set_feedback_scope(session, args.set_feedback_scope)
            out(f"一反馈的范围已设为：{FEEDBACK_SCOPES[args.set_feedback_scope]}。")
            return EXIT_OK
        day = dt.date.fromisoformat(args.date) if args.date else None
        sem = current_semester(session, day)
        if args.class_name:
            rows = [class_coverage(session, require_class(session.db, args.class_name).id, sem)]
        else:
            rows = school_coverage(session, sem)
        # Who is missing a talk or a home visit of a 重点学生 names students with tags: audited like an export.
        session.audit("export", "coverage:stdout", {"format": "json" if args.json else "text",
                                                    "semester": sem.name, "classes": len(rows)})
        scope = feedback_scope(session.db)
        if args.json:
            print_json({"semester": sem.name, "feedback_scope": scope, "classes": [c.as_json() for c in rows]})
        else:
            out(f"{sem.name}（一反馈范围：{FEEDBACK_SCOPES[scope]}）")
            for c in rows:
                out(f"{c.class_name}：一生一谈 {len(c.talk.done)}/{c.talk.total}，重点学生家访 "
                    f"{len(c.home_visit.done)}/{c.home_visit.total}，{c.feedback.label} "
                    f"{len(c.feedback.done)}/{c.feedback.total}")
        return EXIT_OK
    finally:
        session.close()
