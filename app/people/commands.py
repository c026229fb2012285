"""training (records, each person's cycle totals, who falls short, the cycle settings) and duty (the counseling
room's roster for a month, assign a day or a weekday pattern)."""
from __future__ import annotations

import argparse

from app.console import EXIT_OK, EXIT_USAGE, err, open_from_args, out, print_json
from app.errors import InputRejected

WEEKDAY_WORDS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("training", help="教职工培训：各人三年周期学时与要求对照、培训记录、登记培训")
    p.add_argument("--shortfall", action="store_true", help="只列未达到要求的人（学时不足，或专职教师本学年未接受督导）")
    p.add_argument("--date", default=None, help="按哪一天所在的周期计算（默认今天），如 2027-08-31")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_standings)
    ts = p.add_subparsers(dest="training_command", metavar="操作")

    q = ts.add_parser("list", help="列出培训记录（新的在前）")
    q.add_argument("--person", default="", help="只列这位教职工的记录（姓名）")
    q.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    q.set_defaults(func=cmd_list)

    q = ts.add_parser("add", help="登记一条培训记录")
    q.add_argument("--person", required=True, help="教职工姓名")
    q.add_argument("--date", required=True, dest="held_on", help="日期，如 2026-10-18")
    q.add_argument("--title", required=True, help="培训名称")
    q.add_argument("--level", required=True, help="级别：国家级、省级、市级、区县级、校级")
    q.add_argument("--kind", default="培训", help="类型：培训、督导、教研、岗前培训、其他（默认 培训）")
    q.add_argument("--hours", required=True, help="学时，如 4 或 1.5")
    q.add_argument("--note", default="", help="备注")
    q.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    q.set_defaults(func=cmd_add)

    q = ts.add_parser("settings", help="显示或修改培训周期的起始年份和各身份的三年学时要求")
    q.add_argument("--cycle-start", type=int, default=None, help="周期起始年份（当年 9 月 1 日起算三年），如 2024")
    q.add_argument("--norm", action="append", default=[], metavar="身份=学时",
                   help="如 专职=40、兼职=24、班主任=16、其他=8（可重复）")
    q.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    q.set_defaults(func=cmd_settings)

    p = sub.add_parser("duty", help="心理辅导室值班表：某月各上课日的值班人员和无人值班的日子；安排值班")
    p.add_argument("--month", default=None, help="月份（年-月），如 2026-11（默认本月）")
    p.add_argument("--set", dest="set_day", metavar="日期", help="安排某一天的值班（与 --person 一起用）")
    p.add_argument("--clear", dest="clear_day", metavar="日期", help="取消某一天的值班安排")
    p.add_argument("--weekly", metavar="星期=姓名,...", help="按星期安排，如 一=李老师,三=王老师（与 --from、--to 一起用）")
    p.add_argument("--from", dest="start", default=None, help="按星期安排的开始日期")
    p.add_argument("--to", dest="end", default=None, help="按星期安排的结束日期")
    p.add_argument("--keep", action="store_true", help="按星期安排时保留已安排的日子")
    p.add_argument("--person", default="", help="值班人员姓名")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_duty)


def _parse_norms(items: list[str]) -> dict[str, float]:
    words = {"专职": "psych_fulltime", "兼职": "psych_parttime", "班主任": "head_teacher", "其他": "other"}
    norms: dict[str, float] = {}
    for item in items:
        key, _, value = item.replace("＝", "=").partition("=")
        group = next((g for w, g in words.items() if w in key), None)
        if group is None or not value.strip():
            raise InputRejected(f"“{item}”应写成 专职=40、兼职=24、班主任=16 或 其他=8 的形式。")
        try:
            norms[group] = float(value)
        except ValueError:
            raise InputRejected(f"“{item}”中的学时“{value}”不是数字。") from None
    return norms


def cmd_standings(args: argparse.Namespace) -> int:
    from app.people.model import as_date
    from app.people.training import shortfall, standings

    day = as_date(args.date, "日期") if args.date else None
    session = open_from_args(args)
    try:
        cycle, rows = (shortfall if args.shortfall else standings)(session, day)
        if args.json:
            print_json({"cycle": {"start": cycle.start.isoformat(), "end": cycle.end.isoformat()},
                        "people": [r.as_json() for r in rows]})
            return EXIT_OK
        out(cycle.label + ("：未达到要求的人" if args.shortfall else ""))
        if not rows:
            out("  （无）" if args.shortfall else "  还没有在职教职工。")
        for r in rows:
            several = "，身兼数职按最高要求计" if r.several_roles else ""
            line = f"  {r.name}（{r.roles_label}{several}）：{r.hours_label}"
            if r.supervisions_needed:
                line += f"；本学年督导 {r.supervisions}/{r.supervisions_needed} 次"
            out(line + ("  【未达标】" if r.short else ""))
        return EXIT_OK
    finally:
        session.close()


def cmd_list(args: argparse.Namespace) -> int:
    from app.people.training import list_training
    from app.school.staff import find_staff

    session = open_from_args(args)
    try:
        sid = find_staff(session.db, args.person, active_only=False).id if args.person else None
        rows = list_training(session, staff_id=sid)
        if getattr(args, "json", False):
            print_json([r.as_json() for r in rows])
            return EXIT_OK
        for r in rows:
            out(f"{r.held_on}\t{r.person}\t{r.title}\t{r.level_label}\t{r.kind_label}\t{r.hours:g} 学时")
        if not rows:
            out("还没有培训记录。")
        return EXIT_OK
    finally:
        session.close()


def cmd_add(args: argparse.Namespace) -> int:
    from app.people.model import parse_kind, parse_level
    from app.people.training import add_training
    from app.school.staff import find_staff

    level, kind = parse_level(args.level), parse_kind(args.kind)
    session = open_from_args(args)
    try:
        person = find_staff(session.db, args.person)
        rid = add_training(session, person.id, args.held_on, args.title, level, kind, args.hours, args.note)
        if getattr(args, "json", False):
            print_json({"id": rid, "person": person.name})
        else:
            out(f"已登记：{person.name} {args.held_on} {args.title}（第 {rid} 号）。")
        return EXIT_OK
    finally:
        session.close()


def cmd_settings(args: argparse.Namespace) -> int:
    from app.people.model import NORM_GROUPS, load_settings
    from app.people.training import set_people_settings

    norms = _parse_norms(args.norm)
    session = open_from_args(args)
    try:
        if args.cycle_start is not None or norms:
            settings = set_people_settings(session, cycle_start_year=args.cycle_start, norms=norms)
        else:
            settings = load_settings(session.db)
        if getattr(args, "json", False):
            print_json(settings.as_json())
            return EXIT_OK
        out(f"培训周期起始年份：{settings.cycle_start_year}（每三年一个周期，9 月 1 日起）")
        for key, label in NORM_GROUPS.items():
            out(f"  {label}：三年 {settings.norms[key]:g} 学时")
        out(f"  专职心理教师每学年督导：至少 {settings.supervisions_per_year} 次")
        return EXIT_OK
    finally:
        session.close()


def _parse_weekly(text: str) -> dict[int, str]:
    pattern: dict[int, str] = {}
    for part in text.replace("，", ",").replace("、", ",").split(","):
        if not part.strip():
            continue
        day, _, name = part.replace("＝", "=").partition("=")
        day = day.strip().removeprefix("星期").removeprefix("周")
        if day not in WEEKDAY_WORDS or not name.strip():
            raise InputRejected(f"“{part}”应写成 一=李老师 的形式（星期用 一 二 三 四 五 六 日）。")
        pattern[WEEKDAY_WORDS[day]] = name.strip()
    return pattern


def cmd_duty(args: argparse.Namespace) -> int:
    from app import clock
    from app.people.duty import assign_duty, assign_pattern, month_range, roster
    from app.school.staff import find_staff

    modes = [m for m in (args.set_day, args.clear_day, args.weekly) if m]
    if len(modes) > 1:
        err("--set、--clear 和 --weekly 一次只能用一个。")
        return EXIT_USAGE
    if args.set_day and not args.person:
        err("--set 需要 --person 指定值班人员。")
        return EXIT_USAGE
    if args.weekly and not (args.start and args.end):
        err("--weekly 需要 --from 和 --to 指定日期范围。")
        return EXIT_USAGE
    weekly = _parse_weekly(args.weekly) if args.weekly else {}
    month = args.month or clock.today().strftime("%Y-%m")
    first, last = month_range(month)
    session = open_from_args(args)
    try:
        if args.set_day:
            assign_duty(session, args.set_day, find_staff(session.db, args.person).id)
            out(f"已安排 {args.set_day} 由 {args.person} 值班。")
        elif args.clear_day:
            assign_duty(session, args.clear_day, None)
            out(f"已取消 {args.clear_day} 的值班安排。")
        elif weekly:
            ids = {w: find_staff(session.db, name).id for w, name in weekly.items()}
            n = assign_pattern(session, args.start, args.end, ids, keep_existing=args.keep)
            out(f"已按星期安排 {n} 个上课日的值班。")
        if modes:
            return EXIT_OK
        days = roster(session, first, last)
        school = [d for d in days if d.school_day]
        uncovered = [d for d in school if d.uncovered]
        if args.json:
            print_json({"month": month, "school_days": len(school), "covered": len(school) - len(uncovered),
                        "uncovered": [d.day.isoformat() for d in uncovered], "days": [d.as_json() for d in school]})
            return EXIT_OK
        out(f"{month} 心理辅导室值班：上课日 {len(school)} 天，已安排 {len(school) - len(uncovered)} 天")
        for d in school:
            who = f"{d.person}（已离校）【无人值班】" if d.left else d.person or "【无人值班】"
            out(f"  {d.day.isoformat()} {d.weekday_label}  {who}")
        return EXIT_OK
    finally:
        session.close()
