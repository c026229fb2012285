"""workbench: the headless 工作台, in the page's display order."""
from __future__ import annotations

import argparse
import datetime as dt

from app import clock
from app.console import EXIT_OK, open_from_args, out, print_json
from app.errors import InputRejected

URGENCY_LABELS = {"same_day": "当天复核", "crisis": "紧急", "urgent": "紧急", "overdue": "逾期", "normal": ""}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workbench", help="工作台：今天要做的事（当天复核、危机步骤、待复核访谈……），按窗口中的顺序")
    p.add_argument("--date", help="按哪一天列出（默认今天），如 2026-10-20")
    p.add_argument("--json", action="store_true",
                   help="以 JSON 输出：每项 {group, title, student, class, due, urgency, source}")
    p.set_defaults(func=cmd_workbench)


def cmd_workbench(args: argparse.Namespace) -> int:
    from app.workbench import display_rows

    today = clock.today()
    if args.date:
        try:
            today = dt.date.fromisoformat(args.date.strip())
        except ValueError:
            raise InputRejected(f"日期“{args.date}”无法识别，请写成 2026-10-20 的形式。") from None
    session = open_from_args(args)
    try:
        rows = display_rows(session, today)
        if args.json:
            print_json(rows)
            return EXIT_OK
        group = None
        for r in rows:
            if r["group"] != group:
                group = r["group"]
                out(f"【{group}】")
            mark = URGENCY_LABELS[r["urgency"]]
            out(f"  {'[' + mark + '] ' if mark else ''}{r['title']}" + (f"（{r['due']}）" if r["due"] else ""))
        out(f"共 {len(rows)} 项" if rows else "今天没有待办事项。")
        return EXIT_OK
    finally:
        session.close()
