"""One demo vault with a distinctive marker in every confidential field of every capability.

Every marker starts with ``MARK_PREFIX`` (two rare characters, so a two-character search finds them) and names the
field it was written into, so a failing assertion says which field leaked. The head teacher's class is 七年级（1）班;
a student of 八年级（1）班 (``other``) carries records too, with ordinary text marked ``OTHER_PREFIX``.
"""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from app import clock

PASSWORD = "Test-password-2026!"
TEACHER = ("teacher1", "Teacher-password-2026!")
ADMIN = ("admin1", "Admin-password-2026!")
OTHER_TEACHER = ("teacher8", "Eighth-class-password-2026!")
BUILT_AT = dt.datetime(2026, 11, 20, 9, 0)
TODAY = BUILT_AT.date()

CONFIDENTIAL_TAG = "确诊心理障碍"   # a focus tag of the confidential tier (health) on the head teacher's student
MACHINE_CATEGORY = "自伤风险"     # the category a critical item gives: never told to a head teacher unless shared
MARK_PREFIX = "隐秘"           # every confidential marker starts with this
OTHER_PREFIX = "外班"          # ordinary text about the other class's student
OTHER_NAME = "欧阳外班生"       # the other class's student, renamed so that any leak of the name is seen
OWN_NAME = "司马本班生"         # the head teacher's student who carries the marked records


def mark(field_name: str) -> str:
    return f"{MARK_PREFIX}{field_name}机密内容"


@dataclass
class Built:
    root: Path
    own: int                       # a student of 七年级（1）班
    own_registry: str
    other: int                     # a student of 八年级（1）班
    other_registry: str
    own_class: int
    other_class: int
    records: dict[str, int] = field(default_factory=dict)     # casework record ids by label
    cases: dict[str, int] = field(default_factory=dict)       # crisis case ids by label
    incidents: dict[str, int] = field(default_factory=dict)
    entries: dict[str, int] = field(default_factory=dict)     # screening ledger entry ids
    interviews: dict[str, int] = field(default_factory=dict)
    tag_ids: dict[str, int] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)     # warning-network report ids
    markers: list[str] = field(default_factory=list)
    unreviewed: int = 0            # a student of 七年级（1）班 with a critical PHQ-9 nobody has reviewed (一级, 自伤风险)
    unreviewed_registry: str = ""


def copy_of(built: Built, dest: Path) -> Built:
    """A copy of a built vault's folder at ``dest``, with the same ids and markers."""
    shutil.copytree(built.root, dest)
    return replace(built, root=dest)


def _student(db, cls_id: int) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    r = db.one("SELECT id, registry_no FROM students WHERE class_id = :c AND status = '在读' ORDER BY id LIMIT 1",
               {"c": cls_id})
    return int(r[0]), str(r[1])


def build(root: Path) -> Built:
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.archive.plans import PLAN_FIELDS, save_plan
    from app.archive.tags import add_tag, clear_tag
    from app.casework.model import RecordInput
    from app.casework.records import create_record, delete_record, update_record
    from app.crisis.cases import amend_case, change_level, close_case, open_case
    from app.crisis.incidents import amend_incident, record_incident
    from app.crisis.institutions import add_institution
    from app.crisis.steps import complete_step, record_document, record_meeting, step_id
    from app.demo import populate_school
    from app.school.classes import find_class
    from app.school.setup import create_vault
    from app.screening.campaigns import list_campaigns
    from app.screening.interviews import record_interview
    from app.screening.results import save_answers

    clock.set_fixed(BUILT_AT)
    s, _code = create_vault(root, school_name="隐私审计中学", username="counselor", password=PASSWORD)
    try:
        populate_school(s, n_students=120, grades=(7, 8, 9))
        db = s.db
        own_cls, other_cls = find_class(db, "7.1"), find_class(db, "8.1")
        assert own_cls is not None and other_cls is not None
        own, own_reg = _student(db, own_cls.id)
        other, other_reg = _student(db, other_cls.id)
        with db.transaction():
            db.execute("UPDATE students SET name = :n WHERE id = :i", {"n": OWN_NAME, "i": own})
            db.execute("UPDATE students SET name = :n WHERE id = :i", {"n": OTHER_NAME, "i": other})
        add_account(s, TEACHER[0], TEACHER[1], Role.HEAD_TEACHER, class_id=own_cls.id)
        add_account(s, OTHER_TEACHER[0], OTHER_TEACHER[1], Role.HEAD_TEACHER, class_id=other_cls.id)
        add_account(s, ADMIN[0], ADMIN[1], Role.ADMIN)
        b = Built(root, own, own_reg, other, other_reg, own_cls.id, other_cls.id)

        def m(name: str) -> str:
            text = mark(name)
            b.markers.append(text)
            return text

        # -- casework: every kind, a group across classes, an edited record (versions), a deleted one --------
        for kind in ("individual", "talk", "parent_meeting", "parent_phone", "home_visit"):
            b.records[kind] = create_record(s, RecordInput(
                kind, [own], "2026-10-12T10:00", 30, summary=f"本班{kind}普通摘要，约定回访。",
                confidential=m(f"谈话{kind}"), risk="low", next_step="继续关注", follow_up_date="2026-11-10"))
        b.records["group"] = create_record(s, RecordInput(
            "group", [own, other], "2026-10-13T15:00", 45, title="情绪管理小组",
            summary="团体辅导普通摘要", confidential=m("团体辅导")))
        b.records["edited"] = create_record(s, RecordInput(
            "individual", [own], "2026-10-14T10:00", 30, summary="修改前摘要", confidential=m("修改前版本")))
        update_record(s, b.records["edited"], RecordInput(
            "individual", [own], "2026-10-14T10:00", 30, summary="修改后摘要", confidential=m("修改后版本")),
            reason="补充记录")
        b.records["deleted"] = create_record(s, RecordInput(
            "individual", [own], "2026-10-15T10:00", 30, summary="将删除的摘要", confidential=m("已删除记录")))
        delete_record(s, b.records["deleted"], reason="重复录入")
        b.records["other"] = create_record(s, RecordInput(
            "individual", [other], "2026-10-16T10:00", 30, summary=f"{OTHER_PREFIX}个体咨询普通摘要",
            confidential=m("外班谈话"), next_step="外班下一步", follow_up_date="2026-11-01"))

        # -- archive: support plan (two versions), focus tags with notes (one cleared) ----------------------
        save_plan(s, own, review_date="2026-11-01", **{k: m(f"一生一策{k}") for k in PLAN_FIELDS})
        save_plan(s, own, review_date="2026-11-15", change_reason=m("方案修改原因"),
                  **{k: m(f"一生一策v2{k}") for k in PLAN_FIELDS})
        save_plan(s, other, review_date="2026-11-01", situation=m("外班一生一策"))
        b.tag_ids["note"] = add_tag(s, own, "其他", note=m("关注标签说明"))
        b.tag_ids["cleared"] = add_tag(s, own, "学业压力", note=m("已解除标签说明"))
        clear_tag(s, b.tag_ids["cleared"], reason=m("标签解除原因"))
        add_tag(s, other, "家庭变故", note=m("外班标签说明"))
        # a confidential-tier tag (health): its very existence is the counselor's
        b.tag_ids["confidential"] = add_tag(s, own, CONFIDENTIAL_TAG, note=m("保密标签说明"))

        # -- screening: a critical PHQ-9 for both students, interviews with marked reasons -----------------
        camp = list_campaigns(db)[0]
        for label, sid in (("own", own), ("other", other)):
            save_answers(s, camp.id, sid, "phq9", [3, 3, 3, 3, 3, 2, 2, 2, 2], taken_on=dt.date(2026, 10, 20))
            entry = int(db.scalar("SELECT id FROM screening_levels WHERE campaign_id = :c AND student_id = :s",
                                  {"c": camp.id, "s": sid}))
            b.entries[label] = entry
            b.interviews[label] = record_interview(s, entry, confirmed_level=2, reason=m(f"复核理由{label}"),
                                                   next_step="咨询", held_on=dt.date(2026, 10, 22)).id

        # -- a critical answer nobody has reviewed yet: the machine's 一级 and 自伤风险, for the counselor only --------
        b.unreviewed = int(db.scalar(
            "SELECT id FROM students WHERE class_id = :c AND id != :o AND status = '在读' AND id NOT IN"
            " (SELECT student_id FROM screening_levels) AND id NOT IN (SELECT student_id FROM crisis_cases)"
            " AND id NOT IN (SELECT student_id FROM focus_tags) ORDER BY id DESC LIMIT 1",
            {"c": own_cls.id, "o": own}))
        b.unreviewed_registry = str(db.scalar("SELECT registry_no FROM students WHERE id = :i", {"i": b.unreviewed}))
        save_answers(s, camp.id, b.unreviewed, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2], taken_on=dt.date(2026, 11, 19))
        b.entries["unreviewed"] = int(db.scalar("SELECT id FROM screening_levels WHERE student_id = :s",
                                                {"s": b.unreviewed}))

        # -- crisis: a walked case with every note, a closed one, a case of the other class, an incident ----
        inst = add_institution(s, "审计转介医院", department="心理科", green_channel=True)
        inc = record_incident(s, occurred_at="2026-10-30T10:00", what="课间在走廊与同学冲突后情绪激动",
                              place="教学楼二楼", student_id=own, follow_up="已联系家长", note=m("意外事件保密"),
                              notices=[{"party": "parents", "told_at": "2026-10-30T10:30", "told_by": "班主任"}])
        amend_incident(s, inc, m("意外事件修改原因"), note=m("意外事件保密修改后"))
        b.incidents["own"] = inc
        b.incidents["other"] = record_incident(s, occurred_at="2026-10-29T10:00", what=f"{OTHER_PREFIX}意外事件经过",
                                               student_id=other, note=m("外班意外事件保密"))
        c = open_case(s, own, "severe", "screening", summary="测评预警后建立个案（普通摘要）", note=m("个案保密"),
                      discovered_at="2026-11-01T09:00", incident_id=inc)
        b.cases["walked"] = c
        complete_step(s, step_id(s, c, "assessment"), done_at="2026-11-01T10:00", summary="评估完成",
                      note=m("评估步骤保密"))
        complete_step(s, step_id(s, c, "safety"), done_at="2026-11-01T11:00", summary="安排陪护",
                      note=m("安全措施保密"), data={"measures": "班主任陪护", "watch_24h": True})
        complete_step(s, step_id(s, c, "notify_parents"), done_at="2026-11-01T12:00", done_by="心理教师",
                      summary="电话通知家长", note=m("通知家长保密"), data={"method": "电话"})
        complete_step(s, step_id(s, c, "parent_consent"), done_at="2026-11-01T13:00", note=m("告知书保密"),
                      data={"signed": True})
        complete_step(s, step_id(s, c, "referral"), done_at="2026-11-02T09:00", note=m("转介保密"),
                      data={"institution_id": inst, "outcome": "已就诊"})
        change_level(s, c, "major", m("升级理由"))
        amend_case(s, c, m("个案修改原因"), note=m("个案保密修改后"))
        record_document(s, c, "diagnosis", received_on="2026-11-10", note=m("材料保密"))
        record_meeting(s, c, held_at="2026-11-12T15:00", participants="分管校长、班主任", note=m("复学会议结论"))
        own2 = int(db.scalar("SELECT id FROM students WHERE class_id = :c AND id != :o AND status = '在读'"
                             " AND id NOT IN (SELECT student_id FROM crisis_cases) ORDER BY id LIMIT 1",
                             {"c": own_cls.id, "o": own}))
        b.cases["closed"] = c2 = open_case(s, own2, "general", "teacher", summary="一般个案（普通摘要）",
                                           note=m("一般个案保密"), discovered_at="2026-10-01T09:00")
        for key in ("assessment", "safety", "notify_parents", "parent_consent"):
            try:
                complete_step(s, step_id(s, c2, key), done_at="2026-10-02T09:00", done_by="心理教师",
                              note=m(f"一般个案{key}保密"),
                              data={"measures": "陪护", "method": "电话", "signed": True, "watch_24h": True})
            except Exception as e:  # noqa: BLE001 - a step this level does not have
                del e
        _walk_follow_up(s, c2, m)
        close_case(s, c2, m("结案说明"))
        b.cases["other"] = open_case(s, other, "major", "teacher", summary=f"{OTHER_PREFIX}个案概况",
                                     note=m("外班个案保密"), discovered_at="2026-11-03T09:00")
        _network(s, b, own_cls.id, other_cls.id, m)
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        s.close()
        clock.set_fixed(None)
    return b


def _network(s, b: Built, own_cls: int, other_cls: int, m) -> None:  # type: ignore[no-untyped-def]
    """Warning-network reports of both classes and one room shared by both students, free text marked, one
    concern triaged with a marked note."""
    from app.network.people import set_dorm
    from app.network.reports import ConcernInput, ReportInput, add_report, triage

    set_dorm(s, b.own, "9号楼", "901")
    set_dorm(s, b.other, "9号楼", "901")
    b.reports["own"] = add_report(s, ReportInput(
        "2026-11-18", "psych_rep", "本班心理委员", own_cls, climate=m("网络班级情况"), events=m("网络班级事件"),
        concerns=[ConcernInput(b.own, ["情绪低落"], m("网络所见"))]))
    b.reports["other"] = add_report(s, ReportInput(
        "2026-11-18", "psych_rep", "心理委员", other_cls, climate=m("外班网络班级情况"),
        concerns=[ConcernInput(b.other, ["欺凌", "自伤或伤人言行"], m("外班网络所见"))]))
    b.reports["room"] = add_report(s, ReportInput(
        "2026-11-19", "informant", "信息员", None, "9号楼", "901", events=m("宿舍事件"),
        concerns=[ConcernInput(b.own, ["人际冲突"], m("宿舍所见本班")),
                  ConcernInput(b.other, ["人际冲突"], m("宿舍所见外班"))]))
    concern = s.db.scalar("SELECT id FROM network_concerns WHERE report_id = :r", {"r": b.reports["own"]})
    triage(s, int(concern), "watch", m("分诊说明"))


def _walk_follow_up(s, case_id: int, m) -> None:  # type: ignore[no-untyped-def]
    """Record weekly follow-ups where the level has them (best effort: the builder only needs the notes stored)."""
    from app.crisis.steps import record_follow_up

    try:
        record_follow_up(s, case_id, done_on="2026-10-20", summary="每周跟踪（普通）", note=m("跟踪保密"))
    except Exception:  # noqa: BLE001 - not due yet or not required at this level
        pass
