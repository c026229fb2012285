"""report: the semester report PDF."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.console import EXIT_OK, data_dir, open_from_args, out
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    from app.indicators.periods import PERIOD_HELP

    p = sub.add_parser("report", help="生成学期报告（PDF）：各项指标、统计图、封面和目录")
    p.add_argument("--semester", required=True, metavar="ID",
                   help="学期：" + PERIOD_HELP.split("；学期 ", 1)[-1].split("；学年")[0])
    p.add_argument("--out", type=Path, required=True, help="输出的 .pdf 文件")
    add_force_option(p)
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from app.reports.semester import semester_period, write_semester_report

    target = check_out_path(args.out, data_dir(args), [".pdf"], force=args.force)
    session = open_from_args(args)
    try:
        period = semester_period(session, args.semester)
        written = write_semester_report(session, period, target)
        out(f"已生成 {period.label} 学期报告（共 {written.pages} 页）：{target}")
        return EXIT_OK
    finally:
        session.close()
