"""Committee members (eligibility, 0 or more than 2), rooms and one informant each, the leadership group,
year-group reviews and peer pairs."""
from __future__ import annotations

import pytest
from openpyxl import Workbook

from app.archive.chronology import timeline
from app.errors import InputRejected, PermissionDenied
from app.network.people import (
    add_pair,
    appoint_informant,
    appoint_rep,
    dorms_from_roster,
    eligible_classes,
    end_rep,
    leadership,
    list_rooms,
    missing_reviews,
    record_review,
    rep_problems,
    rooms_without_informant,
    set_dorm,
    set_leader,
    set_network_settings,
)
from app.school.staff import add_staff
from tests.network.helpers import students_of


def test_eligible_grades_are_a_school_setting(session, class_ids):
    young = students_of(session, class_ids["3.1"])
    with pytest.raises(InputRejected, match="不在设有心理委员的年级内"):
        appoint_rep(session, young[0], "2026-09-01")
    assert "三年级（1）班" not in [c.class_name for c in eligible_classes(session)]
    set_network_settings(session, eligible_grades=[3, 4, 5, 6, 7, 8, 9])
    assert "三年级（1）班" in [c.class_name for c in eligible_classes(session)]
    appoint_rep(session, young[0], "2026-09-01", training="区级培训 4 学时")
    with pytest.raises(InputRejected, match="1–12"):
        set_network_settings(session, eligible_grades=[13])


def test_classes_with_none_or_more_than_two_are_listed(session, class_ids):
    s71, s72 = students_of(session, class_ids["7.1"]), students_of(session, class_ids["7.2"])
    for sid in s71[:3]:
        appoint_rep(session, sid, "2026-09-01")
    appoint_rep(session, s72[0], "2026-09-01")
    appoint_rep(session, s72[1], "2026-09-01")
    problems = {c.class_name: c.problem for c in rep_problems(session)}
    assert problems == {"七年级（1）班": "心理委员 3 名（应为 1–2 名）", "七年级（3）班": "没有心理委员",
                        "七年级（4）班": "没有心理委员"}
    # an appointment that ended no longer counts
    from app.network.people import list_reps

    rep = [r for r in list_reps(session) if r.student_id == s71[2]][0]
    end_rep(session, rep.id, "2026-10-31")
    assert "七年级（1）班" not in {c.class_name for c in rep_problems(session)}
    assert [e.title for e in timeline(session, s71[0]) if e.kind == "network"] == ["任七年级（1）班心理委员"]


def test_one_informant_per_room(session, class_ids):
    s = students_of(session, class_ids["7.1"])
    for sid in s[:3]:
        set_dorm(session, sid, "3号楼", "201")
    set_dorm(session, s[3], "3号楼", "202")
    assert [(r.label, r.residents, r.informant) for r in list_rooms(session)] == [("3号楼 201", 3, ""),
                                                                                  ("3号楼 202", 1, "")]
    appoint_informant(session, s[0], "2026-09-01")
    with pytest.raises(InputRejected, match="已有信息员"):
        appoint_informant(session, s[1], "2026-09-01")
    assert [r.label for r in rooms_without_informant(session)] == ["3号楼 202"]
    with pytest.raises(InputRejected, match="没有登记宿舍"):
        appoint_informant(session, s[4], "2026-09-01")
    with pytest.raises(InputRejected, match="同时填写楼栋和房间"):
        set_dorm(session, s[4], "3号楼", "")


def test_an_informant_who_moves_out_no_longer_serves_the_room(session, class_ids, tmp_path):
    """Moved to another room (in the archive or by a roster's 宿舍 column) or cleared: the old room is listed
    without an informant and a new one may be appointed; setting the same room again changes nothing."""
    s = students_of(session, class_ids["7.1"])
    for sid in s[:2]:
        set_dorm(session, sid, "3号楼", "201")
    appoint_informant(session, s[0], "2026-09-01")
    set_dorm(session, s[0], "3号楼", "201")
    assert rooms_without_informant(session) == []
    set_dorm(session, s[0], "3号楼", "202")
    assert [r.label for r in rooms_without_informant(session)] == ["3号楼 201", "3号楼 202"]
    appoint_informant(session, s[1], "2026-11-02")
    wb = Workbook()
    ws = wb.active
    ws.append(["学籍号", "姓名", "宿舍"])
    reg, name = session.db.one("SELECT registry_no, name FROM students WHERE id = :s", {"s": s[1]})
    ws.append([reg, name, "4号楼 101"])
    f = tmp_path / "roster.xlsx"
    wb.save(f)
    assert dorms_from_roster(session, f).written == 1
    assert [r.label for r in rooms_without_informant(session)] == ["3号楼 202", "4号楼 101"]
    set_dorm(session, s[1], "", "")
    assert [r.label for r in rooms_without_informant(session)] == ["3号楼 202"]
    assert session.db.scalar("SELECT count(*) FROM network_informants WHERE end_date = ''") == 0


def test_a_member_who_leaves_school_serves_no_more(session, class_ids):
    """A committee member or informant marked 转出 in the archive no longer counts: their class is listed without
    a member, their room without an informant (and another may be appointed); nobody not at school is appointed."""
    from app.archive.profile import update_profile

    s = students_of(session, class_ids["7.1"])
    appoint_rep(session, s[0], "2026-09-01")
    for sid in s[:2]:
        set_dorm(session, sid, "3号楼", "201")
    appoint_informant(session, s[0], "2026-09-01")
    assert "七年级（1）班" not in [c.class_name for c in rep_problems(session)]
    update_profile(session, s[0], {"status": "转出"}, "转学到外省")
    assert [(c.class_name, c.problem) for c in rep_problems(session) if c.class_name == "七年级（1）班"] == [
        ("七年级（1）班", "没有心理委员")]
    assert [r.label for r in rooms_without_informant(session)] == ["3号楼 201"]
    appoint_informant(session, s[1], "2026-11-02")
    assert rooms_without_informant(session) == []
    with pytest.raises(InputRejected, match="学籍状态是“转出”"):
        appoint_rep(session, s[0], "2026-11-02")


def test_rooms_come_from_a_roster_column(session, class_ids, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["学籍号", "姓名", "班级", "宿舍"])
    rows = session.db.query("SELECT registry_no, name FROM students WHERE class_id = :c ORDER BY id",
                            {"c": class_ids["7.2"]})
    ws.append([rows[0][0], rows[0][1], "七年级（2）班", "5号楼 301"])
    ws.append([rows[1][0], rows[1][1], "七年级（2）班", "5号楼３０１"])
    ws.append([rows[2][0], rows[2][1], "七年级（2）班", ""])
    ws.append([rows[3][0], rows[3][1], "七年级（2）班", "楼上"])
    f = tmp_path / "roster.xlsx"
    wb.save(f)
    result = dorms_from_roster(session, f)
    assert result.written == 2
    assert result.errors == [(5, "宿舍“楼上”无法识别，请写成“3号楼 201”")]
    assert [(r.label, r.residents) for r in list_rooms(session)] == [("5号楼 301", 2)]


def test_leadership_group_shows_empty_posts(session):
    staff = add_staff(session, "赵主任", "leader")
    set_leader(session, "leader", staff_id=staff, department="校长室")
    set_leader(session, "member", outside_name="钱医生", department="卫生室")
    posts = leadership(session)
    assert [(p.label, p.holder, p.empty) for p in posts] == [
        ("组长", "赵主任", False), ("副组长", "", True), ("心理健康副校长", "", True), ("成员", "钱医生", False)]
    set_leader(session, "vice_principal", outside_name="孙教授", organisation="市精神卫生中心")
    vp = [p for p in leadership(session) if p.post == "vice_principal"][0]
    assert (vp.holder, vp.outside, vp.department) == ("孙教授", True, "市精神卫生中心")
    with pytest.raises(InputRejected, match="二者选一"):
        set_leader(session, "member")


def test_year_group_review_lands_on_the_timeline_and_missing_ones_are_listed(session, class_ids, t0):
    s = students_of(session, class_ids["7.1"])
    assert (7, "2026-Q4") in missing_reviews(session, t0.date())
    assert (7, "2026-Q3") in missing_reviews(session, t0.date())
    record_review(session, 7, "2026-Q4", "2026-11-01", "年级主任、班主任、心理教师", [(s[0], "持续关注，每周反馈")])
    assert (7, "2026-Q4") not in missing_reviews(session, t0.date())
    ev = [e for e in timeline(session, s[0]) if e.kind == "network"]
    assert [(e.title, e.detail) for e in ev] == [("年级组研判（七年级 2026-Q4）", "持续关注，每周反馈")]
    young = students_of(session, class_ids["3.1"])
    with pytest.raises(InputRejected, match="不在七年级"):
        record_review(session, 7, "2026-Q3", "2026-10-01", "年级组", [(young[0], "无")])


def test_peer_pairs(session, class_ids):
    s = students_of(session, class_ids["7.1"])
    add_pair(session, s[0], s[1], "2026-10-01", end_date="2027-01-15")
    titles = [e.title for e in timeline(session, s[1]) if e.kind == "network"]
    assert titles and titles[0].startswith("朋辈结对：作为朋辈支持者结对")
    with pytest.raises(InputRejected, match="同一人"):
        add_pair(session, s[0], s[0], "2026-10-01")


def test_head_teacher_may_not_appoint(head_teacher_71, class_ids):
    s = students_of(head_teacher_71, class_ids["7.1"])
    with pytest.raises(PermissionDenied, match="只有心理教师"):
        appoint_rep(head_teacher_71, s[0], "2026-09-01")
    assert [c.class_name for c in eligible_classes(head_teacher_71)] == ["七年级（1）班"]
