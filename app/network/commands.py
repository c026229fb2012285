"""import-reports, network (the period's picture), report-forms, dorms (from a roster)."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.console import EXIT_OK, EXIT_REJECTED, data_dir, err, open_from_args, out, print_json
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-reports", help="导入预警网络报告（心理委员、宿舍信息员的报告汇总表）")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--skip-invalid", action="store_true", help="跳过无效行，写入其余行并保存错误报告")
    p.add_argument("--json", action="store_true", help="以 JSON 输出报告")
    p.set_defaults(func=cmd_import_reports)

    p = sub.add_parser("network", help="预警网络某期的情况：各班报告、宿舍、待分诊学生、缺报")
    p.add_argument("--period", required=True, help="期次（年-月），如 2026-11")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_network)

    p = sub.add_parser("report-forms", help="打印空白报告表（每班一页，附班级名单，PDF）")
    p.add_argument("--period", required=True, help="期次（年-月），如 2026-11")
    p.add_argument("--class", dest="class_name", action="append", default=[], help="只打印这些班级（可重复）")
    p.add_argument("--out", type=Path, required=True, help="输出的 .pdf 文件")
    add_force_option(p)
    p.set_defaults(func=cmd_report_forms)

    p = sub.add_parser("dorms", help="从花名册的宿舍列导入学生的楼栋和房间")
    p.add_argument("--from-roster", type=Path, required=True, help="含“宿舍”（或“楼栋”“房间”）列的花名册")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_dorms)


def cmd_import_reports(args: argparse.Namespace) -> int:
    from app.network.importer import apply_reports, preview_reports

    session = open_from_args(args)
    try:
        preview = preview_reports(session, args.file)
        report = preview.as_json()
        rejected = bool(preview.errors) and not args.skip_invalid
        written = 0
        error_report = None
        if not args.dry_run and not rejected:
            result = apply_reports(session, preview, skip_invalid=args.skip_invalid)
            written = result.written
            error_report = str(result.error_report) if result.error_report else None
        report.update({"ok": not rejected, "dry_run": args.dry_run, "written": written, "error_report": error_report})
        if args.json:
            print_json(report)
        else:
            c = preview.counts()
            out(f"{preview.file}（工作表“{preview.sheet}”，表头在第 {preview.header_row} 行）")
            out(f"报告 {c['reports']} 份（本期无异常 {c['zero']}），关注学生 {c['concerns']} 人次，已存在 "
                f"{c['duplicates']} 行，无效 {c['invalid']} 行")
            for e in preview.errors:
                out(f"  第 {e.row} 行  {e.field}：{e.reason}")
            for row, what in preview.name_matches:
                out(f"  第 {row} 行  按姓名和班级对应：{what}")
            if rejected:
                err("有无效行，未写入任何数据。请修改后重新导入，或加 --skip-invalid 跳过无效行。")
            elif args.dry_run:
                out("（试运行：未写入）")
            else:
                out(f"已写入 {written} 份报告。" + (f" 错误报告：{error_report}" if error_report else ""))
        return EXIT_REJECTED if rejected else EXIT_OK
    finally:
        session.close()


def cmd_network(args: argparse.Namespace) -> int:
    from app.network.model import check_period
    from app.network.reports import overview

    period = check_period(args.period)
    session = open_from_args(args)
    try:
        data = overview(session, period)
        session.audit("export", "network:stdout", {"period": period, "format": "json" if args.json else "text"})
        if args.json:
            print_json(data)
            return EXIT_OK
        out(f"预警网络 {period}")
        for c in data["classes"]:
            reps = "、".join(c["reps"]) or "无心理委员"
            out(f"  {c['class']}：{reps}；{'已报告' if c['reported'] else '未报告'}；关注学生 {c['concerns']} 人")
        for r in data["rooms"]:
            out(f"  {r['room']}：信息员 {r['informant'] or '无'}；{'已报告' if r['reported'] else '未报告'}")
        for u in data["untriaged"]:
            out(f"  待分诊：{u['student']}（{u['class']}）{'、'.join(u['signs'])}，{u['since']} 起"
                + ("【紧急】" if u["urgent"] else ("【已超时】" if u["overdue"] else "")))
        if data["missing"]:
            out("  缺报：" + "、".join(m["name"] for m in data["missing"]))
        return EXIT_OK
    finally:
        session.close()


def cmd_report_forms(args: argparse.Namespace) -> int:
    from app.network.forms import blank_forms
    from app.school.classes import require_class

    target = check_out_path(args.out, data_dir(args), [".pdf"], force=args.force)
    session = open_from_args(args)
    try:
        ids = [require_class(session.db, c).id for c in args.class_name] or None
        path = blank_forms(session, args.period, target, ids)
        out(f"已生成空白报告表：{path}")
        return EXIT_OK
    finally:
        session.close()


def cmd_dorms(args: argparse.Namespace) -> int:
    from app.network.people import dorms_from_roster

    session = open_from_args(args)
    try:
        result = dorms_from_roster(session, args.from_roster, dry_run=args.dry_run)
        for row, reason in result.errors:
            out(f"  第 {row} 行：{reason}")
        out(f"已登记 {result.written} 名住校生的宿舍。" if not args.dry_run else "（试运行：未写入）")
        return EXIT_OK
    finally:
        session.close()
