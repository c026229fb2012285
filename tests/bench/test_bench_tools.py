"""The benchmark's school generator and report assembler stay working (small sizes; the real run is make bench)."""
from __future__ import annotations

from bench import run_all
from bench.generate import YEARS, cohorts, populate, roster_students, write_roster_xlsx


def test_cohorts_cover_six_years():
    groups = cohorts(2026)
    assert len(groups) == 9 + YEARS - 1
    assert sum(c.graduated for c in groups) == YEARS - 1
    assert {c.last_grade for c in groups if not c.graduated} == set(range(1, 10))


def test_generated_school_has_graduates_leavers_and_history(session):
    populate(session, 600)
    db = session.db
    statuses = {r[0]: r[1] for r in db.query("SELECT status, count(*) FROM students GROUP BY status")}
    assert sum(statuses.values()) == 600 and statuses["在读"] > statuses["毕业"] > 0 and "转出" in statuses
    assert db.scalar("SELECT count(DISTINCT registry_no) FROM students") == 600
    assert db.scalar("SELECT count(*) FROM school_years") >= YEARS
    assert db.scalar("SELECT count(*) FROM student_events WHERE kind = 'updated'") > 600
    assert db.scalar("SELECT count(*) FROM focus_tags") > 0


def test_generated_roster_imports_cleanly(session, tmp_path):
    from app.school.roster_import import preview_roster

    path = write_roster_xlsx(tmp_path / "r.xlsx", roster_students(90))
    p = preview_roster(session, path)
    assert p.header_row == 2 and p.counts()["new"] == 90 and not p.errors


def test_performance_doc_has_a_header_and_every_area():
    text = run_all.assemble()
    assert text.startswith("# Performance") and "Machine:" in text and "Rerun:" in text
    for name in run_all.modules():
        assert name.removeprefix("bench_").split("_")[-1] in text.lower()


def test_roster_import_report_nets_out_process_start_and_checks_the_target():
    from bench.bench_roster_import import report

    figures = {"start": [(0.2, 0.1)], "import": [(1.4, 1.0)], "python": [(0.05, 0.03)], "read_only": [(1.05, 0.83)],
               "full": [(1.2, 0.9)]}
    steps = dict.fromkeys(("unlock", "read", "table", "preview", "pinyin_load", "apply"), 0.1)
    text = report(3000, 1, figures, steps)
    assert "| 1.20× | ≤ 1.5× ✓ |" in text and "1200 ms" in text  # (1.4 − 0.2) ÷ (1.05 − 0.05)
    figures["import"] = [(1.9, 1.5)]
    assert "| 1.70× | ≤ 1.5× ✗ |" in report(3000, 1, figures, steps)


def test_roster_import_bench_steps_run(tmp_path):
    """The step-by-step half of bench_roster_import on 20 rows (the timed subprocess rounds are make bench's)."""
    from bench import bench_roster_import as bench

    roster, template = bench.prepare(tmp_path, 20)
    steps = bench.phases(tmp_path, roster, template)
    assert steps and all(v >= 0 for v in steps.values())
