"""Who may do what: every permission check in ``app/`` and ``ui/`` goes through a named rule here.

One rule, one meaning, everywhere. The roles (README, "Accounts and roles"):

- 管理员 ``admin``: accounts, settings, backups, the roster, incidents (without their confidential notes) and the
  referral directory; no student's sessions, screening results, plans, tags or crisis cases.
- 心理教师 ``counselor``: all student work, both tiers. The first account is a counselor with manager rights.
- 班主任 ``head_teacher``: the students of their own class, ordinary tier only (``class_scope``).

A rule is a predicate on an account plus the one Chinese message that refuses it; ``require(session, rule)``
raises ``PermissionDenied`` with that message (``what`` names the action refused, e.g. "开立危机个案").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.accounts.model import Account, Role
from app.errors import PermissionDenied


class HasAccount(Protocol):
    @property
    def account(self) -> Account: ...


@dataclass(frozen=True)
class Rule:
    name: str
    test: Callable[[Account], bool]
    message: str      # "{what}" is replaced by the action refused
    default_what: str

    def __call__(self, account: Account) -> bool:
        return self.test(account)

    def refusal(self, what: str | None = None) -> str:
        return self.message.format(what=what or self.default_what)


def _counselor(a: Account) -> bool:
    return a.role == Role.COUNSELOR


def _manager(a: Account) -> bool:
    return a.role == Role.ADMIN or a.manager


can_read_confidential = Rule(
    "can_read_confidential", _counselor,
    "只有心理教师可以{what}。", "查看保密内容")
"""Confidential-tier text: session notes, crisis and incident notes, plans, tag notes, screening answers."""

can_counsel = Rule(
    "can_counsel", _counselor,
    "只有心理教师可以{what}。", "进行此操作")
"""The counselor's own records: crisis cases, incidents, focus tags, support plans, follow-up interviews,
screening results, imported session logs."""

does_student_work = Rule(
    "does_student_work", lambda a: a.role in (Role.COUNSELOR, Role.HEAD_TEACHER),
    "管理员账号不能{what}。请使用心理教师或班主任账号。", "查看学生的谈话、测评和危机记录")
"""Students' records (sessions, screening results, crisis cases), within ``class_scope``."""

can_manage_school = Rule(
    "can_manage_school", _manager,
    "只有管理员可以{what}。", "修改学校设置")
"""Settings, the calendar and holidays, classes and staff, the school's profile, the crisis manual, the
referral directory, backups."""

can_manage_accounts = Rule(
    "can_manage_accounts", _manager,
    "只有管理员可以{what}。", "管理账号")
"""Adding, disabling and moving accounts, setting another account's password."""

can_manage_screening = Rule(
    "can_manage_screening", lambda a: _counselor(a) or _manager(a),
    "只有心理教师或管理员可以{what}。", "管理测评")
"""Screening campaigns, their targets, consent and absences; the school's own scales and grading rules."""

can_manage_roster = Rule(
    "can_manage_roster", lambda a: a.role != Role.HEAD_TEACHER and (_counselor(a) or _manager(a)),
    "只有心理教师或管理员可以{what}。", "修改学生档案")
"""Importing the roster and amending students' profiles; a head teacher reads them only."""

can_read_incidents = Rule(
    "can_read_incidents", lambda a: _counselor(a) or _manager(a),
    "意外事件记录只有心理教师和管理员可以{what}。", "查看")
"""The incident list (without confidential notes unless ``can_read_confidential``)."""

can_read_directory = Rule(
    "can_read_directory", lambda a: _manager(a) or does_student_work(a),
    "当前账号不能{what}。", "查看转介机构")
"""The referral directory: the 管理员 keeps it, counselors and head teachers look numbers up in it."""

sees_unreviewed_levels = Rule(
    "sees_unreviewed_levels", _counselor,
    "只有心理教师可以{what}。", "查看未经复核的预警等级和类别")
"""What the machine assigned before the counselor's review: provisional levels, the category (自伤风险 ...), the
scores and the rule that fired. Everyone else sees a ledger entry only once it is reviewed."""

sees_warning_levels = Rule(
    "sees_warning_levels", lambda a: a.role in (Role.COUNSELOR, Role.HEAD_TEACHER),
    "管理员账号不能{what}。请使用心理教师或班主任账号。", "查看预警等级")
"""Warning levels at all (a head teacher: reviewed ones, shown as 重点关注, within ``class_scope``). A 管理员 sees
none: ``students --level``, ``coverage`` and the level columns refuse or leave them out."""

sees_focus_tags = Rule(
    "sees_focus_tags", lambda a: a.role in (Role.COUNSELOR, Role.HEAD_TEACHER),
    "管理员账号不能{what}。请使用心理教师或班主任账号。", "查看重点关注标签")
"""Focus tags of the ordinary tier (a head teacher: their class). A 管理员 sees no tags at all."""

sees_confidential_tags = Rule(
    "sees_confidential_tags", _counselor,
    "只有心理教师可以{what}。", "查看保密级的关注标签")
"""Focus tags of the confidential tier (health: 既往心理问题, 确诊心理障碍 ...): the tag itself, not only its note."""

can_set_tag_tiers = Rule(
    "can_set_tag_tiers", _counselor,
    "只有心理教师可以{what}。", "设置关注标签的保密级别")
"""Which focus tags are confidential: only a counselor knows what each holds, and lowering a tier shows health
data to head teachers."""

can_keep_network = Rule(
    "can_keep_network", _counselor,
    "只有心理教师可以{what}。", "管理预警网络")
"""The warning network's records: committee members and informants appointed, reports typed in or imported, the
triage of every named student, year-group reviews, peer pairs, the leadership group, blank forms printed. Reading
the reports follows ``does_student_work`` within ``class_scope``; their free text ``can_read_confidential``."""

can_configure_network = Rule(
    "can_configure_network", lambda a: _counselor(a) or _manager(a),
    "只有心理教师或管理员可以{what}。", "修改预警网络设置")
"""The school's network settings: the grades with committee members, the red delay, the escalation rule."""

can_sign_exchange = Rule(
    "can_sign_exchange", _counselor,
    "只有心理教师可以{what}（签名和解密密钥保存在保密区，只有心理教师的账号能使用）。", "导出或接收区县上报包、档案转接包")
"""The county exchange's signed and encrypted files: a school's export and its archive transfers, the centre's
import. The keys are in the confidential tier, so a 管理员 or a head teacher can never sign in the school's name."""

can_set_exchange = Rule(
    "can_set_exchange", lambda a: _counselor(a) or _manager(a),
    "只有心理教师或管理员可以{what}。", "修改区县上报设置")
"""The centre's public key and the district's export policy (no secret: the signing key is never shown)."""

can_keep_courses = Rule(
    "can_keep_courses", lambda a: _counselor(a) or _manager(a),
    "只有心理教师或管理员可以{what}。", "管理课程与活动")
"""Courses and activities for any class, grade-wide and school-wide activities, parent school sessions, the monthly
pushes to parents, the school's norms profile, the courses import. A head teacher logs their own class's lessons
and activities under ``can_log_class_courses``."""

can_log_class_courses = Rule(
    "can_log_class_courses", lambda a: _counselor(a) or _manager(a) or a.role == Role.HEAD_TEACHER,
    "当前账号不能{what}。", "登记心理课和班级活动")
"""Logging a class's lesson or class activity: counselors and managers for every class, a head teacher for their
own class only (``class_scope``), never grade- or school-wide."""

can_read_workload = Rule(
    "can_read_workload", lambda a: _counselor(a) or _manager(a),
    "只有心理教师或管理员可以{what}。", "查看工作量统计")
"""The per-teacher workload sheet: counts and minutes of lessons, group sessions, lectures, talks and individual
sessions, no student names or notes."""

can_keep_people = Rule(
    "can_keep_people", lambda a: _counselor(a) or _manager(a),
    "只有心理教师或管理员可以{what}。", "管理人员与培训")
"""人员与培训: the roles a staff member holds, training records and their hours, the training cycle and norms, and
the counseling room's duty roster. The counselor keeps them day to day; a 管理员 keeps them too (staffing is the
school's business). Adding staff and marking them as left stays ``can_manage_school``."""

RULES: tuple[Rule, ...] = (can_read_confidential, can_counsel, does_student_work, can_manage_school,
                           can_manage_accounts, can_manage_screening, can_manage_roster, can_read_incidents,
                           can_read_directory, sees_unreviewed_levels, sees_warning_levels, sees_focus_tags,
                           sees_confidential_tags, can_set_tag_tiers, can_keep_network, can_configure_network,
                           can_keep_courses, can_log_class_courses, can_read_workload, can_keep_people,
                           can_sign_exchange, can_set_exchange)


def require(session: HasAccount, rule: Rule, what: str | None = None) -> None:
    """Refuse with the rule's message unless the signed-in account passes it."""
    if not rule(session.account):
        raise PermissionDenied(rule.refusal(what))


def class_scope(account: Account) -> int | None:
    """The one class a head teacher sees; None means the whole school. Every student list scopes through this
    (``scope_condition`` for SQL, ``in_scope`` for one student)."""
    return account.class_id if account.role == Role.HEAD_TEACHER else None


def scope_condition(account: Account, column: str = "s.class_id") -> tuple[str, dict[str, object]]:
    """The SQL condition limiting a student query to what the account may see, and its parameter:
    ``("s.class_id = :scope", {"scope": 3})`` for a head teacher, ``("1 = 1", {})`` for the whole school."""
    scope = class_scope(account)
    if scope is None:
        return "1 = 1", {}
    return f"{column} = :scope", {"scope": scope}


def in_scope(account: Account, class_id: int | None) -> bool:
    """Whether a student of class ``class_id`` is within the account's scope."""
    scope = class_scope(account)
    return scope is None or class_id == scope
