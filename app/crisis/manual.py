"""Editing the crisis manual kept in the vault: open cases follow a saved manual at once."""
from __future__ import annotations

import copy
from typing import Any

from app.crisis.cases import apply_rules_to_open_cases
from app.crisis.rules import SETTING_KEY, Rules, load_rules, parse_rules
from app.policy import can_manage_school, require
from app.session import Session
from app.store.settings import set_setting


def save_rules(session: Session, raw: dict[str, Any], reason: str = "") -> Rules:
    """A 管理员 saves an edited manual into the vault; open cases follow it at once (new required steps added,
    open steps' due times recomputed), finished steps keep their record."""
    require(session, can_manage_school, "修改危机干预流程")
    rules = parse_rules(raw)
    with session.db.transaction():
        set_setting(session.db, SETTING_KEY, raw)
        apply_rules_to_open_cases(session, rules)
        session.audit("settings", SETTING_KEY, {"reason": reason, "steps": [s.key for s in rules.steps]})
    return rules


def reset_rules(session: Session) -> Rules:
    require(session, can_manage_school, "修改危机干预流程")
    with session.db.transaction():
        set_setting(session.db, SETTING_KEY, None)  # null falls back to the file
        rules = load_rules(session.db)
        apply_rules_to_open_cases(session, rules)
        session.audit("settings", SETTING_KEY, "恢复默认危机干预流程")
    return rules


def set_follow_up_weeks(session: Session, weeks: int) -> Rules:
    """The number of weekly follow-ups after a return to school, for cases opened from now on."""
    raw = copy.deepcopy(load_rules(session.db).raw)
    raw["follow_up_weeks"] = int(weeks)
    return save_rules(session, raw, f"复学后跟踪改为 {weeks} 周")
