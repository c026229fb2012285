"""工作台 benchmark: the UI thread while the 工作台 opens and refreshes at a school of 20,000 students.

    .venv/bin/python -m bench.bench_workbench [--students 20000] [--cases 150]

Builds a demo school of ``--students`` students with every capability's demo records (casework notes and their
follow-ups, support plans, crisis cases), then gives every student a screening ledger entry (a quarter of them
待复核, a sixth level 1) and opens ``--cases`` more crisis cases, so that the 工作台 lists thousands of items. Times
the providers (``app.workbench.work_items``, which the page runs on a worker thread) and the longest gap of a 5 ms
heartbeat timer on the UI thread while the page is built, shown and refreshed. Writes ``bench/results/workbench.md``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("XINQIAO_TEST_FAST_KDF", "1")  # the KDF is not what this benchmark measures

from app import clock  # noqa: E402
from app.demo import populate_school  # noqa: E402
from app.screening.campaigns import create_campaign  # noqa: E402
from app.session import Session  # noqa: E402
from app.workbench import work_items  # noqa: E402
from bench.bench_screening import fill_ledger  # noqa: E402
from bench.vault import temporary_vault  # noqa: E402
from ui.shell.context import Change

RESULTS = Path(__file__).resolve().parent / "results"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def build(session: Session, n_students: int, n_cases: int) -> None:
    from app.crisis.cases import open_case

    populate_school(session, n_students)
    camp = create_campaign(session, "工作台基准", {g: "phq9" for g in (7, 8, 9)})
    fill_ledger(session, camp.id)
    ids = [r[0] for r in session.db.query("SELECT id FROM students WHERE status = '在读' ORDER BY id LIMIT :n",
                                          {"n": n_cases})]
    for i, sid in enumerate(ids):
        open_case(session, sid, "major" if i % 3 == 0 else "general", "teacher", summary="班主任发现学生情绪异常")


def provider_times(session: Session, repeat: int = 5) -> tuple[float, float, Counter[str]]:
    today = clock.today()
    t = time.perf_counter()
    items = work_items(session, today)
    first = time.perf_counter() - t
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        work_items(session, today)
        times.append(time.perf_counter() - t)
    return first, statistics.median(times), Counter(i.kind_label for i in items)


def ui_stalls(session: Session) -> dict[str, float]:
    from bench.uistall import StallMeter
    from ui.shell.context import AppContext
    from ui.workbench.page import WorkbenchPage

    holder: dict[str, WorkbenchPage] = {}
    meter = StallMeter(busy=lambda: bool(getattr(holder.get("page"), "loading", False)))
    out: dict[str, float] = {}

    def measure(label: str, action: Callable[[], object]) -> None:
        out[label], out[label + " total"] = meter.measure(action)

    def open_page() -> None:
        page = WorkbenchPage(AppContext(session))
        assert isinstance(page, WorkbenchPage)
        page.resize(1280, 760)
        page.show()
        holder["page"] = page

    measure("open the 工作台 (build, show, load all items)", open_page)
    page = holder["page"]
    out["rows"] = len(page.items)
    measure("刷新 (reload every provider)", getattr(page, "reload", page.refresh))
    measure("refresh after a change elsewhere (data_changed)", lambda: page.ctx.data_changed.emit(Change.SCREENING))
    def three_changes() -> None:
        for _ in range(3):
            page.ctx.data_changed.emit(Change.CASEWORK)

    measure("three changes in a row (stale loads discarded)", three_changes)
    meter.stop()
    page.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=20_000)
    ap.add_argument("--cases", type=int, default=150)
    args = ap.parse_args(argv)
    with temporary_vault("xinqiao-bench-workbench-") as (session, _folder):
        build(session, args.students, args.cases)
        first, warm, kinds = provider_times(session)
        stalls = ui_stalls(session)
    n = int(stalls.pop("rows"))
    lines = ["## 工作台 (workbench)", "",
             f"{args.students:,} students with every capability's demo records, every student a screening ledger "
             f"entry (a quarter 待复核) and {args.cases} more open crisis cases: the 工作台 lists {n:,} items "
             f"({'、'.join(f'{k} {v:,}' for k, v in kinds.most_common())}).", "",
             "| operation | time | target |", "|---|---|---|",
             f"| gather the items from every provider (worker thread), first call | {ms(first)} | — |",
             f"| gather the items from every provider (worker thread), median of 5 | {ms(warm)} | — |", "",
             "### 工作台: the UI thread at 20,000 students", "",
             "The longest gap of a 5 ms heartbeat timer on the UI thread during each action, and the time until the "
             "tree is complete. The providers run on a worker thread (ui/shell/tasks.py), only the newest load's answer is "
             "shown, and the tree is filled in slices of a few hundred rows.", "",
             "| action | longest UI-thread stall | until complete | target |", "|---|---|---|---|"]
    for label, v in stalls.items():
        if label.endswith(" total"):
            continue
        lines.append(f"| {label} | {ms(v)} | {ms(stalls[label + ' total'])} | < 100 ms{' ✓' if v < 0.1 else ' ✗'} |")
    lines.append("")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "workbench.md").write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
