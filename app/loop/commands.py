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
            value = f"{f.value}" + (f"/{f.target}" if f.target is not None else "") + f.unit
            flag = "" if f.ok is None else ("  达标" if f.ok else "  未达标")
            out(f"  {f.title}：{value}{flag}")
            missing = [e.label for e in f.evidence if e.missing]
            if missing:
                out("    缺：" + "、".join(missing[:10]) + ("……" if len(missing) > 10 else ""))
        return EXIT_OK
    finally:
        session.close()


def cmd_loop(args: argparse.Namespace) -> int:
    from app.loop.checklist import LEDGERS
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
        for key, name in LEDGERS.items():
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
