"""The exchange's commands: school side (set-centre-key, export-policy, export, exports, verify-package,
school-key, transfer-out, transfer-in), centre side (centre-key, import-packages, schools, district)."""
from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.console import EXIT_OK, EXIT_REJECTED, err, open_from_args, out, print_json
from app.errors import UsageError
from app.store.outpaths import add_force_option, check_out_path

if TYPE_CHECKING:
    from app.session import Session

T = TypeVar("T")


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

    p = sub.add_parser("district", help="区县中心：某期各校指标与目标对照、未上报的学校；或 --trend 各期趋势")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--period", help="期次：2026-11 或 2026-2027-1")
    which.add_argument("--trend", action="store_true",
                       help="各指标在各期的趋势（每校和全区）：默认为已导入的各月（或各学期），可用 --from/--to 限定")
    p.add_argument("--from", dest="first", metavar="期次", help="趋势的起始期次（如 2026-09、2026-2027-1）")
    p.add_argument("--to", dest="last", metavar="期次", help="趋势的结束期次（含）")
    p.add_argument("--kind", choices=["month", "semester"], help="趋势按月（month）还是按学期（semester）")
    p.add_argument("--out", type=Path, help="导出为 .xlsx")
    add_force_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_district)

    p = sub.add_parser("district-report", help="区县中心：督导用 PDF 报告（所选期间各校指标与目标、未上报学校、趋势和图表）")
    p.add_argument("--from", dest="first", required=True, metavar="期次", help="起始期次（如 2026-09、2026-2027-1）")
    p.add_argument("--to", dest="last", required=True, metavar="期次", help="结束期次（含，与起始同为月份或学期）")
    p.add_argument("--out", type=Path, required=True, help="写入的 .pdf 文件")
    add_force_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_district_report)

    p = sub.add_parser("school-key", help="导出本校接收转接档案的公钥文件（给转出学校）")
    p.add_argument("--out", type=Path, required=True)
    add_force_option(p)
    p.set_defaults(func=cmd_school_key)

    p = sub.add_parser("transfer-out", help="档案转接：导出一名学生的档案（默认只含普通级）")
    p.add_argument("--student", required=True, help="学籍号")
    p.add_argument("--to", type=Path, required=True, help="写入的文件夹或U盘")
    p.add_argument("--passphrase", action="store_true", help="用一次性口令加密（打印在转接单 PDF 上）")
    p.add_argument("--recipient", type=Path, help="接收学校的公钥文件（school-key 导出的）")
    p.add_argument("--slip-to", type=Path, default=None,
                   help="转接单 PDF 写入的本机文件夹（默认：数据文件夹旁的“心桥转接单”；不能是档案包所在的U盘文件夹）")
    p.add_argument("--confidential", action="store_true", help="同时转出保密内容（须写 --reason，记入审计）")
    p.add_argument("--reason", default="", help="转出保密内容的理由")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_transfer_out)

    p = sub.add_parser("transfer-in", help="档案转接：导入转入学生的档案（按学籍号对应）")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_transfer_in)


def in_vault(args: argparse.Namespace, work: Callable[[Session], T]) -> T:
    """Open the vault the arguments name, do ``work`` (the permission rule is the core's), close it whatever
    happens; what ``work`` returns is printed after the vault is closed."""
    session = open_from_args(args)
    try:
        return work(session)
    finally:
        session.close()


def reply(args: argparse.Namespace, as_json: Any, show: Callable[[], None], code: int = EXIT_OK) -> int:
    """``--json`` prints ``as_json``; otherwise ``show()`` prints the lines for a person."""
    if getattr(args, "json", False):
        print_json(as_json)
    else:
        show()
    return code


def out_file(args: argparse.Namespace, session: Session, suffixes: tuple[str, ...]) -> Path:
    """The checked ``--out`` path (refuses the data folder, a wrong suffix, an existing file without --force)."""
    return check_out_path(args.out, session.paths.root, suffixes, force=args.force)


def cmd_set_centre_key(args: argparse.Namespace) -> int:
    from app.exchange.school import set_centre_key

    value = in_vault(args, lambda s: set_centre_key(s, args.file))
    out(f"已导入区县中心{('“' + value['centre'] + '”') if value['centre'] else ''}的公钥。")
    out(f"指纹：{value['fingerprint']}（请打电话与中心核对）")
    return EXIT_OK


def cmd_export_policy(args: argparse.Namespace) -> int:
    from app.exchange.school import NAMED_KINDS, export_policy, set_export_policy

    def work(session: Session) -> dict[str, Any]:
        policy = export_policy(session.db)
        if args.period or args.named is not None:
            named = policy["named"] if args.named is None else \
                [n.strip() for n in args.named.split(",") if n.strip() and n.strip() != "none"]
            policy = set_export_policy(session, period=args.period or policy["period"], named=named)
        return policy

    policy = in_vault(args, work)

    def show() -> None:
        out(f"上报周期：{'每月' if policy['period'] == 'month' else '每学期'}")
        out("实名上报：" + ("、".join(NAMED_KINDS[n] for n in policy["named"]) or "无（只报汇总数字）"))
    return reply(args, policy, show)


def cmd_export(args: argparse.Namespace) -> int:
    from app.exchange.school import export_period
    from app.indicators.periods import report_period

    result = in_vault(args, lambda s: export_period(s, report_period(s.db, args.period), args.to))

    def show() -> None:
        out(f"已导出 {result.period_label} 的上报包（第 {result.sequence} 号，{result.counts['figures']} 项指标）。")
        if result.superseded:
            out("它取代了这一期之前导出的包。")
        out(f"中心公钥指纹 {result.centre_fingerprint}；本校签名指纹 {result.fingerprint}")
        out(result.safe_message)
    return reply(args, result.as_json(), show)


def cmd_exports(args: argparse.Namespace) -> int:
    from app.exchange.school import export_history

    rows = in_vault(args, export_history)

    def show() -> None:
        for r in rows:
            state = "（已被取代）" if r["superseded_by"] else ""
            out(f"{r['created_at'][:16]}  {r['period_label']}  第 {r['sequence']} 号{state}  {r['path']}")
        if not rows:
            out("还没有导出过区县上报包。")
    return reply(args, rows, show)


def cmd_verify_package(args: argparse.Namespace) -> int:
    from app.exchange.school import verify_file

    opened, signer = in_vault(args, lambda s: verify_file(s, args.file))
    m = opened.manifest

    def show() -> None:
        what = f"{m['period']['label']} 上报包" if m["kind"] == "report" else "档案转接包"
        out(f"结构和签名均有效：{m['school']['name']} 的{what}（第 {m['sequence']} 号），{signer}。")
    return reply(args, {"ok": True, "manifest": m, "signing_fingerprint": opened.fingerprint}, show)


def cmd_centre_key(args: argparse.Namespace) -> int:
    from app.exchange.centre import write_public_key

    path, fp = in_vault(args, lambda s: write_public_key(s, out_file(args, s, (".pub", ".txt"))))
    out(f"已写入中心公钥：{path}\n指纹：{fp}（学校导入后会显示同一指纹，请电话核对）")
    return EXIT_OK


def cmd_import_packages(args: argparse.Namespace) -> int:
    from app.exchange.centre import import_packages

    outcomes = in_vault(args, lambda s: import_packages(s, args.folder, confirm_key_change=args.confirm_key_change))
    failed = [o for o in outcomes if o.failed]

    def show() -> None:
        labels = {"imported": "已导入", "registered": "已导入（新登记）", "older": "已存档（较旧）", "replay": "未改动",
                  "refused": "拒绝"}
        for o in outcomes:
            out(f"{labels[o.status]}  {Path(o.file).name}  {o.school} {o.period}".rstrip())
            if o.reason:
                (err if o.failed else out)(f"    {o.reason}")
        if not outcomes:
            out(f"{args.folder} 中没有上报包（.age 文件）。")
    return reply(args, {"ok": not failed, "files": [o.as_json() for o in outcomes],
                        "imported": sum(o.status in ("imported", "registered") for o in outcomes),
                        "refused": len(failed)}, show, EXIT_REJECTED if failed else EXIT_OK)


def cmd_schools(args: argparse.Namespace) -> int:
    from app.exchange.centre import schools

    rows = in_vault(args, schools)

    def show() -> None:
        for r in rows:
            out(f"{r['name']}  {r['code'] or '（无代码）'}  指纹 {r['fingerprint']}  登记于 {r['confirmed_at'][:10]}")
    return reply(args, rows, show)


def cmd_district(args: argparse.Namespace) -> int:
    from app.exchange.centre import district, save_district_xlsx

    if args.trend:
        return _district_trend(args)
    if args.first or args.last or args.kind:
        raise UsageError("--from、--to 和 --kind 只用于 --trend（趋势）；看某一期请只写 --period。")

    def work(session: Session) -> dict[str, Any]:
        view = district(session, args.period)
        if args.out:
            save_district_xlsx(session, args.period, out_file(args, session, (".xlsx",)))
        return view

    view = in_vault(args, work)

    def show() -> None:
        out(f"{view['period']}：已上报 {len(view['schools'])} 所，未上报 {len(view['missing'])} 所")
        for s in view["schools"]:
            bad = "；未达标：" + "、".join(s["not_ok"]) if s["not_ok"] else ""
            out(f"  {s['name']}  第 {s['sequence']} 号包{bad}")
        for m in view["missing"]:
            out(f"  未上报：{m['name']}")
    return reply(args, view, show)


def _district_trend(args: argparse.Namespace) -> int:
    from app.exchange.trends import KIND_NAMES, district_trend, save_trend_xlsx, trend_cell

    def work(session: Session) -> dict[str, Any]:
        trend = district_trend(session, first=args.first, last=args.last, kind=args.kind)
        if args.out:
            save_trend_xlsx(session, trend, out_file(args, session, (".xlsx",)))
        return trend

    trend = in_vault(args, work)

    def show() -> None:
        codes = trend["periods"]
        out(f"全区趋势（按{KIND_NAMES[trend['kind']]}）：{'、'.join(codes) or '还没有导入任何一期'}；"
            f"共登记 {trend['registered']} 所")
        out("  已上报学校数：" + "、".join(f"{c} {n}" for c, n in zip(codes, trend["reported"], strict=True)))
        for col in trend["columns"]:
            d = trend["district"][col["key"]]
            cells = [f"{c} {trend_cell(d, i)}" for i, c in enumerate(codes)]
            how = "各校平均" if col["how"] == "mean" else "全区合计"
            out(f"  {col['title']}（{col['unit'] or '数值'}，{how}）：" + "；".join(cells))
        for m in trend["missing"]:
            out(f"  未上报：{m['name']}（{'、'.join(m['periods'])}）")
    return reply(args, trend, show)


def cmd_district_report(args: argparse.Namespace) -> int:
    from app.exchange.inspection import save_inspection_pdf

    result = in_vault(args, lambda s: save_inspection_pdf(s, args.first, args.last,
                                                          out_file(args, s, (".pdf",))))

    def show() -> None:
        out(f"已生成督导报告：{result['path']}（{result['pages']} 页，{result['first']} 至 {result['last']}，"
            f"{result['schools']} 所学校）")
    return reply(args, result, show)


def cmd_school_key(args: argparse.Namespace) -> int:
    from app.exchange.package import write_checked
    from app.exchange.transfer import school_key_text

    def work(session: Session) -> Path:
        path = out_file(args, session, (".pub", ".txt"))
        write_checked(path.parent, path.name, school_key_text(session).encode("utf-8"))
        return path

    out(f"已写入本校接收公钥：{in_vault(args, work)}")
    return EXIT_OK


def cmd_transfer_out(args: argparse.Namespace) -> int:
    from app.exchange.transfer import transfer_out

    result = in_vault(args, lambda s: transfer_out(s, args.student, args.to, recipient_file=args.recipient,
                                                   passphrase=args.passphrase, confidential=args.confidential,
                                                   reason=args.reason, slip_to=args.slip_to))

    def show() -> None:
        out(f"已导出转接档案：{result.path}（{result.events} 条记录，{'含' if result.confidential else '不含'}保密内容）")
        if result.passphrase:
            out(f"一次性口令：{result.passphrase}")
            out(f"转接单（本机文件，打印后与U盘分开交付）：{result.slip}")
        out("已写入并读回核对无误，现在可以安全拔出U盘。")
    return reply(args, result.as_json(), show)


def cmd_transfer_in(args: argparse.Namespace) -> int:
    from app.exchange.transfer import transfer_in

    result = in_vault(args, lambda s: transfer_in(s, args.file,
                                                  passphrase=os.environ.get("XINQIAO_TRANSFER_PASSPHRASE") or None))

    def show() -> None:
        if result.already:
            out(f"这份转接档案已经导入过（{result.name}，来自 {result.from_school}），未作改动。")
        else:
            out(f"已导入 {result.name}（学籍号 {result.registry_no}）的转接档案：来自 {result.from_school}，"
                f"{result.events} 条记录（其中保密 {result.confidential_events} 条）。")
    return reply(args, result.as_json(), show)
