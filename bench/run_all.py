"""Run every benchmark and assemble docs/performance.md.

    .venv/bin/python -m bench.run_all            # run each bench/bench_*.py, then assemble
    .venv/bin/python -m bench.run_all --no-run   # only assemble bench/results/*.md into docs/performance.md
    .venv/bin/python -m bench.run_all --only foundation

Each ``bench/bench_<area>.py`` runs as ``python -m bench.bench_<area>`` in its own process and writes
``bench/results/<area>.md``; this script puts them together under a short header (machine, date, how to rerun).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DOC = ROOT / "docs" / "performance.md"


def modules() -> list[str]:
    return sorted(p.stem for p in BENCH.glob("bench_*.py"))


def run_one(name: str) -> tuple[int, float]:
    env = {k: v for k, v in os.environ.items() if k != "XINQIAO_TEST_FAST_KDF"}  # production cost always
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    t = time.perf_counter()
    print(f"== {name}", flush=True)
    rc = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT, env=env).returncode
    return rc, time.perf_counter() - t


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 2**20:.0f} GiB memory"
                break
    except (OSError, ValueError):
        pass
    try:
        import sqlcipher3.dbapi2 as sqlite

        con = sqlite.connect(":memory:")
        lib = f"SQLite {sqlite.sqlite_version}, SQLCipher {con.execute('PRAGMA cipher_version').fetchone()[0]}"
        con.close()
    except Exception:  # noqa: BLE001 - the header is informative only
        lib = ""
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}" + (f"; {lib}" if lib else ""))


def assemble(failed: dict[str, int] | None = None) -> str:
    parts = ["# Performance", "",
             f"- Machine: {machine()}.",
             f"- Date: {dt.datetime.now().isoformat(timespec='minutes')}.",
             "- Rerun: `make bench` (or `.venv/bin/python -m bench.run_all`); one area: "
             "`.venv/bin/python -m bench.bench_<area>`, then `.venv/bin/python -m bench.run_all --no-run`.",
             "- All data is synthetic (`bench/generate.py`). Figures come from one run on a shared machine: "
             "read them as orders of magnitude, not to the millisecond.", ""]
    for name in modules():
        area = name.removeprefix("bench_")
        result = RESULTS / f"{area}.md"
        if failed and name in failed:
            parts += [f"## {area}", "", f"**The benchmark failed (exit {failed[name]}); no current figures.**", ""]
            if result.exists():
                parts += ["Previous figures:", ""]
            else:
                continue
        if result.exists():
            parts.append(result.read_text("utf-8").rstrip() + "\n")
        else:
            parts += [f"## {area}", "", "_Not run yet._", ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="运行全部基准测试并生成 docs/performance.md")
    p.add_argument("--no-run", action="store_true", help="只汇总已有结果")
    p.add_argument("--only", action="append", default=[], help="只运行此区域（可重复），如 foundation")
    args = p.parse_args(argv)
    failed: dict[str, int] = {}
    if not args.no_run:
        wanted = [m for m in modules() if not args.only or m.removeprefix("bench_") in args.only]
        for name in wanted:
            rc, seconds = run_one(name)
            print(f"== {name}: exit {rc} in {seconds:.0f} s", flush=True)
            if rc:
                failed[name] = rc
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(assemble(failed), "utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
