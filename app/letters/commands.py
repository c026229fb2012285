"""letters (print a template for a student, a class or a ledger level), letter-templates, letter-list,
letter-delivered, letter-receipt."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.console import EXIT_OK, data_dir, open_from_args, out, print_json
from app.errors import InputRejected, UsageError
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    from app.letters.records import DELIVERY_METHODS
    from app.letters.templates import template_ids

    p = sub.add_parser("letters", help="打印家长告知书（PDF）：一名学生、一个班级或一个预警等级")
    p.add_argument("--template", required=True, choices=template_ids(), metavar="ID",
                   help="模板编号：" + "、".join(template_ids()))
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--student", metavar="REGISTRY_NO", help="学生的学籍号")
    who.add_argument("--class", dest="class_name", metavar="CLASS", help="班级，如 七年级（1）班 或 7.1")
    who.add_argument("--level", type=int, metavar="N", help="预警等级（1–4）的全部在读学生")
    p.add_argument("--out", type=Path, required=True, help="输出的 .pdf 文件")
    p.add_argument("--per-student", action="store_true", help="每名学生一个文件（写在 --out 旁，文件名加序号和姓名）")
    p.add_argument("--field", action="append", default=[], metavar="字段=内容",
                   help="模板的补充内容，如 --field 活动时间=12月20日下午2点（可重复）")
    p.add_argument("--institution", type=int, metavar="ID", help="转介建议书的转介机构编号（institutions 列出）")
    add_force_option(p)
    p.set_defaults(func=cmd_letters)

    p = sub.add_parser("letter-templates", help="列出家长告知书模板和补充内容字段")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("letter-list", help="已打印的家长告知书：送达和回执情况")
    p.add_argument("--student", metavar="REGISTRY_NO")
    p.add_argument("--batch", type=int, metavar="N", help="只列出这一批")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("letter-delivered", help="登记告知书已送达家长（可整批登记）")
    p.add_argument("ids", type=int, nargs="*", help="告知书编号（letter-list 列出）")
    p.add_argument("--batch", type=int, metavar="N", help="整批登记")
    p.add_argument("--how", required=True, choices=DELIVERY_METHODS, help="送达方式")
    p.add_argument("--date", help="送达日期（默认今天）")
    p.set_defaults(func=cmd_delivered)

    p = sub.add_parser("letter-receipt", help="登记告知书回执已交回（心理危机告知书同时完成个案的家长签署步骤）")
    p.add_argument("id", type=int, help="告知书编号")
    p.add_argument("--date", help="交回日期（默认今天）")
    p.set_defaults(func=cmd_receipt)


def _extras(pairs: list[str]) -> dict[str, str]:
    extras: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--field 应写成 字段=内容，例如 --field 活动时间=12月20日下午，而不是“{pair}”。")
        extras[key.strip()] = value.strip()
    return extras


def cmd_letters(args: argparse.Namespace) -> int:
    from app.archive.students import find_by_registry
    from app.letters.records import Selection, export_pdf, per_student_paths, prepare
    from app.letters.templates import shipped
    from app.school.classes import require_class

    extras = _extras(args.field)
    allowed = {f.key for f in shipped()[args.template].fields}
    unknown = [k for k in extras if k not in allowed]
    if unknown:
        raise UsageError(f"模板 {args.template} 没有补充内容字段 {'、'.join(unknown)}。"
                         f"可用的：{'、'.join(sorted(allowed)) or '（无）'}。")
    root = data_dir(args)
    target = check_out_path(args.out, root, [".pdf"], force=args.force or args.per_student)
    session = open_from_args(args)
    try:
        if args.student:
            found = find_by_registry(session.db, session.account, args.student.strip())
            if found is None:
                raise InputRejected(f"没有学籍号为 {args.student} 的学生（或不在本账号可见的范围内）。")
            sel = Selection(student_ids=(found.id,))
        elif args.class_name:
            sel = Selection(class_id=require_class(session.db, args.class_name).id)
        else:
            sel = Selection(level=args.level)
        prepared = prepare(session, args.template, sel, extras=extras, institution_id=args.institution)
        if args.per_student:
            for path in per_student_paths(target, prepared):
                check_out_path(path, root, [".pdf"], force=args.force)
        written = export_pdf(session, prepared, target, per_student=args.per_student)
        if args.per_student:
            out(f"已生成 {len(written.files)} 份告知书（每名学生一个文件），在 {target.parent}。")
        else:
            out(f"已生成 {len(prepared.letters)} 份告知书（共 {written.pages} 页）：{target}")
        out(f"批次编号 {written.batch_id}；送达后请用 letter-delivered --batch {written.batch_id} 登记。")
        return EXIT_OK
    finally:
        session.close()


def cmd_templates(args: argparse.Namespace) -> int:
    from app.letters.records import may_print
    from app.letters.templates import list_templates

    session = open_from_args(args)
    try:
        rows: list[dict[str, Any]] = [{"id": t.id, "title": t.title, "edited": t.edited, "may_print": may_print(session, t),
                 "head_teacher": t.head_teacher, "receipt": bool(t.receipt.strip()),
                 "fields": [{"key": f.key, "label": f.label, "default": f.default} for f in t.fields]}
                for t in list_templates(session.db)]
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                extra = "；补充内容：" + "、".join(f["key"] for f in r["fields"]) if r["fields"] else ""
                mark = "（已修改）" if r["edited"] else ""
                out(f"{r['id']:<18} {r['title']}{mark}{'' if r['may_print'] else '  [本账号不能打印]'}{extra}")
        return EXIT_OK
    finally:
        session.close()


def cmd_list(args: argparse.Namespace) -> int:
    from app.archive.students import find_by_registry
    from app.letters.records import list_letters

    session = open_from_args(args)
    try:
        sid = None
        if args.student:
            found = find_by_registry(session.db, session.account, args.student.strip())
            if found is None:
                raise InputRejected(f"没有学籍号为 {args.student} 的学生（或不在本账号可见的范围内）。")
            sid = found.id
        rows = list_letters(session, student_id=sid, batch_id=args.batch)
        session.audit("export", "letters:stdout", {"letters": len(rows), "format": "json" if args.json else "text"})
        if args.json:
            print_json([r.as_json() for r in rows])
        else:
            for r in rows:
                state = (f"送达 {r.delivered_on}（{r.delivered_how}）" if r.delivered_on else "未登记送达") + (
                    f"，回执 {r.receipt_on}" if r.receipt_on else "")
                out(f"{r.id:>6}  批次 {r.batch_id:<4} {r.made_at[:10]}  {r.title}  {r.student_name}（{r.class_name}）"
                    f"  {state}")
        return EXIT_OK
    finally:
        session.close()


def cmd_delivered(args: argparse.Namespace) -> int:
    from app.letters.records import mark_batch_delivered, mark_delivered

    if bool(args.ids) == (args.batch is not None):
        raise UsageError("请给出告知书编号，或用 --batch 指定整批（二选一）。")
    session = open_from_args(args)
    try:
        n = (mark_batch_delivered(session, args.batch, args.how, args.date) if args.batch is not None
             else mark_delivered(session, args.ids, args.how, args.date))
        out(f"已登记 {n} 份告知书送达（{args.how}）。")
        return EXIT_OK
    finally:
        session.close()


def cmd_receipt(args: argparse.Namespace) -> int:
    from app.letters.records import record_receipt

    session = open_from_args(args)
    try:
        out(record_receipt(session, args.id, args.date))
        return EXIT_OK
    finally:
        session.close()
