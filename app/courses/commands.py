"""import-courses, courses (the class × month grid and semester progress), courses-norms, workload."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.console import (
    EXIT_OK,
    EXIT_REJECTED,
    add_export_options,
    data_dir,
    err,
    export_protection,
    open_from_args,
    out,
    print_json,
    report_saved_text,
)
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-courses", help="导入心理课与主题活动登记表（日期、年级、班级、类型、主题、教师、课时）")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--skip-invalid", action="store_true", help="跳过无效行，写入其余行并保存错误报告")
    p.add_argument("--json", action="store_true", help="以 JSON 输出报告")
    p.set_defaults(func=cmd_import_courses)

    p = sub.add_parser("courses", help="课程与活动：各班各月的心理课和活动、本学期课时进度、未达标的班级")
    p.add_argument("--semester", default="", help="学期（如 2026-2027-1，或学期中的一天）；默认当前学期")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_courses)

    p = sub.add_parser("courses-norms", help="查看或选择课程规范（青岛、黑龙江、宁夏）")
    p.add_argument("--use", default="", help="改用这一规范：qingdao、heilongjiang 或 ningxia")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_norms)

    p = sub.add_parser("workload", help="教师工作量统计表（心理课、团体辅导、讲座、谈话、个体咨询及时长）")
    p.add_argument("--semester", default="", help="学期（如 2026-2027-1，或学期中的一天）；默认当前学期")
    p.add_argument("--out", type=Path, help="导出为 .xlsx（默认加密）或打印为 .pdf")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_export_options(p)
    add_force_option(p)
    p.set_defaults(func=cmd_workload)


def cmd_import_courses(args: argparse.Namespace) -> int:
    from app.courses.importer import apply_courses, preview_courses, summary

    session = open_from_args(args)
    try:
        preview = preview_courses(session, args.file)
        report = preview.as_json()
        rejected = bool(preview.errors) and not args.skip_invalid
        written = 0
        error_report = None
        if not args.dry_run and not rejected:
            result = apply_courses(session, preview, skip_invalid=args.skip_invalid)
            written, error_report = result.written, result.error_report
        report.update({"ok": not rejected, "dry_run": args.dry_run, "written": written, "error_report": error_report})
        if args.json:
            print_json(report)
        else:
            out(f"{preview.file}（工作表“{preview.sheet}”，表头在第 {preview.header_row} 行）")
            out(summary(preview))
            for e in preview.errors:
                out(f"  第 {e.row} 行  {e.field}：{e.reason}")
            if rejected:
                err("有无效行，未写入任何数据。请修改后重新导入，或加 --skip-invalid 跳过无效行。")
            elif args.dry_run:
                out("（试运行：未写入）")
            else:
                out(f"已写入 {written} 条记录。" + (" " + report_saved_text(error_report) if error_report else ""))
        return EXIT_REJECTED if rejected else EXIT_OK
    finally:
        session.close()


def cmd_courses(args: argparse.Namespace) -> int:
    import datetime as dt

    from app import clock
    from app.courses.norms import current_norms
    from app.courses.progress import class_grid, find_semester, semester_progress

    session = open_from_args(args)
    try:
        sem = find_semester(session.db, args.semester)
        today = clock.today()
        grid = class_grid(session, dt.date.fromisoformat(sem.start_date), dt.date.fromisoformat(sem.end_date),
                          today=today)
        progress = {p.class_id: p for p in semester_progress(session, sem, today=today)}
        norms = current_norms(session.db)
        data: dict[str, Any] = {"semester": sem.name, "norms": {"key": norms.key, "name": norms.name, "rules": norms.describe()},
                "months": [m.label for m in grid.months],
                "classes": [{"class": r.name, "class_id": r.class_id,
                             "months": {m: {"lessons": c.lessons, "periods": c.periods, "activities": c.activities,
                                            "lessons_short": c.lessons_short, "activities_short": c.activities_short}
                                        for m, c in r.cells.items()},
                             "lessons": r.lessons, "hours": r.hours, "hours_target": progress[r.class_id].target,
                             "hours_due": progress[r.class_id].due_now, "short_months": r.short_months,
                             "behind": progress[r.class_id].behind} for r in grid.rows]}
        if args.json:
            print_json(data)
            return EXIT_OK
        out(f"{sem.name}  规范：{norms.name}")
        for line in norms.describe():
            out(f"  {line}")
        for r in data["classes"]:
            cells = "  ".join(f"{m[5:]}月 课{v['lessons']}{'!' if v['lessons_short'] else ''}"
                              f"/活{v['activities']}{'!' if v['activities_short'] else ''}"
                              for m, v in r["months"].items())
            target = f"/{r['hours_target']:g}" if r["hours_target"] is not None else ""
            out(f"{r['class']}：课时 {r['hours']:g}{target}  {cells}" + ("  【未达标】" if r["behind"] else ""))
        return EXIT_OK
    finally:
        session.close()


def cmd_norms(args: argparse.Namespace) -> int:
    from app.courses.norms import choose_norms, current_norms, shipped_profiles

    session = open_from_args(args)
    try:
        norms = choose_norms(session, args.use) if args.use else current_norms(session.db)
        if args.json:
            print_json({"current": norms.raw, "profiles": {k: p.name for k, p in shipped_profiles().items()}})
            return EXIT_OK
        out(("已改用规范：" if args.use else "当前规范：") + norms.name)
        for line in norms.describe():
            out(f"  {line}")
        if norms.source:
            out(f"  依据：{norms.source}")
        return EXIT_OK
    finally:
        session.close()


def cmd_workload(args: argparse.Namespace) -> int:
    from app.courses.workload import HEADERS, export_workload, print_workload, workload_for

    target = check_out_path(args.out, data_dir(args), [".xlsx", ".pdf"], force=args.force) if args.out else None
    is_pdf = target is not None and target.suffix.lower() == ".pdf"
    password, plain = export_protection(args) if target is not None and not is_pdf else (None, False)
    session = open_from_args(args)
    try:
        sheet = workload_for(session, args.semester)
        if target is not None:
            if is_pdf:
                print_workload(session, sheet, target)
                out(f"已生成工作量统计表（PDF）：{target}")
            else:
                export_workload(session, sheet, target, password=password, plain=plain)
                out(f"已导出 {len(sheet.rows)} 位教师的工作量到 {target}"
                    + ("（已加密，打开时需输入导出密码）" if password else "（未加密）"))
            return EXIT_OK
        if args.json:
            print_json(sheet.as_json())
            return EXIT_OK
        out(f"{sheet.semester.name} 工作量统计")
        out("  ".join(HEADERS))
        for r in [*sheet.rows, sheet.total]:
            out("  ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in r.cells()))
        return EXIT_OK
    finally:
        session.close()
