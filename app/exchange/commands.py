"""The exchange's commands: school side (set-centre-key, export-policy, export, exports, verify-package,
school-key, transfer-out, transfer-in), centre side (centre-key, import-packages, schools, district)."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from app.console import EXIT_OK, EXIT_REJECTED, err, open_from_args, out, print_json
from app.store.outpaths import add_force_option, check_out_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("set-centre-key", help="导入区县中心的公钥文件（显示指纹，请电话核对）")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_set_centre_key)

    p = sub.add_parser("export-policy", help="查看或修改区县上报策略（周期、实名上报的类别）")
    p.add_argument("--period", choices=["month", "semester"], help="上报周期：每月或每学期")
    p.add_argument("--named", help="实名上报的类别，逗号分隔：level1,crisis；none 表示只报汇总数字（默认）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_export_policy)

    p = sub.add_parser("export", help="导出某期的区县上报包（签名并加密给区县中心）")
    p.add_argument("--period", required=True, help="期次：月份 2026-11，或学期 2026-2027-1")
    p.add_argument("--to", type=Path, required=True, help="写入的文件夹或U盘")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("exports", help="区县上报的导出记录")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_exports)

    p = sub.add_parser("verify-package", help="核对上报包或转接包的结构和签名（不通过时退出码 3）")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify_package)

    p = sub.add_parser("centre-key", help="区县中心：导出发给各校的公钥文件")
    p.add_argument("--out", type=Path, required=True)
    add_force_option(p)
    p.set_defaults(func=cmd_centre_key)

    p = sub.add_parser("import-packages", help="区县中心：导入文件夹（U盘）中各校的上报包")
    p.add_argument("folder", type=Path)
    p.add_argument("--confirm-key-change", action="append", default=[], metavar="学校代码或名称",
                   help="电话核对后，接受这所学校更换的签名密钥")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import_packages)

    p = sub.add_parser("schools", help="区县中心：已登记的学校及其签名密钥指纹")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_schools)

    p = sub.add_parser("district", help="区县中心：某期各校指标与目标对照、未上报的学校")
    p.add_argument("--period", required=True, help="期次：2026-11 或 2026-2027-1")
    p.add_argument("--out", type=Path, help="导出为 .xlsx")
    add_force_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_district)

    p = sub.add_parser("school-key", help="导出本校接收转接档案的公钥文件（给转出学校）")
    p.add_argument("--out", type=Path, required=True)
    add_force_option(p)
    p.set_defaults(func=cmd_school_key)

    p = sub.add_parser("transfer-out", help="档案转接：导出一名学生的档案（默认只含普通级）")
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--to", type=Path, required=True, help="写入的文件夹或U盘")
    p.add_argument("--passphrase", action="store_true", help="用一次性口令加密（打印在转接单 PDF 上）")
    p.add_argument("--recipient", type=Path, help="接收学校的公钥文件（school-key 导出的）")
    p.add_argument("--confidential", action="store_true", help="同时转出保密内容（须写 --reason，记入审计）")
    p.add_argument("--reason", default="", help="转出保密内容的理由")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_transfer_out)

    p = sub.add_parser("transfer-in", help="档案转接：导入转入学生的档案（按学籍号对应）")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_transfer_in)


def cmd_set_centre_key(args: argparse.Namespace) -> int:
    from app.exchange.school import set_centre_key

    session = open_from_args(args)
    try:
        value = set_centre_key(session, args.file)
    finally:
        session.close()
    out(f"已导入区县中心{('“' + value['centre'] + '”') if value['centre'] else ''}的公钥。")
    out(f"指纹：{value['fingerprint']}（请打电话与中心核对）")
    return EXIT_OK


def cmd_export_policy(args: argparse.Namespace) -> int:
    from app.exchange.school import NAMED_KINDS, export_policy, set_export_policy

    session = open_from_args(args)
    try:
        policy = export_policy(session.db)
        if args.period or args.named is not None:
            named = policy["named"] if args.named is None else \
                [n.strip() for n in args.named.split(",") if n.strip() and n.strip() != "none"]
            policy = set_export_policy(session, period=args.period or policy["period"], named=named)
    finally:
        session.close()
    if args.json:
        print_json(policy)
    else:
        out(f"上报周期：{'每月' if policy['period'] == 'month' else '每学期'}")
        out("实名上报：" + ("、".join(NAMED_KINDS[n] for n in policy["named"]) or "无（只报汇总数字）"))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from app.indicators.periods import report_period
    from app.exchange.school import export_period

    session = open_from_args(args)
    try:
        result = export_period(session, report_period(session.db, args.period), args.to)
    finally:
        session.close()
    if args.json:
        print_json(result.as_json())
    else:
        out(f"已导出 {result.period_label} 的上报包（第 {result.sequence} 号，{result.counts['figures']} 项指标）。")
        if result.superseded:
            out("它取代了这一期之前导出的包。")
        out(f"中心公钥指纹 {result.centre_fingerprint}；本校签名指纹 {result.fingerprint}")
        out(result.safe_message)
    return EXIT_OK


def cmd_exports(args: argparse.Namespace) -> int:
    from app.exchange.school import export_history

    session = open_from_args(args)
    try:
        rows = export_history(session)
    finally:
        session.close()
    if args.json:
        print_json(rows)
        return EXIT_OK
    for r in rows:
        state = "（已被取代）" if r["superseded_by"] else ""
        out(f"{r['created_at'][:16]}  {r['period_label']}  第 {r['sequence']} 号{state}  {r['path']}")
    if not rows:
        out("还没有导出过区县上报包。")
    return EXIT_OK


def cmd_verify_package(args: argparse.Namespace) -> int:
    from app.exchange.school import verify_file

    session = open_from_args(args)
    try:
        opened, signer = verify_file(session, args.file)
    finally:
        session.close()
    m = opened.manifest
    if args.json:
        print_json({"ok": True, "manifest": m, "signing_fingerprint": opened.fingerprint})
    else:
        what = f"{m['period']['label']} 上报包" if m["kind"] == "report" else "档案转接包"
        out(f"结构和签名均有效：{m['school']['name']} 的{what}（第 {m['sequence']} 号），{signer}。")
    return EXIT_OK


def cmd_centre_key(args: argparse.Namespace) -> int:
    from app.exchange.centre import write_public_key

    session = open_from_args(args)
    try:
        path = check_out_path(args.out, session.paths.root, (".pub", ".txt"), force=args.force)
        path, fp = write_public_key(session, path)
    finally:
        session.close()
    out(f"已写入中心公钥：{path}\n指纹：{fp}（学校导入后会显示同一指纹，请电话核对）")
    return EXIT_OK


def cmd_import_packages(args: argparse.Namespace) -> int:
    from app.exchange.centre import import_packages

    session = open_from_args(args)
    try:
        outcomes = import_packages(session, args.folder, confirm_key_change=args.confirm_key_change)
    finally:
        session.close()
    failed = [o for o in outcomes if o.failed]
    if args.json:
        print_json({"ok": not failed, "files": [o.as_json() for o in outcomes],
                    "imported": sum(o.status in ("imported", "registered") for o in outcomes),
                    "refused": len(failed)})
    else:
        labels = {"imported": "已导入", "registered": "已导入（新登记）", "older": "已存档（较旧）", "replay": "未改动",
                  "refused": "拒绝"}
        for o in outcomes:
            out(f"{labels[o.status]}  {Path(o.file).name}  {o.school} {o.period}".rstrip())
            if o.reason:
                (err if o.failed else out)(f"    {o.reason}")
        if not outcomes:
            out(f"{args.folder} 中没有上报包（.age 文件）。")
    return EXIT_REJECTED if failed else EXIT_OK


def cmd_schools(args: argparse.Namespace) -> int:
    from app.exchange.centre import schools

    session = open_from_args(args)
    try:
        rows = schools(session)
    finally:
        session.close()
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            out(f"{r['name']}  {r['code'] or '（无代码）'}  指纹 {r['fingerprint']}  登记于 {r['confirmed_at'][:10]}")
    return EXIT_OK


def cmd_district(args: argparse.Namespace) -> int:
    from app.exchange.centre import district, save_district_xlsx

    session = open_from_args(args)
    try:
        view = district(session, args.period)
        if args.out:
            save_district_xlsx(session, args.period,
                               check_out_path(args.out, session.paths.root, (".xlsx",), force=args.force))
    finally:
        session.close()
    if args.json:
        print_json(view)
        return EXIT_OK
    out(f"{view['period']}：已上报 {len(view['schools'])} 所，未上报 {len(view['missing'])} 所")
    for s in view["schools"]:
        bad = "；未达标：" + "、".join(s["not_ok"]) if s["not_ok"] else ""
        out(f"  {s['name']}  第 {s['sequence']} 号包{bad}")
    for m in view["missing"]:
        out(f"  未上报：{m['name']}")
    return EXIT_OK


def cmd_school_key(args: argparse.Namespace) -> int:
    from app.exchange.package import write_checked
    from app.exchange.transfer import school_key_text

    session = open_from_args(args)
    try:
        path = check_out_path(args.out, session.paths.root, (".pub", ".txt"), force=args.force)
        text = school_key_text(session)
        write_checked(path.parent, path.name, text.encode("utf-8"))
    finally:
        session.close()
    out(f"已写入本校接收公钥：{path}")
    return EXIT_OK


def cmd_transfer_out(args: argparse.Namespace) -> int:
    from app.exchange.transfer import transfer_out

    session = open_from_args(args)
    try:
        result = transfer_out(session, args.student, args.to, recipient_file=args.recipient,
                              passphrase=args.passphrase, confidential=args.confidential, reason=args.reason)
    finally:
        session.close()
    if args.json:
        print_json(result.as_json())
        return EXIT_OK
    out(f"已导出转接档案：{result.path}（{result.events} 条记录，{'含' if result.confidential else '不含'}保密内容）")
    if result.passphrase:
        out(f"一次性口令：{result.passphrase}")
        out(f"转接单（打印后与U盘分开交付）：{result.slip}")
    out("已写入并读回核对无误，现在可以安全拔出U盘。")
    return EXIT_OK


def cmd_transfer_in(args: argparse.Namespace) -> int:
    from app.exchange.transfer import transfer_in

    session = open_from_args(args)
    try:
        phrase = os.environ.get("XINQIAO_TRANSFER_PASSPHRASE") or None
        result = transfer_in(session, args.file, passphrase=phrase)
    finally:
        session.close()
    if args.json:
        print_json(result.as_json())
        return EXIT_OK
    if result.already:
        out(f"这份转接档案已经导入过（{result.name}，来自 {result.from_school}），未作改动。")
    else:
        out(f"已导入 {result.name}（学籍号 {result.registry_no}）的转接档案：来自 {result.from_school}，"
            f"{result.events} 条记录（其中保密 {result.confidential_events} 条）。")
    return EXIT_OK
