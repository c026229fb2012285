"""Foundation benchmark: the encrypted vault beside plain SQLite on the same schema and the same synthetic school.

    .venv/bin/python -m bench.bench_foundation [--students 20000] [--keep DIR]

Builds a 20,000-student school (``bench.generate``) twice — in a SQLCipher vault with the production Argon2id
cost, and in plain SQLite (``app.store.db.open_plain`` + the same migrations) — then times: vault open with and
without the KDF, start-up checks, search-as-you-type, opening an archive, a 3,000-row roster import and a backup.
Writes ``bench/results/foundation.md``.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The real cost: a benchmark never runs with the test-only cheap KDF.
os.environ.pop("XINQIAO_TEST_FAST_KDF", None)

from app import clock  # noqa: E402
from app.accounts.model import Account, Role  # noqa: E402
from app.accounts.store import insert_account  # noqa: E402
from app.archive import chronology, plans, tags  # noqa: E402
from app.archive.students import StudentFilter, StudentIndex, get_student  # noqa: E402
from app.config import PRODUCTION_KDF, kdf_cost  # noqa: E402
from app.school.setup import create_vault
from app.session import Session, _open_db_with_key, open_session  # noqa: E402
from app.store.backup import make_backup, record_counts  # noqa: E402
from app.store.db import Database, open_plain  # noqa: E402
from app.store.keyslots import KeySlots, derive_kek  # noqa: E402
from app.store.migrate import migrate  # noqa: E402
from app.store.paths import VaultPaths  # noqa: E402
from bench.generate import populate, roster_students, write_roster_xlsx  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "Bench-password-2026!"
USER = "counselor"


@dataclass
class Row:
    operation: str
    cipher: str
    plain: str
    ratio: str
    target: str
    ok: bool | None = None


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def timed(fn: Callable[[], object], repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b > 0 else "–"


# -- the two schools ----------------------------------------------------------------------------------------
def build_cipher(folder: Path, n: int) -> float:
    t = time.perf_counter()
    # The fixed cost of before calibration, so these figures stay comparable; bench_unlock measures the
    # calibrated cost a new vault gets.
    session, _ = create_vault(folder, school_name="合成九年一贯制学校", username=USER, password=PASSWORD,
                              kdf=PRODUCTION_KDF)
    try:
        populate(session, n)
        session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        session.close()
    return time.perf_counter() - t


def plain_session(folder: Path) -> Session:
    """A session over plain SQLite (benchmark baseline only): same schema, same account, no key."""
    folder.mkdir(parents=True, exist_ok=True)
    db = open_plain(folder / "vault.db")
    migrate(db)
    account = _plain_account(db)
    return Session(VaultPaths(folder), account, db, bytearray(32))


def _plain_account(db: Database) -> Account:
    from app.accounts.store import get_account

    acc = get_account(db, USER)
    if acc is not None:
        return acc
    with db.transaction():
        db.execute("INSERT INTO school (id, uuid, name, created_at) VALUES (1, :u, '合成九年一贯制学校', :t)",
                   {"u": clock.new_uuid(), "t": clock.now_iso()})
    return insert_account(db, USER, Role.COUNSELOR, manager=True)


def build_plain(folder: Path, n: int) -> float:
    t = time.perf_counter()
    s = plain_session(folder)
    try:
        populate(s, n)
        s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        s.close()
    return time.perf_counter() - t


def open_plain_checked(folder: Path) -> Database:
    """What opening the vault does, on plain SQLite: open, quick_check, migrate."""
    db = open_plain(folder / "vault.db")
    problems = [p for p in db.quick_check() if p != "ok"]
    assert not problems, problems
    migrate(db)
    return db


def plain_backup(db: Database, dest: Path) -> None:
    """make_backup's steps on plain SQLite: integrity check, export, verify the copy by opening it."""
    assert db.integrity_check() == []
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / f"plain-{time.time_ns()}.db"
    db.execute("ATTACH DATABASE :p AS backup KEY ''", {"p": str(target)})
    try:
        db.execute("SELECT sqlcipher_export('backup')")
    finally:
        db.execute("DETACH DATABASE backup")
    copy = open_plain(target)
    try:
        assert copy.integrity_check() == []
        record_counts(copy)
    finally:
        copy.close()


# -- measurements -------------------------------------------------------------------------------------------
def search_queries(idx: StudentIndex, rng: random.Random, people: int = 40) -> list[str]:
    """What a counselor types: 1–3 characters of a name, 1–3 letters of pinyin initials, a registry prefix."""
    current = [e for e in idx.entries if e.status == "在读"]
    queries = []
    for e in rng.sample(current, people):
        for k in (1, 2, 3):
            queries.append(e.name[:k])
        initials = e.keys.split("\x00")[2]
        for k in (1, 2, 3):
            if initials[:k]:
                queries.append(initials[:k])
        queries.append(e.registry_no[:8].lower())
    return queries


VARIANTS = (("students page: index.matching, all matches", "matching", None),
            ("pickers: index.search, first 30", "search", 30),
            ("index.search building every match", "search", None))


def bench_search(session: Session, queries: list[str]) -> tuple[dict[str, list[float]], float]:
    builds = []
    for _ in range(3):
        t = time.perf_counter()
        idx = StudentIndex(session.db)
        builds.append(time.perf_counter() - t)
    times: dict[str, list[float]] = {label: [] for label, _, _ in VARIANTS}
    for q in queries:
        flt = StudentFilter(search=q)
        for label, method, limit in VARIANTS:
            t = time.perf_counter()
            getattr(idx, method)(session.account, flt, limit)
            times[label].append(time.perf_counter() - t)
    return times, statistics.median(builds)


def archive_ids(db: Database, rng: random.Random, n: int = 150) -> list[int]:
    with_plans = [r[0] for r in db.query("SELECT DISTINCT student_id FROM support_plans")]
    any_ids = [r[0] for r in db.query("SELECT id FROM students")]
    return rng.sample(with_plans, min(len(with_plans), n // 3)) + rng.sample(any_ids, n - min(len(with_plans), n // 3))


def open_archive(session: Session, sid: int) -> None:
    get_student(session.db, session.account, sid)
    tags.list_tags(session, sid)
    plans.plan_versions(session, sid)
    chronology.timeline(session, sid)


def archive_time(session: Session, sid: int) -> float:
    t = time.perf_counter()
    open_archive(session, sid)
    return time.perf_counter() - t


def bench_import(session: Session, path: Path) -> tuple[float, float, int]:
    from app.school.roster_import import apply_roster, preview_roster

    t0 = time.perf_counter()
    preview = preview_roster(session, path)
    t1 = time.perf_counter()
    apply_roster(session, preview)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(preview.new)


def machine() -> str:
    import platform

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def run(n: int, keep: Path | None) -> str:
    rng = random.Random(2026)
    work = Path(tempfile.mkdtemp(prefix="xinqiao-bench-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    notes: list[str] = []
    try:
        cipher_dir, plain_dir = work / "cipher", work / "plain"
        for d in (cipher_dir, plain_dir):
            if d.exists():
                shutil.rmtree(d)
        assert kdf_cost() == PRODUCTION_KDF
        t_build_c = build_cipher(cipher_dir, n)
        t_build_p = build_plain(plain_dir, n)
        size_c = (cipher_dir / "vault.db").stat().st_size
        size_p = (plain_dir / "vault.db").stat().st_size
        rows.append(Row(f"Generate the school ({n:,} students, 6 years, one transaction)", ms(t_build_c),
                        ms(t_build_p), ratio(t_build_c, t_build_p), "–"))
        rows.append(Row("Database file size", f"{size_c / 2**20:.1f} MiB", f"{size_p / 2**20:.1f} MiB",
                        ratio(size_c, size_p), "–"))

        # -- open ------------------------------------------------------------------------------------------
        paths = VaultPaths(cipher_dir)
        slots = KeySlots.load(paths.keyslots)
        slot = slots.slots[USER]
        kdf = timed(lambda: derive_kek(PASSWORD, slot.salt, slot.cost), 5)

        def open_full() -> None:
            open_session(cipher_dir, USER, PASSWORD).close()

        with_kdf = timed(open_full, 5)
        key = slots.unlock(USER, PASSWORD)
        no_kdf = timed(lambda: _open_db_with_key(paths, key).close(), 5)
        plain_open = timed(lambda: open_plain_checked(plain_dir).close(), 5)
        med = statistics.median
        rows.append(Row(f"Unlock with the password (Argon2id m={slot.cost.memory_kib // 1024} MiB, "
                        f"t={slot.cost.iterations}, p={slot.cost.lanes} + open + quick_check + migrate + audit)",
                        ms(med(with_kdf)), ms(med(plain_open)), ratio(med(with_kdf), med(plain_open)), "< 2 s",
                        med(with_kdf) < 2))
        rows.append(Row("  of which the Argon2id key derivation", ms(med(kdf)), "–", "–", "0.1–1 s"))
        rows.append(Row("Open without the KDF (raw key + open + quick_check + migrate)", ms(med(no_kdf)),
                        ms(med(plain_open)), ratio(med(no_kdf), med(plain_open)), "< 1 s", med(no_kdf) < 1))

        c_db = _open_db_with_key(paths, key)
        p_db = open_plain_checked(plain_dir)
        qc_c = timed(c_db.quick_check, 3)
        qc_p = timed(p_db.quick_check, 3)
        ic_c = timed(c_db.integrity_check, 2)
        ic_p = timed(p_db.integrity_check, 2)
        rows.append(Row(f"Start-up quick_check at {n:,} students", ms(med(qc_c)), ms(med(qc_p)),
                        ratio(med(qc_c), med(qc_p)), "< 1 s", med(qc_c) < 1))
        rows.append(Row("Full integrity_check (+ cipher_integrity_check), before a backup or export",
                        ms(med(ic_c)), ms(med(ic_p)), ratio(med(ic_c), med(ic_p)), "–"))
        c_db.close()
        p_db.close()

        # -- search and archive --------------------------------------------------------------------------------
        cs = open_session(cipher_dir, USER, PASSWORD)
        ps = plain_session(plain_dir)
        try:
            queries = search_queries(StudentIndex(cs.db), rng)
            c_times, c_build = bench_search(cs, queries)
            p_times, p_build = bench_search(ps, queries)
            rows.append(Row(f"Build the search index ({n:,} students, once after unlock)", ms(c_build), ms(p_build),
                            ratio(c_build, p_build), "< 1 s", c_build < 1))
            for label, _, _ in VARIANTS:
                c, p = c_times[label], p_times[label]
                rows.append(Row(f"Search-as-you-type p50, {label} ({len(queries)} keystrokes)", ms(pct(c, 50)),
                                ms(pct(p, 50)), ratio(pct(c, 50), pct(p, 50)), "< 30 ms", pct(c, 50) < 0.03))
                rows.append(Row(f"Search-as-you-type p95, {label}", ms(pct(c, 95)), ms(pct(p, 95)),
                                ratio(pct(c, 95), pct(p, 95)), "< 100 ms", pct(c, 95) < 0.1))
            ids = archive_ids(cs.db, rng)
            c_arch = [archive_time(cs, sid) for sid in ids]
            p_arch = [archive_time(ps, sid) for sid in ids]
            rows.append(Row(f"Open an archive p50 (student + tags + plans + timeline, {len(ids)} students)",
                            ms(pct(c_arch, 50)), ms(pct(p_arch, 50)), ratio(pct(c_arch, 50), pct(p_arch, 50)),
                            "< 100 ms", pct(c_arch, 50) < 0.1))
            rows.append(Row("Open an archive p95", ms(pct(c_arch, 95)), ms(pct(p_arch, 95)),
                            ratio(pct(c_arch, 95), pct(p_arch, 95)), "< 300 ms", pct(c_arch, 95) < 0.3))

            # -- backup (before the import, so both copy the same school) -----------------------------------
            c_bk = timed(lambda: make_backup(cs.db, cs.key, cs.paths, work / "backups-c"), 2)
            p_bk = timed(lambda: plain_backup(ps.db, work / "backups-p"), 2)
            rows.append(Row("Backup (integrity check + export + verify the copy by opening it)", ms(med(c_bk)),
                            ms(med(p_bk)), ratio(med(c_bk), med(p_bk)), "< 15 s", med(c_bk) < 15))

            # -- import --------------------------------------------------------------------------------------
            roster = write_roster_xlsx(work / "roster-3000.xlsx", roster_students(3000))
            c_prev, c_apply, c_new = bench_import(cs, roster)
            p_prev, p_apply, p_new = bench_import(ps, roster)
            assert c_new == p_new == 3000
            rows.append(Row(f"Import 3,000 roster rows from .xlsx into {n:,} (preview + apply)",
                            ms(c_prev + c_apply), ms(p_prev + p_apply), ratio(c_prev + c_apply, p_prev + p_apply),
                            "< 5 s", c_prev + c_apply < 5))
            rows.append(Row("  of which reading and checking the file (preview)", ms(c_prev), ms(p_prev),
                            ratio(c_prev, p_prev), "–"))
            rows.append(Row("  of which writing (one transaction)", ms(c_apply), ms(p_apply),
                            ratio(c_apply, p_apply), "–"))
        finally:
            cs.close()
            ps.close()
        notes.append(f"Search keystrokes: for 40 random current students, the first 1, 2 and 3 characters of the "
                     f"name, 1–3 letters of the pinyin initials, and an 8-character registry prefix "
                     f"({len(queries)} in all); the index holds all {n:,} students, graduates and leavers "
                     "included (filtered out by default).")
        notes.append("Search runs over the in-memory StudentIndex, so SQLCipher and plain SQLite differ only in "
                     "building the index.")
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return render(rows, notes, n)


def render(rows: list[Row], notes: list[str], n: int) -> str:
    lines = ["## Foundation: vault, roster, archive", "",
             f"Synthetic nine-year school, {n:,} students over 6 school years (`bench/generate.py`), "
             "SQLCipher 4 vault with the production Argon2id cost beside plain SQLite with the same schema and "
             "pragmas. Medians unless p50/p95 is stated.", "",
             "| Operation | SQLCipher | Plain SQLite | Ratio | Target | Met |",
             "| --- | ---: | ---: | ---: | ---: | :---: |"]
    for r in rows:
        met = "" if r.ok is None else ("yes" if r.ok else "**no**")
        lines.append(f"| {r.operation} | {r.cipher} | {r.plain} | {r.ratio} | {r.target} | {met} |")
    lines.append("")
    lines += [f"- {x}" for x in notes]
    lines.append(f"- Machine: {machine()}.")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from app.capabilities import install_default

    install_default()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--students", type=int, default=20_000)
    p.add_argument("--keep", type=Path, help="keep the generated vaults in this folder")
    args = p.parse_args(argv)
    text = run(args.students, args.keep)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "foundation.md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
