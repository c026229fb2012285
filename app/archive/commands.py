"""students: list and search the roster (the head teacher sees only their class); tag-tiers: the tier of each focus
tag category."""
from __future__ import annotations

import argparse

from app.console import EXIT_OK, open_from_args, out, print_json
from app.errors import InputRejected
from app.policy import require, sees_focus_tags, sees_warning_levels
from app.school.classnames import parse_grade


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("students", help="列出或搜索学生")
    p.add_argument("--grade", help="年级，如 七年级、初一、7")
    p.add_argument("--class", dest="class_name", help="班级，如 七年级（3）班、初一3班、7.3")
    p.add_argument("--search", default="", help="姓名、拼音、首字母或学籍号")
    p.add_argument("--tag", help="重点关注类别（班主任：普通级的类别；管理员不能使用）")
    p.add_argument("--level", type=int, choices=[1, 2, 3],
                   help="预警等级（班主任：只含心理教师已复核的；管理员不能使用）")
    p.add_argument("--all", action="store_true", help="包括转出、毕业的学生")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_students)

    p = sub.add_parser("tag-tiers", help="查看或设置重点关注类别的保密级别（保密级的标签只有心理教师能看到）")
    p.add_argument("--set", action="append", default=[], metavar="类别=级别",
                   help="如 情感危机=confidential 或 早期心理创伤=ordinary（级别：ordinary 普通、confidential 保密）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tag_tiers)


def cmd_students(args: argparse.Namespace) -> int:
    from app.archive.students import StudentFilter, list_students
    from app.school.classes import require_class

    session = open_from_args(args)
    try:
        # A 管理员 sees no tags and no warning levels: filtering by them is refused, not answered empty.
        if args.tag:
            require(session, sees_focus_tags, "按重点关注标签筛选学生")
        if args.level:
            require(session, sees_warning_levels, "按预警等级筛选学生")
        flt = StudentFilter(search=args.search, tag=args.tag, level=args.level, include_left=args.all)
        if args.grade:
            flt.grade = parse_grade(args.grade)
            if flt.grade is None:
                raise InputRejected(f"无法识别年级“{args.grade}”。")
        if args.class_name:
            flt.class_id = require_class(session.db, args.class_name).id
        rows = list_students(session.db, session.account, flt)
        if args.json or args.tag or args.level:
            # Names with their tags and warning levels leave the window here: audited like an export.
            session.audit("export", "students:stdout", {"format": "json" if args.json else "text",
                                                        "rows": len(rows), "tag": args.tag, "level": args.level})
        if args.json:
            print_json([s.as_json() for s in rows])
        else:
            for s in rows:
                out(f"{s.registry_no}\t{s.name}\t{s.gender}\t{s.birth_date}\t{s.class_name}\t{s.status}")
            out(f"共 {len(rows)} 人")
        return EXIT_OK
    finally:
        session.close()


def cmd_tag_tiers(args: argparse.Namespace) -> int:
    from app.archive.tags import TIER_LABELS, set_tag_tier, tag_tiers
    from app.policy import can_set_tag_tiers

    session = open_from_args(args)
    try:
        require(session, can_set_tag_tiers, "查看或设置关注标签的保密级别")
        for item in args.set:
            tag, sep, tier = item.partition("=")
            if not sep:
                raise InputRejected(f"--set {item}：请写成 类别=级别，如 情感危机=confidential。")
            set_tag_tier(session, tag.strip(), tier.strip())
        tiers = tag_tiers(session.db)
        if args.json:
            print_json([{"tag": t, "tier": tier, "tier_label": TIER_LABELS[tier]} for t, tier in tiers.items()])
        else:
            for t, tier in tiers.items():
                out(f"{t}\t{TIER_LABELS[tier]}")
        return EXIT_OK
    finally:
        session.close()
