"""crisis: list and show crisis cases, open one, the referral directory, the manual, incidents."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.console import (
    EXIT_OK,
    EXIT_USAGE,
    add_export_options,
    data_dir,
    export_protection,
    open_from_args,
    out,
    print_json,
)
from app.errors import InputRejected
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crisis", help="心理危机干预个案")
    p.set_defaults(func=lambda args: _usage(p))
    cs = p.add_subparsers(dest="crisis_command", metavar="操作")

    q = cs.add_parser("list", help="列出危机个案（班主任只看到本班学生）")
    q.add_argument("--open", action="store_true", help="只列进行中的个案")
    q.add_argument("--overdue", action="store_true", help="只列有逾期步骤的个案")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list)

    q = cs.add_parser("show", help="显示一个个案的步骤、材料和跟踪记录")
    q.add_argument("id", type=int, help="个案编号")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_show)

    q = cs.add_parser("open", help="建立危机个案（发现与报告）")
    q.add_argument("--student", required=True, help="学籍号")
    q.add_argument("--level", required=True, help="一般、严重 或 重大")
    q.add_argument("--source", required=True, help="测评筛查、心理委员报告、教师发现、家长反映、学生本人求助、意外事件")
    q.add_argument("--summary", required=True, help="个案概况（普通级，班主任可见）")
    q.add_argument("--note", default="", help="保密记录（仅心理教师可见）")
    q.add_argument("--owner", default="", help="负责人（默认当前账号）")
    q.add_argument("--at", default=None, help="发现时间，如 2026-11-20T14:30（默认现在）")
    q.add_argument("--reporter", default="", help="报告人")
    q.add_argument("--reported-at", default=None, help="报告时间（默认同发现时间）")
    q.add_argument("--alert", type=int, default=None, help="由哪一条当天复核事项开立（workbench --json 的 source 编号）")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_open)

    _institution_parsers(cs)

    q = cs.add_parser("export", help="导出危机干预与转介台账（.xlsx）")
    q.add_argument("file", help="输出文件，如 危机台账.xlsx")
    q.add_argument("--open", action="store_true", help="只导出进行中的个案")
    q.add_argument("--confidential", action="store_true", help="包含保密记录（仅心理教师）")
    add_force_option(q)
    add_export_options(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_export)

    q = cs.add_parser("incidents", help="列出意外事件记录")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_incidents)

    q = cs.add_parser("rules", help="显示或修改危机干预流程（各等级的必需步骤和期限）")
    q.add_argument("--set", metavar="FILE", help="用 JSON 文件替换流程（管理员）")
    q.add_argument("--reset", action="store_true", help="恢复默认流程（管理员）")
    q.add_argument("--weeks", type=int, help="复学后跟踪的周数（管理员）")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_rules)

    _institution_parsers(sub, top=True)


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help()
    return EXIT_USAGE


def _institution_parsers(sub: argparse._SubParsersAction, top: bool = False) -> None:
    p = sub.add_parser("institutions", help="转介机构名录" + ("（同 crisis institutions）" if top else ""))
    p.set_defaults(func=lambda args: _usage(p))
    ps = p.add_subparsers(dest="institutions_command", metavar="操作")
    q = ps.add_parser("list", help="列出转介机构")
    q.add_argument("--all", action="store_true", help="包括已停用的")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_institutions_list)
    q = ps.add_parser("add", help="添加转介机构（管理员）")
    q.add_argument("--name", required=True)
    q.add_argument("--department", default="", help="科室")
    q.add_argument("--phone", default="")
    q.add_argument("--green", action="store_true", help="转介绿色通道定点机构")
    q.add_argument("--address", default="")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_institutions_add)


def cmd_list(args: argparse.Namespace) -> int:
    from app.crisis.cases import list_cases
    from app.crisis.model import short

    session = open_from_args(args)
    try:
        rows = list_cases(session, open_only=args.open, overdue_only=args.overdue)
        if args.json:
            print_json([r.as_json() for r in rows])
        else:
            for r in rows:
                late = f"\t逾期 {r.overdue_steps} 步" if r.overdue_steps else ""
                nxt = f"\t下一步：{r.next_step} {short(r.next_due)}" if r.next_step else ""
                out(f"{r.id}\t{r.registry_no}\t{r.student_name}\t{r.class_name}\t{r.level_label}\t{r.status_label}"
                    f"\t{short(r.opened_at)}{nxt}{late}")
            out(f"共 {len(rows)} 个个案")
        return EXIT_OK
    finally:
        session.close()


def cmd_show(args: argparse.Namespace) -> int:
    from app.crisis.cases import get_case
    from app.crisis.model import short

    session = open_from_args(args)
    try:
        case = get_case(session, args.id)
        if args.json:
            print_json(case.as_json())
            return EXIT_OK
        r = case.row
        out(f"个案 {r.id}：{r.student_name}（{r.registry_no}，{r.class_name}） "
            f"{r.level_label}心理危机 {r.status_label}")
        out(f"来源：{r.source_label}  负责人：{r.owner}  发现时间：{short(r.opened_at)}")
        out(f"概况：{r.summary}")
        if case.note:
            out(f"保密记录：{case.note}")
        for s in case.steps:
            mark = {"done": "✓", "skipped": "—"}.get(s.status, "红" if s.overdue else "□")
            line = f"{mark} {s.name}\t{s.status_label}\t截止 {short(s.due_at) or '—'}"
            if s.done_at:
                line += f"\t{short(s.done_at)} {s.done_by}"
            if s.skip_reason:
                line += f"\t理由：{s.skip_reason}"
            out(line)
        if case.closing_note:
            out(f"结案说明：{case.closing_note}")
        return EXIT_OK
    finally:
        session.close()


def cmd_open(args: argparse.Namespace) -> int:
    from app.archive.students import find_by_registry
    from app.crisis.cases import open_case
    from app.crisis.rules import parse_level, parse_source

    session = open_from_args(args)
    try:
        student = find_by_registry(session.db, session.account, args.student)
        if student is None:
            raise InputRejected(f"找不到学籍号为 {args.student} 的学生。")
        case_id = open_case(session, student.id, parse_level(args.level), parse_source(args.source),
                            summary=args.summary, note=args.note, owner=args.owner, discovered_at=args.at,
                            reported_by=args.reporter, reported_at=args.reported_at, alert_id=args.alert)
        if args.json:
            print_json({"ok": True, "id": case_id})
        else:
            out(f"已建立危机个案，编号 {case_id}。")
        return EXIT_OK
    finally:
        session.close()


def cmd_export(args: argparse.Namespace) -> int:
    from app.crisis.export import export_xlsx

    target = check_out_path(args.file, data_dir(args), [".xlsx"], force=args.force)
    password, plain = export_protection(args)
    session = open_from_args(args)
    try:
        n = export_xlsx(session, target, open_only=args.open, with_confidential=args.confidential, password=password,
                        plain=plain)
        if args.json:
            print_json({"ok": True, "cases": n, "file": str(args.file), "encrypted": password is not None})
        else:
            out(f"已导出 {n} 个危机个案到 {args.file}。")
        return EXIT_OK
    finally:
        session.close()


def cmd_institutions_list(args: argparse.Namespace) -> int:
    from app.crisis.institutions import list_institutions

    session = open_from_args(args)
    try:
        rows = list_institutions(session, include_inactive=args.all)
        if args.json:
            print_json([i.as_json() for i in rows])
        else:
            for i in rows:
                green = "绿色通道" if i.green_channel else ""
                out(f"{i.id}\t{i.name}\t{i.department}\t{i.phone}\t{green}\t{i.address}")
            out(f"共 {len(rows)} 个机构")
        return EXIT_OK
    finally:
        session.close()


def cmd_institutions_add(args: argparse.Namespace) -> int:
    from app.crisis.institutions import add_institution

    session = open_from_args(args)
    try:
        inst_id = add_institution(session, args.name, department=args.department, phone=args.phone,
                                  green_channel=args.green, address=args.address)
        if args.json:
            print_json({"ok": True, "id": inst_id})
        else:
            out(f"已添加转介机构，编号 {inst_id}。")
        return EXIT_OK
    finally:
        session.close()


def cmd_incidents(args: argparse.Namespace) -> int:
    from app.crisis.incidents import list_incidents
    from app.crisis.model import short

    session = open_from_args(args)
    try:
        rows = list_incidents(session)
        if args.json:
            print_json([i.as_json() for i in rows])
            noted = [i.id for i in rows if i.note]   # the JSON carries the confidential notes (counselors only)
            if noted:
                session.audit("view_confidential", "crisis_incidents", {"incidents": noted})
        else:
            for i in rows:
                told = "、".join(f"{n.party_label} {short(n.told_at)}" for n in i.notices)
                out(f"{i.id}\t{short(i.occurred_at)}\t{i.student_name}\t{i.what}\t已通知：{told or '无'}")
            out(f"共 {len(rows)} 条")
        return EXIT_OK
    finally:
        session.close()


def cmd_rules(args: argparse.Namespace) -> int:
    from app.crisis.manual import reset_rules, save_rules, set_follow_up_weeks
    from app.crisis.rules import load_rules

    session = open_from_args(args)
    try:
        if args.set:
            try:
                raw = json.loads(Path(args.set).read_text("utf-8"))
            except (OSError, json.JSONDecodeError) as e:
                raise InputRejected(f"无法读取流程文件：{e}") from None
            rules = save_rules(session, raw, f"从文件 {Path(args.set).name} 导入")
        elif args.reset:
            rules = reset_rules(session)
        elif args.weeks is not None:
            rules = set_follow_up_weeks(session, args.weeks)
        else:
            rules = load_rules(session.db)
        if args.json:
            print_json(rules.raw)
        else:
            from app.crisis.rules import LEVEL_LABELS, LEVELS

            out(f"复学后跟踪：{rules.follow_up_weeks} 周")
            for s in rules.steps:
                dues = []
                for lv in LEVELS:
                    spec = s.due.get(lv)
                    if spec:
                        n = spec.get("days") and f"{spec['days']} 天" or f"{spec.get('hours', 0)} 小时"
                        dues.append(f"{LEVEL_LABELS[lv]} {n}")
                    else:
                        dues.append(f"{LEVEL_LABELS[lv]} 不要求")
                base = "发现后" if s.anchor == "opened" else "上一步完成后"
                out(f"{s.name}\t{base}\t{'；'.join(dues)}")
        return EXIT_OK
    finally:
        session.close()
