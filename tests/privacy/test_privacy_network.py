"""The warning network's paths as a 班主任 (七年级（1）班) and as a 管理员 on the marked vault: a head teacher sees
their own class's reports (and their own students named in a room's report) without the free text; a 管理员 sees
no free text and no student named."""
from __future__ import annotations

import pytest

from app.errors import PermissionDenied
from tests.privacy.builder import OTHER_NAME, TODAY, mark
from tests.privacy.conftest import assert_clean, dump, is_teacher


def test_reports(restricted, vault):
    from app.network.reports import list_reports

    got = list_reports(restricted, period="2026-11")
    assert_clean(got, other_class=is_teacher(restricted), what="list_reports")
    for rid in vault.reports.values():
        assert_clean(list_reports(restricted, report_id=rid), other_class=is_teacher(restricted),
                     what=f"list_reports {rid}")
    ids = {r.id for r in got}
    if is_teacher(restricted):
        assert vault.reports["own"] in ids and vault.reports["room"] in ids and vault.reports["other"] not in ids
        room = [r for r in got if r.id == vault.reports["room"]][0]
        assert [c.student_id for c in room.concerns] == [vault.own]       # the other class's student is not shown
        own = [r for r in got if r.id == vault.reports["own"]][0]
        assert own.concerns and own.climate == "" and own.concerns[0].seen == ""
    else:
        assert {vault.reports["own"], vault.reports["other"], vault.reports["room"]} <= ids
        assert all(r.concerns == () for r in got)   # counts only
        assert [r.concern_count for r in got if r.id == vault.reports["room"]] == [2]


def test_overview_untriaged_escalations(restricted):
    from app.network.reports import escalations, overview, untriaged

    teacher = is_teacher(restricted)
    out = overview(restricted, "2026-11", today=TODAY)
    assert_clean(out, other_class=teacher, what="overview")
    assert_clean(untriaged(restricted, today=TODAY), other_class=teacher, what="untriaged")
    assert_clean(escalations(restricted, "2026-11"), other_class=teacher, what="escalations")
    if teacher:
        assert [c["class"] for c in out["classes"]] == ["七年级（1）班"]
        assert out["untriaged"] and all(u["class"] == "七年级（1）班" for u in out["untriaged"])
    else:
        assert out["untriaged"] == [] and OTHER_NAME not in dump(out["untriaged"])


def test_people(restricted):
    from app.network.people import eligible_classes, leadership, list_pairs, list_reps, list_rooms, missing_reviews

    teacher = is_teacher(restricted)
    for fn in (eligible_classes, list_reps, list_rooms, list_pairs, leadership):
        assert_clean(fn(restricted), other_class=teacher, what=fn.__name__)
    assert_clean(missing_reviews(restricted, TODAY), other_class=teacher, what="missing_reviews")


def test_network_writes_are_refused(restricted, vault, tmp_path):
    from app.network.forms import blank_forms
    from app.network.reports import ReportInput, add_report, crisis_prefill, triage

    with pytest.raises(PermissionDenied):
        add_report(restricted, ReportInput("2026-11-19", "psych_rep", "", vault.own_class))
    concern = restricted.db.scalar("SELECT id FROM network_concerns WHERE decision IS NULL ORDER BY id LIMIT 1")
    with pytest.raises(PermissionDenied):
        triage(restricted, int(concern), "watch")
    with pytest.raises(PermissionDenied):
        crisis_prefill(restricted, int(concern))
    with pytest.raises(PermissionDenied):
        blank_forms(restricted, "2026-11", tmp_path / "f.pdf")


def test_counselor_reads_the_free_text_and_it_is_audited(counselor, vault):
    from app.network.reports import list_reports

    got = dump(list_reports(counselor, period="2026-11"))
    assert mark("网络班级情况") in got and mark("外班网络所见") in got
    assert counselor.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'view_confidential'"
                               " AND target LIKE 'network_reports:%'") >= 1


@pytest.mark.parametrize("query", ["网络所见", "宿舍事件", "网络班级情况", "人际冲突"])
def test_search(teacher, query):
    from app.search import search

    assert_clean(search(teacher, query, limit=500), other_class=True, what=f"search {query}")


def test_head_teacher_finds_the_signs_of_their_class(teacher, vault):
    from app.search import search

    hits = search(teacher, "情绪低落", limit=500)
    assert any(h.source == "network_report" and h.ref_id == vault.reports["own"] for h in hits)
