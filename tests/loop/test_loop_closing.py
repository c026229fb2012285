"""Closing a month, carry-over as 整改 items, amendments with history, sign-off, the meeting, attachments,
the edited checklist, the command line and the summary PDF."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest

from app import clock
from app.errors import InputRejected
from app.loop.months import amend_item, amendments, carry_item, close_month, month_sheet, set_item, sign_off
from tests.loop.conftest import item


def _finish(session, month, reason="下月补齐"):
    """Tick every item that takes a tick; carry the rest."""
    for it in month_sheet(session, month).items:
        if it.status == "open" and it.needs_tick:
            set_item(session, it.id, ticked=True)
    for it in month_sheet(session, month).open_items():
        carry_item(session, it.id, reason)


def test_closing_needs_every_item_done_or_carried_and_carried_items_return_as_rectification(session, pupils, t0):
    clock.set_fixed(dt.datetime(2026, 11, 20, 9, 0))
    sheet = month_sheet(session, "2026-10")
    with pytest.raises(InputRejected, match="项未完成") as e:
        close_month(session, "2026-10")
    assert "结转" in str(e.value)
    open_one = sheet.open_items()[0]
    with pytest.raises(InputRejected, match="须写明原因"):
        carry_item(session, open_one.id, "  ")
    month_sheet(session, "2026-11")          # November begun before October closes
    _finish(session, "2026-10", "10 月记录未补齐")
    closed = close_month(session, "2026-10")
    carried = [i for i in closed.items if i.status == "carried"]
    assert closed.closed and carried
    nov = month_sheet(session, "2026-11")
    rectify = [i for i in nov.items if i.rectify]
    assert [r.title for r in rectify] == [f"整改：{c.title}（10月结转：10 月记录未补齐）" for c in carried]
    assert all(r.kind == "manual" and r.status == "open" for r in rectify)
    with pytest.raises(InputRejected, match="已经关闭"):
        close_month(session, "2026-10")


def test_a_month_begun_after_the_previous_closed_gets_its_rectification_items(session, pupils, t0):
    clock.set_fixed(dt.datetime(2026, 10, 30, 9, 0))
    _finish(session, "2026-10")
    close_month(session, "2026-10")
    clock.set_fixed(dt.datetime(2026, 11, 2, 9, 0))
    assert any(i.rectify for i in month_sheet(session, "2026-11").items)


def test_a_closed_month_is_frozen_and_changes_only_by_amendment_with_history(session, class_ids, t0):
    from app.network.reports import ReportInput, add_report

    clock.set_fixed(dt.datetime(2026, 11, 20, 9, 0))
    _finish(session, "2026-10")
    close_month(session, "2026-10")
    before = item(month_sheet(session, "2026-10"), "预警网络月报")
    assert (before.status, before.value) == ("carried", "0/4")
    add_report(session, ReportInput("2026-10-20", "psych_rep", "委员", class_id=class_ids["7.1"], period="2026-10"))
    assert item(month_sheet(session, "2026-10"), "预警网络月报").value == "0/4"   # frozen at close
    with pytest.raises(InputRejected, match="修正"):
        set_item(session, before.id, note="补记")
    with pytest.raises(InputRejected, match="修正原因"):
        amend_item(session, before.id, "", status="done")
    amend_item(session, before.id, "10 月月报已于 11 月补交", status="done", note="补交后核对无误")
    after = item(month_sheet(session, "2026-10"), "预警网络月报")
    assert (after.status, after.note) == ("done", "补交后核对无误")
    history = amendments(session, "2026-10")
    assert [(h.field, h.old_value, h.new_value) for h in history] == [("状态", "carried", "done"),
                                                                      ("备注", "", "补交后核对无误")]
    assert all(h.reason == "10 月月报已于 11 月补交" and h.by for h in history)
    with pytest.raises(Exception, match="append-only"):
        session.db.execute("UPDATE loop_amendments SET reason = 'x'")


def test_sign_off_by_counselor_and_the_group_leader(session, pupils, group, t0):
    month_sheet(session, "2026-11")
    with pytest.raises(InputRejected, match="尚未关闭"):
        sign_off(session, "2026-11", "counselor")
    _finish(session, "2026-11")
    close_month(session, "2026-11")
    sign_off(session, "2026-11", "counselor")
    with pytest.raises(InputRejected, match="组长是“张校长”"):
        sign_off(session, "2026-11", "leader", leader_name="李主任")
    sign_off(session, "2026-11", "leader")
    sheet = month_sheet(session, "2026-11")
    assert (sheet.counselor_signed_by, sheet.leader_name) == (session.account.label, "张校长")


def test_leader_sign_off_needs_a_group_leader(session, pupils, t0):
    _finish(session, "2026-11")
    close_month(session, "2026-11")
    with pytest.raises(InputRejected, match="尚未设置组长"):
        sign_off(session, "2026-11", "leader")


def test_the_meeting_must_cover_four_topics_with_attendees_from_the_group(session, pupils, group, t0):
    from app.loop.meetings import TOPICS, record_meeting

    with pytest.raises(InputRejected, match="不是领导小组成员"):
        record_meeting(session, "2026-11-02", ["张校长", "路人甲"], list(TOPICS), "纪要")
    with pytest.raises(InputRejected, match="还没有到"):
        record_meeting(session, "2026-11-09", ["张校长"], list(TOPICS), "纪要")
    record_meeting(session, "2026-11-02", ["张校长", "李主任"], ["problems", "archive", "crisis"], "纪要")
    it = item(month_sheet(session, "2026-11"), "领导小组")
    assert it.status == "open" and "未涉及：“1+1”课程与活动" in it.evidence[0].label
    record_meeting(session, "2026-11-02", ["张校长"], ["one_plus_one"], "补充议题")
    assert item(month_sheet(session, "2026-11"), "领导小组").status == "done"


def test_an_attachment_is_kept_inside_the_vault(session, pupils, t0, tmp_path):
    from app.loop.attachments import add_attachment, read_attachment

    scan = tmp_path / "签到表.jpg"
    scan.write_bytes(b"\xff\xd8scanned-sign-in-sheet" * 100)
    it = item(month_sheet(session, "2026-11"), "家长学校签到表")
    aid = add_attachment(session, it.id, scan)
    scan.unlink()
    assert read_attachment(session, aid) == ("签到表.jpg", b"\xff\xd8scanned-sign-in-sheet" * 100)
    assert [a.filename for a in item(month_sheet(session, "2026-11"), "家长学校签到表").attachments] == ["签到表.jpg"]
    vault_files = [p for p in session.paths.root.rglob("*") if p.is_file()]
    assert not any(b"scanned-sign-in-sheet" in p.read_bytes() for p in vault_files)


def test_an_edited_checklist_is_kept_in_the_vault_and_used_by_new_months(session, pupils, t0):
    from app.loop.checklist import checklist_raw, save_checklist

    raw = checklist_raw(session.db)
    bad = {**raw, "items": [*raw["items"], {"key": "X1", "ledger": "E", "kind": "computed", "title": ""}]}
    with pytest.raises(InputRejected) as e:
        save_checklist(session, bad)
    assert "第 20 项的台账“E”无效" in str(e.value) and "第 20 项缺少标题" in str(e.value)
    raw["items"].append({"key": "D9", "ledger": "D", "kind": "manual", "title": "心理健康家长会"})
    save_checklist(session, raw)
    assert item(month_sheet(session, "2026-11"), "心理健康家长会").kind == "manual"


def test_future_month_refused(session, pupils, t0):
    with pytest.raises(InputRejected, match="还没有到"):
        month_sheet(session, "2026-12")


def test_command_line_loop_indicators_and_summary_pdf(session, pupils, monkeypatch, capsys, tmp_path):
    from app.cli import main
    from tests.conftest import PASSWORD

    root = session.paths.root
    session.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    assert main(["loop", "--month", "2026-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == "2026-11" and {i["ledger"] for i in data["items"]} == {"A", "B", "C", "D"}
    assert main(["indicators", "--period", "2026-2027-1", "--json"]) == 0
    figs = json.loads(capsys.readouterr().out)
    assert figs["network.reports_in"]["key"] == "network.reports_in" and "casework.talk_coverage" in figs
    assert main(["indicators", "--period", "明年"]) == 3
    assert "无法识别期间" in capsys.readouterr().err
    pdf = tmp_path / "小结.pdf"
    assert main(["loop", "--month", "2026-11", "--summary", str(pdf)]) == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        for words in ("心育", "台账 A", "测评与档案", "危机干预与转介", "课程与活动", "家校协同", "预警网络月报全部交齐"):
            assert words in text


def test_checklist_export_and_import_on_the_command_line(session, pupils, monkeypatch, capsys, tmp_path):
    from app.cli import main
    from app.loop.checklist import load_checklist
    from tests.conftest import PASSWORD

    root = session.paths.root
    session.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    f = tmp_path / "清单.json"
    assert main(["loop-checklist", "--export", str(f)]) == 0
    raw = json.loads(f.read_text("utf-8"))
    raw["ledgers"]["C"] = "课程、活动与宣传"
    f.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    assert main(["loop-checklist", "--import", str(f)]) == 0
    f.write_text("{not json", "utf-8")
    assert main(["loop-checklist", "--import", str(f)]) == 3
    assert "无法读取清单文件" in capsys.readouterr().err
    from app.session import open_session

    s = open_session(root, "counselor", PASSWORD)
    try:
        assert load_checklist(s.db).ledgers["C"] == "课程、活动与宣传"
    finally:
        s.close()
