"""The permission rules (app/policy.py): the table itself, one message per rule, and one meaning everywhere."""
from __future__ import annotations

import pytest

from app import policy
from app.accounts.model import Account, Role
from app.errors import PermissionDenied

ADMIN = Account(1, "office", "教务", Role.ADMIN, None, False)
COUNSELOR_MANAGER = Account(2, "counselor", "", Role.COUNSELOR, None, False, manager=True)  # the first account
COUNSELOR = Account(3, "chen", "陈老师", Role.COUNSELOR, None, False)
HEAD_TEACHER = Account(4, "zhang", "张老师", Role.HEAD_TEACHER, 7, False)
KINDS = {"admin": ADMIN, "counselor+manager": COUNSELOR_MANAGER, "counselor": COUNSELOR, "head_teacher": HEAD_TEACHER}

# rule -> the account kinds that pass it (README, "Accounts and roles")
TABLE = {
    "can_read_confidential": {"counselor+manager", "counselor"},
    "can_counsel": {"counselor+manager", "counselor"},
    "does_student_work": {"counselor+manager", "counselor", "head_teacher"},
    "can_manage_school": {"admin", "counselor+manager"},
    "can_manage_accounts": {"admin", "counselor+manager"},
    "can_manage_screening": {"admin", "counselor+manager", "counselor"},
    "can_manage_roster": {"admin", "counselor+manager", "counselor"},
    "can_read_incidents": {"admin", "counselor+manager", "counselor"},
    "can_read_directory": {"admin", "counselor+manager", "counselor", "head_teacher"},
    "sees_unreviewed_levels": {"counselor+manager", "counselor"},
    "sees_warning_levels": {"counselor+manager", "counselor", "head_teacher"},
    "sees_focus_tags": {"counselor+manager", "counselor", "head_teacher"},
    "sees_confidential_tags": {"counselor+manager", "counselor"},
    "can_set_tag_tiers": {"counselor+manager", "counselor"},
    "can_keep_network": {"counselor+manager", "counselor"},
    "can_configure_network": {"admin", "counselor+manager", "counselor"},
    "can_keep_courses": {"admin", "counselor+manager", "counselor"},
    "can_log_class_courses": {"admin", "counselor+manager", "counselor", "head_teacher"},
    "can_read_workload": {"admin", "counselor+manager", "counselor"},
    "can_keep_people": {"admin", "counselor+manager", "counselor"},
    "can_sign_exchange": {"counselor+manager", "counselor"},
    "can_set_exchange": {"admin", "counselor+manager", "counselor"},
}


def test_the_table_names_every_rule():
    assert {r.name for r in policy.RULES} == set(TABLE)
    for rule in policy.RULES:
        assert getattr(policy, rule.name) is rule


@pytest.mark.parametrize("rule_name", sorted(TABLE))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_rule_by_role(rule_name, kind):
    rule = getattr(policy, rule_name)
    assert rule(KINDS[kind]) is (kind in TABLE[rule_name]), f"{rule_name} for {kind}"


@pytest.mark.parametrize("rule_name", sorted(TABLE))
def test_require_refuses_with_the_rules_one_message(rule_name):
    rule = getattr(policy, rule_name)
    refused = [a for k, a in KINDS.items() if k not in TABLE[rule_name]]
    allowed = [a for k, a in KINDS.items() if k in TABLE[rule_name]]
    for account in allowed:
        policy.require(_Signed(account), rule)
    for account in refused:
        with pytest.raises(PermissionDenied) as exc:
            policy.require(_Signed(account), rule, "做这件事")
        assert exc.value.message == rule.refusal("做这件事")
        assert "做这件事" in exc.value.message and exc.value.message.endswith("。")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.refusal())


def test_class_scope():
    assert policy.class_scope(HEAD_TEACHER) == 7
    for account in (ADMIN, COUNSELOR_MANAGER, COUNSELOR):
        assert policy.class_scope(account) is None
        assert policy.scope_condition(account) == ("1 = 1", {})
        assert policy.in_scope(account, 3) and policy.in_scope(account, None)
    assert policy.scope_condition(HEAD_TEACHER, "k.id") == ("k.id = :scope", {"scope": 7})
    assert policy.in_scope(HEAD_TEACHER, 7) and not policy.in_scope(HEAD_TEACHER, 8)
    assert not policy.in_scope(HEAD_TEACHER, None)


class _Signed:
    def __init__(self, account: Account) -> None:
        self.account = account


# -- one meaning everywhere: the counselor's own writes in screening and in crisis admit the same accounts -------
def _attempt(fn) -> bool:  # type: ignore[no-untyped-def]
    try:
        fn()
    except PermissionDenied:
        return False
    return True


def test_screening_and_crisis_agree_on_the_counselors_work(school):
    from app.accounts.admin import add_account
    from app.archive.students import StudentFilter, list_students
    from app.crisis.cases import open_case
    from app.school.classes import find_class
    from app.screening.campaigns import create_campaign
    from app.screening.results import save_answers
    from app.session import open_session

    cls = find_class(school.db, "7.1")
    assert cls is not None
    pupils = [s.id for s in list_students(school.db, school.account, StudentFilter(class_id=cls.id))][:8]
    campaign = create_campaign(school, "秋季测评", {7: "phq9"})
    add_account(school, "office", "Granite-path-2026!", Role.ADMIN)
    add_account(school, "chen", "Willow-brook-2026!", Role.COUNSELOR)
    add_account(school, "zhang", "Maple-ridge-2026!", Role.HEAD_TEACHER, class_id=cls.id)
    sessions = {"counselor+manager": school}
    for kind, (user, pw) in {"admin": ("office", "Granite-path-2026!"), "counselor": ("chen", "Willow-brook-2026!"),
                             "head_teacher": ("zhang", "Maple-ridge-2026!")}.items():
        sessions[kind] = open_session(school.paths.root, user, pw)
    try:
        seen = {}
        for i, (kind, s) in enumerate(sorted(sessions.items())):
            sid = pupils[i]
            screening = _attempt(lambda s=s, sid=sid: save_answers(s, campaign.id, sid, "phq9", [1] * 9))
            crisis = _attempt(lambda s=s, sid=sid: open_case(s, sid, "general", "teacher", summary="情绪低落"))
            assert screening == crisis, f"{kind}: screening {screening}, crisis {crisis}"
            assert screening is policy.can_counsel(s.account)
            seen[kind] = screening
        assert seen == {"admin": False, "counselor+manager": True, "counselor": True, "head_teacher": False}
    finally:
        for kind, s in sessions.items():
            if kind != "counselor+manager":
                s.close()


def test_no_other_module_checks_roles_itself():
    """Role checks go through app.policy: no module outside it reads the Account's permission properties."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\.(sees_confidential|does_student_work|manages|class_scope)\b(?!\()|require_manager|"
                         r"require_student_work|require_counselor")
    offenders = []
    for folder in ("app", "ui"):
        for path in (root / folder).rglob("*.py"):
            if path.name == "policy.py" or path.parts[-3:] == ("app", "accounts", "model.py"):
                continue
            for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                code = line.split("#")[0]
                if pattern.search(code) and "``" not in code:
                    offenders.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
