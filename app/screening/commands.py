"""score, import-screening, ledger, campaigns."""
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
from app.errors import InputRejected
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="给一组答案计分（不需要打开数据库）")
    p.add_argument("--scale", required=True, help="量表编号，如 phq9、gad7")
    p.add_argument("--answers", required=True, help="各题分值，逗号分隔，如 0,1,2,3；空位表示缺答")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("import-screening", help="导入测评平台导出的结果文件（.xlsx / .xls / .ods / .csv）")
    p.add_argument("file", type=Path)
    p.add_argument("--scale", required=True, help="量表编号，如 phq9")
    p.add_argument("--campaign", required=True, help="测评活动名称（不存在时自动创建）")
    p.add_argument("--sheet", help="工作表名称（默认第一个工作表）")
    p.add_argument("--profile", help="已保存的导入配置（列对应关系）名称")
    p.add_argument("--map", action="append", default=[], metavar="字段=表头",
                   help="调整列对应关系，如 name=您的姓名、item:9=第11题（字段：registry_no id_number name class grade "
                        "taken_on total item:题号）")
    p.add_argument("--coding", choices=["score", "option", "text"],
                   help="答案编码：score 分值（PHQ-9 从 0 起）、option 选项序号（从 1 起）、text 选项文字；默认自动识别，"
                        "无法识别时退出码 3 并提示加此参数")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--skip-invalid", action="store_true", help="跳过无效行，写入其余行并保存错误报告")
    p.add_argument("--confirm-name-matches", action="store_true",
                   help="按“姓名+班级”对应到的学生也写入（默认只报告，等待确认）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出报告")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("ledger", help="分级分类干预台账：列出或导出")
    p.add_argument("--level", type=int, choices=[1, 2, 3], help="预警等级")
    p.add_argument("--status", choices=["pending_review", "confirmed", "released", "active"], help="状态")
    p.add_argument("--grade", help="年级")
    p.add_argument("--class", dest="class_name", help="班级")
    p.add_argument("--category", default="", help="类别（如 自伤风险、抑郁情绪）")
    p.add_argument("--campaign", help="测评活动名称")
    p.add_argument("--format", choices=["json", "xlsx", "csv"], default=None, help="输出格式（默认：文字表格）")
    p.add_argument("--out", type=Path, help="导出文件路径（xlsx / csv 必填，json 可选）")
    add_force_option(p)
    add_export_options(p)
    p.add_argument("--history", action="store_true", help="JSON 中包含等级变化记录")
    p.set_defaults(func=cmd_ledger)

    p = sub.add_parser("campaigns", help="列出测评活动及各班进度")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_campaigns)


def cmd_score(args: argparse.Namespace) -> int:
    from app.screening.scales import get_scale
    from app.screening.scoring import parse_answers, score

    scale = get_scale(args.scale)
    result = score(scale, parse_answers(args.answers))
    if args.json:
        data = result.as_json()
        data["scale_name"] = scale.short_name
        print_json(data)
    else:
        out(f"{scale.short_name}：{scale.score_label} {result.total_display}" + (f"，{result.band_label}" if result.band_label else ""))
        for f in result.flags:
            out(("【关键】" if f.critical else "") + f.label)
        for sub in scale.subscales:
            if sub.id in result.subscales:
                out(f"  {sub.label}：{result.subscales[sub.id]:g}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from app.screening.importer import apply_screening, preview_screening, screening_map

    session = open_from_args(args)
    try:
        fields, items = screening_map(args.map)
        preview = preview_screening(session, args.file, args.scale, campaign=args.campaign, profile=args.profile,
                                    sheet=args.sheet, mapping=fields, item_mapping=items, coding=args.coding)
        report = preview.as_json()
        rejected = bool(preview.errors) and not args.skip_invalid
        written = None
        if not args.dry_run and not rejected:
            written = apply_screening(session, preview, args.campaign, skip_invalid=args.skip_invalid,
                                      confirm_name_matches=args.confirm_name_matches)
        report.update({"ok": not rejected, "dry_run": args.dry_run, "campaign": args.campaign,
                       "written": written.written if written else 0,
                       "skipped_name_matches": written.skipped_name_matches if written else 0,
                       "levels": written.as_json()["levels"] if written else {},
                       "error_report": written.error_report if written else None})
        if args.json:
            print_json(report)
        else:
            c = preview.counts()
            out(f"{preview.file}（工作表“{preview.sheet}”，表头在第 {preview.header_row} 行，"
                f"{'各题作答，答案按' + preview.coding_label + '读取' if preview.mode == 'items' else '仅总分'}）")
            for n, text, column, how in preview.item_lines():
                out(f"  {n} ← “{column}”（{how}）" + ("" if how == "按题目文字" else f"　{text[:16]}"))
            out(f"有效 {c['valid']}，无效 {c['invalid']}，重复 {c['duplicates']}，需确认姓名对应 {c['name_matches']}，"
                f"关键题阳性 {c['critical']}")
            for e in preview.errors:
                out(f"  第 {e.row} 行  {e.field}：{e.reason}")
            for w in preview.warnings:
                out(f"  提示：第 {w.row} 行  {w.field}：{w.reason}")
            for m in preview.name_matches:
                out(f"  待确认：第 {m.sheet_row} 行按姓名和班级对应到 {m.class_name} {m.name}（{m.registry_no}）")
            if rejected:
                err("有无效行，未写入任何数据。请修改后重新导入，或加 --skip-invalid 跳过无效行。")
            elif args.dry_run:
                out("（试运行：未写入）")
            elif written:
                lv = "，".join(f"{k}级 {v} 人" for k, v in sorted(written.levels.items())) or "无预警"
                out(f"已写入 {written.written} 份结果（{lv}）。")
                if written.error_report:
                    out(report_saved_text(written.error_report))
                if written.skipped_name_matches:
                    out(f"{written.skipped_name_matches} 行按姓名对应的结果未写入；确认无误后加 --confirm-name-matches 重新导入。")
        return EXIT_REJECTED if rejected else EXIT_OK
    finally:
        session.close()


def cmd_ledger(args: argparse.Namespace) -> int:
    from app.school.classes import require_class
    from app.school.classnames import parse_grade
    from app.screening.campaigns import find_campaign
    from app.screening.export import export_ledger
    from app.screening.ledger import LedgerFilter, ledger_rows

    fmt = args.format
    if fmt in ("xlsx", "csv") and not args.out:
        raise InputRejected(f"导出 {fmt} 需要用 --out 指定文件路径。")
    out_file = None
    password, plain = None, False
    if args.out and fmt in ("xlsx", "csv", "json"):
        out_file = check_out_path(args.out, data_dir(args), [f".{fmt}"], force=args.force)
        password, plain = export_protection(args, encryptable=fmt == "xlsx")
    session = open_from_args(args)
    try:
        flt = LedgerFilter(level=args.level, status=args.status, category=args.category)
        if args.grade:
            flt.grade = parse_grade(args.grade)
            if flt.grade is None:
                raise InputRejected(f"无法识别年级“{args.grade}”。")
        if args.class_name:
            flt.class_id = require_class(session.db, args.class_name).id
        if args.campaign:
            camp = find_campaign(session.db, args.campaign)
            if camp is None:
                raise InputRejected(f"没有名为“{args.campaign}”的测评活动。")
            flt.campaign_id = camp.id
        rows = ledger_rows(session, flt, with_history=args.history)
        if fmt in ("xlsx", "csv") or (fmt == "json" and args.out):
            assert out_file is not None
            path = export_ledger(session, rows, fmt, out_file, password=password, plain=plain)
            out(f"已导出 {len(rows)} 条台账记录到 {path}" + ("（已加密，打开时需输入导出密码）" if password else "（未加密）"))
        elif fmt == "json":
            session.audit("export", "screening_ledger:stdout", {"format": "json", "rows": len(rows)})
            print_json([r.as_json() for r in rows])
        else:
            session.audit("export", "screening_ledger:stdout", {"format": "text", "rows": len(rows)})
            if rows:
                out("学籍号\t姓名\t班级\t得分\t状态\t等级\t复核截止")
            for r in rows:
                out(f"{r.registry_no}\t{r.name}\t{r.class_name}\t{r.scores or '—'}\t{r.status_label}"
                    f"\t{'一二三'[r.level - 1] + '级' if r.level else '—'}"
                    f"\t{r.due_date if r.status == 'pending_review' else '—'}")
            out(f"共 {len(rows)} 条")
        return EXIT_OK
    finally:
        session.close()


def cmd_campaigns(args: argparse.Namespace) -> int:
    from app.screening.campaigns import list_campaigns, progress

    session = open_from_args(args)
    try:
        data: list[dict[str, Any]] = []
        for c in list_campaigns(session.db):
            prog = progress(session, c.id)
            data.append({"name": c.name, "semester": c.semester_name, "window_end": c.window_end,
                         "deadlines": c.deadlines,
                         "scales": {str(g): s for g, s in c.scales.items()},
                         "classes": [{"class_name": p.class_name, "targets": p.targets, "done": p.done,
                                      "missing": p.missing, "absent": p.absent, "refused": p.refused} for p in prog]})
        if args.json:
            print_json(data)
        else:
            for d in data:
                done = sum(p["done"] for p in d["classes"])
                total = sum(p["targets"] - p["refused"] for p in d["classes"])
                out(f"{d['name']}（截止 {d['window_end']}）：完成 {done}/{total}")
        return EXIT_OK
    finally:
        session.close()
