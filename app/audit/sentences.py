"""The audit log read as sentences: who, what, which student by name and class — never raw JSON or internal ids such
as ``student_id:4``. ``sentence`` is pure (the names are looked up by ``app.audit.reading``)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.audit.log import ACTION_LABELS, AuditEntry


@dataclass(frozen=True)
class StudentName:
    name: str
    class_name: str
    others: int = 0        # a group session: how many more students it names

    def __str__(self) -> str:
        who = f"{self.class_name} {self.name}".strip()
        return who + (f" 等 {self.others + 1} 名学生" if self.others else "")


# What a target's table is called, in Chinese ("crisis_case:7" -> 危机个案).
OBJECTS = {
    "case_records": "谈话记录", "crisis_case": "危机个案", "crisis_cases": "危机个案", "crisis_incident": "意外事件",
    "crisis_incidents": "意外事件", "crisis_institution": "转介机构", "screening_levels": "测评预警",
    "screening_level": "测评预警", "screening_results": "测评结果", "screening_campaigns": "测评活动",
    "screening_scales": "量表", "screening_held": "暂存的测评结果", "screening_interviews": "复核访谈",
    "safety_alerts": "当天复核事项", "student": "学生档案", "student_id": "学生档案", "letters": "家长告知书",
    "loop": "月度闭环", "loop_key_work": "年度重点工作", "loop_meeting": "月度工作会议",
    "network_concern": "预警网络关注学生", "network_informant": "信息员", "network_leader": "领导小组成员",
    "network_pair": "结对帮扶", "network_rep": "心理委员", "network_report": "预警网络报告",
    "network_reports": "预警网络报告", "network_review": "预警网络复核", "parent_pushes": "家长推送",
    "parent_school_sessions": "家长学校", "course_activities": "心理活动", "course_lessons": "心理课",
    "courses": "课程与活动", "duty_roster": "值班表", "training_record": "培训记录",
    "confidential_tags": "保密标签", "class": "班级", "staff": "教职工", "school_holiday": "假期",
    "letter_template": "告知书模板", "search": "搜索结果", "school": "学校信息", "school_years": "学年",
    "semesters": "学期", "backup_keep": "备份保留份数", "idle_lock_minutes": "自动锁定时间", "network": "预警网络",
    "verify": "数据校验", "audit_log": "审计日志", "confidential.db": "保密库", "coverage": "谈话覆盖表",
    "indicators": "工作指标", "screening_ledger": "测评台账", "import_error_report": "导入错误报告",
    "loop_attachment": "月度闭环附件", "students": "学生名单", "recovery_code": "恢复码", "vault": "数据库",
    "import_profile": "导入列映射", "crisis_incidents_all": "意外事件",
}

# The verb of an ``edit`` line, from the keys of its detail (the first that matches).
EDIT_VERBS = (
    (("create", "created", "open", "add", "added", "appoint", "raise", "written"), "新建了"),
    (("delete", "remove"), "删除了"),
    (("close", "closed"), "结束了"),
    (("tag_add",), "设为重点关注："),
    (("tag_clear",), "解除了重点关注："),
    (("level",), "调整了等级："),
    (("step", "done", "skipped"), "办理了步骤："),
    (("reviewed", "triage", "decision"), "复核了"),
    (("consent",), "登记了知情同意："),
    (("support_plan_version",), "保存了一生一策方案："),
    (("delivered", "receipt", "signed"), "登记了回执："),
)

# One verb per action; anything else reads "<who> <label>：<object>" (the generic fallback).
VERBS = {
    "sign_in": "登录了心桥", "sign_in_failed": "登录失败", "sign_in_refused": "被拒绝登录", "sign_out": "锁定或退出了心桥",
    "view_confidential": "查看了", "reveal_confidential": "在屏幕上显示了", "import": "导入了", "export": "导出了",
    "print": "打印了", "backup": "备份了数据", "restore": "恢复了数据", "account": "管理了账号",
    "settings": "修改了设置：", "audit_tampered": "发现审计日志被改动", "rekey": "更换了数据密钥",
    "tier_move": "把保密数据迁入了保密库", "transfer_in": "接收了转学档案", "exchange_import": "导入了区县交换包",
    "exchange_policy": "修改了区县交换设置", "exchange_centre_key": "登记了区县中心的公钥",
    "exchange_centre_key_out": "导出了区县中心的公钥", "exchange_school_registered": "登记了学校",
    "exchange_key_change": "更换了学校的交换密钥",
}
NO_OBJECT = {"sign_in", "sign_out", "backup", "restore", "rekey", "tier_move", "audit_tampered", "sign_in_refused"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, VERBS.get(action, action))


def detail_of(entry: AuditEntry) -> dict[str, Any] | str:
    """The detail as a dict when it is JSON, else the text."""
    text = entry.detail or ""
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        if isinstance(value, dict):
            return value
    return text


def object_of(target: str) -> tuple[str, str]:
    """("危机个案", "7") from "crisis_case:7"; a file or a name stays as it is."""
    table, sep, rest = target.partition(":")
    if sep and table in OBJECTS:
        return OBJECTS[table], rest
    if not sep and target in OBJECTS:
        return OBJECTS[target], ""
    if sep and table.replace("_", "").isalpha() and table.isascii() and "/" not in target and "\\" not in target:
        return "记录", rest           # a kind of record added later: no internal table name on screen
    return "", target


def _edit_verb(detail: dict[str, Any] | str) -> tuple[str, str]:
    if isinstance(detail, dict):
        for keys, verb in EDIT_VERBS:
            for k in keys:
                if k in detail:
                    value = detail[k]
                    extra = value if verb.endswith("：") and isinstance(value, str) and len(value) <= 30 else ""
                    return verb.rstrip("：") if not extra else verb, extra
    return "修改了", ""


def _readable_detail(detail: dict[str, Any] | str) -> str:
    """A short plain note from the detail: the text itself, or a reason / what was shown; never JSON."""
    if isinstance(detail, str):
        return detail if len(detail) <= 60 else detail[:60] + "…"
    for key in ("shown", "reason", "what", "kind"):
        value = detail.get(key)
        if isinstance(value, str) and value:
            return value if len(value) <= 60 else value[:60] + "…"
    return ""


def sentence(entry: AuditEntry, who: str, student: StudentName | None = None) -> str:
    """One audit line in Chinese: "王老师（counselor）新建了 七年级（1）班 张三 的危机个案（编号 7）"."""
    action = entry.action
    detail = detail_of(entry)
    obj, ref = object_of(entry.target)
    whose = f" {student} 的" if student is not None else ""
    if action in NO_OBJECT:
        note = _readable_detail(detail)
        return f"{who}{VERBS[action]}" + (f"（{note}）" if note else "")
    if action == "sign_in_failed":
        return f"账号 {entry.target or who} 登录失败" + (f"（{d}）" if (d := _readable_detail(detail)) else "")
    if action == "edit":
        verb, extra = _edit_verb(detail)
        if extra:
            return f"{who}{verb}{extra}（{student if student is not None else (obj or '记录')}）"
        thing = obj or "记录"
        number = f"（编号 {ref}）" if ref.isdigit() and obj and student is None else ""
        note = _readable_detail(detail) if not isinstance(detail, dict) or "reason" in detail else ""
        return f"{who}{verb}{whose}{thing}{number}" + (f"，原因：{note}" if note else "")
    if action in ("view_confidential", "reveal_confidential"):
        shown = _readable_detail(detail) if action == "reveal_confidential" else ""
        thing = shown or (f"{obj}的保密内容" if obj and obj != "学生档案" else "保密记录")
        return f"{who}{VERBS[action]}{whose}{thing}"
    if action in ("import", "export", "print"):
        thing = obj or entry.target or "文件"
        extra = ""
        if isinstance(detail, dict) and "encrypted" in detail:
            extra = "（已加密）" if detail["encrypted"] else "（未加密）"
        return f"{who}{VERBS[action]}{whose}{thing}{extra}"
    if action == "settings":
        note = _readable_detail(detail)
        return f"{who}修改了设置：{obj or entry.target}" + (f"（{note}）" if note else "")
    if action == "account":
        note = _readable_detail(detail)
        return f"{who}管理了账号 {entry.target}" + (f"：{note}" if note else "")
    known = VERBS.get(action)
    thing = obj or entry.target
    if known is not None:
        return f"{who}{known}" + (f"：{thing}" if thing else "")
    return f"{who}{action_label(action)}" + (f"：{thing}" if thing else "")   # an action added later
