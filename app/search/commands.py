"""search TEXT: full-text search with the tier rules of the signed-in account."""
from __future__ import annotations

import argparse

from app.console import EXIT_OK, open_from_args, out, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="全文检索记录（班主任只检索本班学生的普通记录）")
    p.add_argument("text", help="检索词，两个字即可，如 失眠")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    from app.search import MARK_END, MARK_START, search

    session = open_from_args(args)
    try:
        hits = search(session, args.text, limit=args.limit)
        if args.json:
            print_json([h.as_json() for h in hits])
        else:
            for h in hits:
                snippet = h.snippet.replace(MARK_START, "【").replace(MARK_END, "】")
                tier = "［保密］" if h.tier == "confidential" else ""
                out(f"{h.date}  {h.kind_label}  {h.name}（{h.registry_no}）{tier}  {snippet}")
            out(f"共 {len(hits)} 条")
        return EXIT_OK
    finally:
        session.close()
