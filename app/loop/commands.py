"""indicators (every figure for a period) and loop (a month's closed-loop checklist, its summary PDF)."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.console import EXIT_OK, data_dir, open_from_args, out, print_json
from app.indicators.periods import PERIOD_HELP
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("indicators", help="某期的全部指标（人员配备、测评、危机、谈话与家校、课程、培训、预警网络、闭环）")
    p.add_argument("--period", required=True, help=PERIOD_HELP)
    p.add_argument("--json", action="store_true", help="以 JSON 输出：以指标键为键的对象")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("loop", help="每月“心育”闭环清单：台账 A–D 各项的状态、数值和依据")
    p.add_argument("--month", required=True, help="月份（年-月），如 2026-11")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--summary", type=Path, help="另存该月小结 PDF 到此文件")
    add_force_option(p)
    p.set_defaults(func=cmd_loop)

    p = sub.add_parser("loop-checklist", help="导出或导入学校的心育闭环清单（JSON，可修改台账、项目和对应指标）")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--export", type=Path, help="把当前清单写到此 .json 文件")
    g.add_argument("--import", dest="import_file", type=Path, help="从此 .json 文件读入修改后的清单，保存在保险库中")
    add_force_option(p)
    p.set_defaults(func=cmd_loop_checklist)


def cmd_indicators(args: argparse.Namespace) -> int:
    from app.indicators.compute import compute
    from app.indicators.periods import parse_period

    session = open_from_args(args)
    try:
        period = parse_period(session.db, args.period)
        figures = compute(session, period)
        session.audit("export", "indicators:stdout", {"period": period.label, "format": "json" if args.json else "text"})
        if args.json:
            print_json({f.key: f.as_json() for f in figures})
            return EXIT_OK
        out(f"指标 {period.label}（{period.start_iso} 至 {period.end_iso}）")
        for f in figures:
            value = f"{f.value}" + (f"/{f.target}" if f.target else "") + f.unit + ("（应为 0）" if f.target == 0 else "")
            flag = "" if f.ok is None else ("  达标" if f.ok else "  未达标")
            out(f"  {f.title}：{value}{flag}")
            missing = [e.label for e in f.evidence if e.missing]
            if missing:
                out("    缺：" + "、".join(missing[:10]) + ("……" if len(missing) > 10 else ""))
        return EXIT_OK
    finally:
        session.close()


def cmd_loop(args: argparse.Namespace) -> int:
    from app.loop.months import STATUS_LABELS, month_sheet, parse_month
    from app.loop.summary import write_summary

    month = parse_month(args.month)
    target = check_out_path(args.summary, data_dir(args), [".pdf"], force=args.force) if args.summary else None
    session = open_from_args(args)
    try:
        sheet = month_sheet(session, month)
        session.audit("export", "loop:stdout", {"month": month, "format": "json" if args.json else "text"})
        if target is not None:
            write_summary(session, month, target)
        if args.json:
            print_json(sheet.as_json())
            return EXIT_OK
        out(f"心育闭环 {month}（{'已关闭' if sheet.closed else '未关闭'}）")
        for key, name in sheet.ledgers.items():
            out(f"台账 {key} {name}")
            for it in sheet.ledger(key):
                out(f"  [{STATUS_LABELS[it.status]}] {it.title}：{it.value or '—'}")
                missing = [e.label for e in it.evidence if e.missing]
                if missing:
                    out("    缺：" + "、".join(missing[:10]) + ("……" if len(missing) > 10 else ""))
        if target is not None:
            out(f"已生成小结：{target}")
        return EXIT_OK
    finally:
        session.close()


def cmd_loop_checklist(args: argparse.Namespace) -> int:
    import json

    from app.errors import InputRejected
    from app.loop.checklist import checklist_raw, save_checklist

    target = check_out_path(args.export, data_dir(args), [".json"], force=args.force) if args.export else None
    session = open_from_args(args)
    try:
        if target is not None:
            target.write_text(json.dumps(checklist_raw(session.db), ensure_ascii=False, indent=2), "utf-8")
            out(f"已导出心育闭环清单：{target}")
            return EXIT_OK
        try:
            raw = json.loads(Path(args.import_file).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InputRejected(f"无法读取清单文件“{args.import_file}”：应为 UTF-8 编码的 JSON 文件"
                                f"（可先用 --export 导出再修改）。") from e
        checklist = save_checklist(session, raw)
        out(f"已保存心育闭环清单（{len(checklist.items)} 项）；之后新建的月份使用新清单，已建立的月份不变。")
        return EXIT_OK
    finally:
        session.close()
