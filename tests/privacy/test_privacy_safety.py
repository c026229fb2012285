"""Issue 9's new paths: same-day alerts, held results and season items on 工作台 and in ``workbench --json``.
A 班主任 and a 管理员 see no machine-made label (no same-day alert, no critical item, no held result)."""
from __future__ import annotations

import json

from tests.privacy.builder import ADMIN, TEACHER
from tests.privacy.conftest import assert_clean, load_json


def test_the_counselor_sees_the_same_day_items_first(cli, vault):
    """First after the crisis steps due now (the 今天必须完成 band's order, issue 11), above everything else."""
    from tests.privacy.builder import PASSWORD

    code, out, _err = cli(("counselor", PASSWORD), "workbench", "--json")
    items = load_json(out)
    crisis = next(n for n, i in enumerate(items) if i["urgency"] != "crisis")
    assert code == 0 and items[crisis]["urgency"] == "same_day" and "第9题阳性" in items[crisis]["title"]
    assert all(i["group"] == "今天必须完成" and i["kind"] == "crisis_step" for i in items[:crisis])


def test_head_teacher_and_admin_see_no_same_day_alert_or_critical_item(cli, vault):
    for who in (TEACHER, ADMIN):
        code, out, _err = cli(who, "workbench", "--json")
        assert code == 0
        items = load_json(out) or []
        text = json.dumps(items, ensure_ascii=False)
        assert not [i for i in items if i["urgency"] == "same_day" or i["kind"] in ("same_day", "screening_held")]
        assert "第9题" not in text and "阳性" not in text and "一级" not in text and "自伤" not in text
        assert_clean(items, what=f"workbench --json as {who[0]}")


def test_alerts_are_read_by_counselors_only(teacher, admin, counselor):
    from app.safety.alerts import open_alerts
    from app.screening.held import held_results

    assert open_alerts(counselor) and open_alerts(teacher) == [] and open_alerts(admin) == []
    assert held_results(teacher) == [] and held_results(admin) == []
