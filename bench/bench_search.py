"""Search over 200,000 notes (2- and 3-character Chinese queries, p50/p95) and a 500-record timeline.

Run: .venv/bin/python -m bench.bench_search [--notes N]   -> bench/results/search.md
Builds a SQLCipher vault and a plain SQLite baseline with the same schema; the notes are written with
executemany in one transaction (app.casework.records.bulk_insert, which fills the FTS index too).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("XINQIAO_TEST_FAST_KDF", "1")  # the key derivation is not what is measured here

from app.accounts.model import Account, Role  # noqa: E402
from app.archive.chronology import timeline  # noqa: E402
from app.casework.model import RecordInput  # noqa: E402
from app.casework.records import bulk_insert  # noqa: E402
from app.demo import generate_students, insert_students  # noqa: E402
from app.school.setup import create_vault  # noqa: E402
from app.search import search  # noqa: E402
from app.session import Session  # noqa: E402
from app.store.db import open_plain  # noqa: E402
from app.store.migrate import migrate  # noqa: E402
from app.store.paths import VaultPaths  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "search.md"
FRAGMENTS = [
    "近期失眠，入睡困难", "白天注意力不集中", "考试前紧张焦虑", "担心成绩下滑", "与同桌发生冲突", "感到被同学孤立",
    "与母亲沟通困难", "常因手机使用争吵", "周末玩游戏到深夜", "作业拖延", "觉得自己什么都做不好", "兴趣减退",
    "父母在外务工", "与祖父母同住", "家庭经济困难", "父母离异后情绪低落", "适应新班级较慢", "鼓励多参加集体活动",
    "教授腹式呼吸放松训练", "一周后回访", "与班主任沟通", "约家长面谈", "学习状态平稳", "与同学相处融洽",
    "对未来升学有规划", "宿舍关系紧张", "被高年级同学欺负", "身体不适常请假", "食欲下降", "经常独来独往",
    "上课走神", "自我评价偏低", "对老师有抵触情绪", "想转学", "青春期困扰", "与异性交往的烦恼", "偏科严重",
    "课外班太多感到疲惫", "喜欢画画，希望被认可", "参加社团后心情好转", "家长期望过高", "哥哥成绩优秀带来压力",
]
SECRETS = ["谈及家庭冲突", "透露父亲酗酒", "有过消极念头但否认计划", "曾在网上结识陌生人", "父母分居半年",
           "曾被同学勒索零花钱", "自述有划伤手臂的行为", "母亲患抑郁症正在治疗"]
QUERIES_2 = ["失眠", "焦虑", "冲突", "孤立", "游戏", "离异", "欺负", "食欲", "酗酒", "分居"]
QUERIES_3 = ["注意力", "班主任", "祖父母", "放松训", "被同学", "手机使", "自我评", "抑郁症", "陌生人", "新班级"]


def _account(role: Role, class_id: int | None = None) -> Account:
    return Account(1, "bench", "基准测试", role, class_id, False)


def _notes(rng: random.Random, student_ids: list[int], n: int, start: float) -> list[RecordInput]:
    items = []
    for i in range(n):
        summary = "，".join(rng.sample(FRAGMENTS, rng.randint(2, 4))) + "。"
        secret = rng.choice(SECRETS) + "。" if rng.random() < 0.3 else ""
        t = time.localtime(start + i * 120)
        when = time.strftime("%Y-%m-%dT%H:%M", t)
        items.append(RecordInput(rng.choice(("individual", "talk", "parent_phone", "home_visit")),
                                 [rng.choice(student_ids)], when, 30, summary=summary, confidential=secret))
    return items


def _build(session: Session, n_notes: int, n_students: int) -> tuple[list[int], float]:
    rng = random.Random(11)
    ids = insert_students(session, generate_students(n_students, seed=3))
    start = time.time() - n_notes * 120 - 86400
    items = _notes(rng, ids, n_notes, start)
    t0 = time.perf_counter()
    bulk_insert(session, items)
    return ids, time.perf_counter() - t0


def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return p50 * 1000, p95 * 1000


def _time_queries(session: Session, queries: list[str], repeat: int = 5) -> tuple[float, float, float]:
    for q in queries:
        search(session, q)  # warm the page cache once
    samples = []
    hits = 0
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            hits += len(search(session, q))
            samples.append(time.perf_counter() - t0)
    p50, p95 = _percentiles(samples)
    return p50, p95, hits / (repeat * len(queries))


def _time_timeline(session: Session, student_id: int, repeat: int = 15) -> tuple[float, float]:
    timeline(session, student_id)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        events = timeline(session, student_id)
        samples.append(time.perf_counter() - t0)
    assert len(events) >= 500, len(events)
    return _percentiles(samples)


def measure(session: Session, n_notes: int, n_students: int) -> dict[str, object]:
    ids, build = _build(session, n_notes, n_students)
    class_id = session.db.scalar("SELECT class_id FROM students WHERE id = :i", {"i": ids[0]})
    out: dict[str, object] = {"build_s": build}
    out["q2"] = _time_queries(session, QUERIES_2)
    out["q3"] = _time_queries(session, QUERIES_3)
    counselor = session.account
    session.account = _account(Role.HEAD_TEACHER, class_id)
    out["q2_teacher"] = _time_queries(session, QUERIES_2)
    session.account = counselor
    # one student with 500 records of their own
    rng = random.Random(5)
    items = _notes(rng, [ids[1]], 500, time.time() - 500 * 86400)
    bulk_insert(session, items)
    out["timeline"] = _time_timeline(session, ids[1])
    out["db_mb"] = session.paths.db.stat().st_size / 1e6 if session.paths.db.exists() else 0
    return out


def run(n_notes: int, n_students: int) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        root = Path(tmp)
        cipher, _ = create_vault(root / "cipher", school_name="基准学校", username="bench", password="Base-line-2026!")
        try:
            c = measure(cipher, n_notes, n_students)
        finally:
            cipher.close()
        plain_paths = VaultPaths(root / "plain")
        plain_paths.root.mkdir()
        db = open_plain(plain_paths.db)
        migrate(db)
        plain = Session(plain_paths, _account(Role.COUNSELOR), db, bytearray(32))
        try:
            p = measure(plain, n_notes, n_students)
        finally:
            plain.close()
    return report(n_notes, c, p)


def report(n: int, c: dict, p: dict) -> str:  # type: ignore[type-arg]
    def row(name: str, key: str, idx: int, target: str) -> str:
        cv, pv = c[key][idx], p[key][idx]
        return f"| {name} | {cv:.1f} ms | {pv:.1f} ms | {cv / pv if pv else 0:.2f} | {target} |"

    lines = [
        "## Search and timeline (bench/bench_search.py)", "",
        f"{n:,} notes (summary in the ordinary index; 30% with confidential notes in the separate index), "
        "2,000 students; queries newest first, 50 results, counselor unless noted; warm cache; "
        f"{os.cpu_count()} CPU cores shared with other work.", "",
        "| operation | SQLCipher | plain SQLite | ratio | target |", "|---|---|---|---|---|",
        row("2-character query, p50", "q2", 0, "< 100 ms"),
        row("2-character query, p95", "q2", 1, "< 100 ms"),
        row("3-character query, p50", "q3", 0, "< 100 ms"),
        row("3-character query, p95", "q3", 1, "< 100 ms"),
        row("2-character query as 班主任 (ordinary index + class filter), p50", "q2_teacher", 0, "< 100 ms"),
        row("2-character query as 班主任, p95", "q2_teacher", 1, "< 100 ms"),
        row("timeline of a student with 500 records, p50", "timeline", 0, "< 200 ms"),
        row("timeline of a student with 500 records, p95", "timeline", 1, "< 200 ms"),
        f"| build {n:,} notes + FTS index (one transaction, executemany) | {c['build_s']:.1f} s | "
        f"{p['build_s']:.1f} s | {c['build_s'] / p['build_s']:.2f} | a couple of minutes |",
        "",
        f"Average hits per query (capped at 50): 2-char {c['q2'][2]:.0f}, 3-char {c['q3'][2]:.0f}. "
        f"Vault size {c['db_mb']:.0f} MB.",
        "", "Method: Chinese text is indexed as overlapping character bigrams in FTS5 `unicode61` tables "
        "(app/search/tokens.py); a query of n characters is the phrase of its n−1 bigrams, so 2-character queries are "
        "one token lookup and longer ones a phrase match. Confidential text lives in a second FTS table queried only "
        "for counselors.", "",
    ]
    return "\n".join(lines)


def main() -> None:
    from app.capabilities import install_default

    install_default()
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=200_000)
    ap.add_argument("--students", type=int, default=2000)
    args = ap.parse_args()
    text = run(args.notes, args.students)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main()
