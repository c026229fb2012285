"""档案转接 in the window, with real files between two real vaults (issue 15): to the receiving school's key (its
fingerprint shown for a phone check) and to a one-time passphrase with a slip; the confidential parts only when
ticked, with a reason that the audit log keeps; the receiving window says what came and from where."""
from __future__ import annotations

import json

import pytest

from app.archive.chronology import CONFIDENTIAL, timeline
from app.archive.seed import DemoStudent, insert_students
from app.archive.students import get_student
from tests.conftest import PASSWORD
from ui.shell import dialogs

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def pair(school, tmp_path):
    """(sender, receiver, student): the demo school, another school whose roster has one of its students (the one
    with an open crisis case, so there is confidential text to keep back)."""
    from app.school.setup import create_vault

    sid = int(school.db.scalar("SELECT student_id FROM crisis_cases WHERE status = 'open' ORDER BY id LIMIT 1"))
    st = get_student(school.db, school.account, sid)
    assert any(e.tier == CONFIDENTIAL for e in timeline(school, sid))
    receiver, _ = create_vault(tmp_path / "receiver", school_name="接收中学", username="counselor", password=PASSWORD)
    insert_students(receiver, [DemoStudent(st.registry_no, st.name, "女", "2013-03-01", 8, 2, "家长", "母亲",
                                           "13800000000", False, False)])
    yield school, receiver, st
    receiver.close()


def _page(qtbot, session):  # type: ignore[no-untyped-def]
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    ctx = AppContext(session)
    p = declared("exchange").factory(ctx)
    qtbot.addWidget(p)
    p.show()
    return p, ctx


def _audit(session, action):  # type: ignore[no-untyped-def]
    return [json.loads(r[0]) for r in session.db.query("SELECT detail FROM audit_log WHERE action = :a ORDER BY id",
                                                       {"a": action})]


def test_transfer_to_the_receiving_schools_key_shows_its_fingerprint_and_sends_the_ordinary_tier(qtbot, pair, tmp_path):
    sender, receiver, st = pair
    # the receiving school hands out its key file (the window's 导出本校接收公钥), with its fingerprint
    recv_page, recv_ctx = _page(qtbot, receiver)
    dialogs.preanswer(str(tmp_path / "keys" / "接收中学.pub"), None)
    key_file = recv_page.export_school_key()
    assert key_file is not None and key_file.read_text("utf-8").count("age1") == 1
    fp = dialogs.shown[-1].text.split("指纹：")[1].split("\n")[0]

    page, _ctx = _page(qtbot, sender)
    dlg = page.transfer_out()
    assert dlg.isVisible() and dlg.draft_key == "transfer:out" and dlg.by_passphrase.isChecked()
    dlg.registry.setText(st.registry_no)
    dialogs.preanswer(str(key_file))
    dlg.choose_key()
    assert dlg.by_key.isChecked()
    assert fp in dlg.fingerprint.text() and "接收中学" in dlg.fingerprint.text() and "电话" in dlg.fingerprint.text()
    dlg.folder.setText(str(tmp_path / "usb"))
    dialogs.preanswer(None)                       # the result
    dlg.send_button.click()
    assert not dlg.isVisible()
    said = dialogs.shown[-1]
    assert said.title == "已转出" and fp in said.text and "口令" not in said.text and "安全拔出" in said.text
    [sent] = list((tmp_path / "usb").glob("*.age"))
    assert not list((tmp_path / "usb").glob("*.pdf"))           # no slip: nobody needs a passphrase
    assert st.name.encode("utf-8") not in sent.read_bytes()
    [logged] = [a for a in _audit(sender, "export") if a.get("what") == "档案转接"]
    assert logged["confidential"] is False and logged["to"] == str(key_file)

    # the receiving window: no passphrase; it says what came and from where, and opens the student
    opened: list[int] = []
    recv_ctx.open_student.connect(opened.append)
    inbox = recv_page.transfer_in()
    inbox.file.setText(str(sent))
    assert inbox.receive()
    text = inbox.outcome.text()
    assert f"来自 <b>{sender.school_name()}</b>" in text
    assert st.name in text and "其中保密 0 条" in text and "条" in inbox.received.summary()
    assert inbox.received.from_school == sender.school_name()
    came = [e for e in timeline(receiver, inbox.received.student_id) if e.kind == "transfer"]
    assert came and all(e.tier != CONFIDENTIAL for e in came)
    inbox.close()
    assert opened == [inbox.received.student_id]


def test_transfer_by_passphrase_with_the_confidential_parts_needs_a_reason_and_logs_it(qtbot, pair, tmp_path):
    sender, receiver, st = pair
    page, _ctx = _page(qtbot, sender)
    dlg = page.transfer_out()
    dlg.registry.setText(st.registry_no)
    dlg.folder.setText(str(tmp_path / "usb"))
    assert not dlg.reason.isEnabled()
    dlg.confidential.setChecked(True)
    assert dlg.reason.isEnabled()
    assert not dlg.send() and "理由" in dlg.error.text() and dlg.isVisible()
    dlg.reason.setPlainText("升学后由接收学校心理教师继续跟进")
    dialogs.preanswer(False)                      # "返回": nothing is written
    assert not dlg.send() and not (tmp_path / "usb").exists()
    dialogs.preanswer(True, None)
    dlg.send_button.click()
    said = dialogs.shown[-1].text
    phrase = dlg.result_out.passphrase
    assert phrase and phrase in said and "转接单" in said
    assert "不在U盘上" in said               # the slip carries the passphrase: it stays on this PC
    assert dlg.result_out.slip is not None and dlg.result_out.slip.exists()
    assert dlg.result_out.slip.parent != (tmp_path / "usb") and not list((tmp_path / "usb").glob("*.pdf"))
    [sent] = list((tmp_path / "usb").glob("*.age"))
    [logged] = [a for a in _audit(sender, "export") if a.get("what") == "档案转接"]
    assert logged["confidential"] is True and logged["reason"] == "升学后由接收学校心理教师继续跟进"
    assert logged["to"] == "passphrase"

    recv_page, _ = _page(qtbot, receiver)
    inbox = recv_page.transfer_in()
    inbox.file.setText(str(sent))
    inbox.passphrase.setText("WRONG-WRONG")
    assert not inbox.receive() and "口令不对" in inbox.error.text()
    inbox.passphrase.setText(phrase.lower())      # as typed off the slip
    assert inbox.receive()
    got = inbox.received
    assert got.confidential_events > 0 and f"其中保密 {got.confidential_events} 条" in inbox.outcome.text()
    assert inbox.passphrase.text() == ""          # the secret does not stay in the field
    again = recv_page.transfer_in()
    again.file.setText(str(sent))
    again.passphrase.setText(phrase)
    assert again.receive() and "已经导入过" in again.outcome.text()


def test_a_wrong_key_file_is_named_in_the_form(qtbot, pair, tmp_path):
    sender, _receiver, st = pair
    page, _ctx = _page(qtbot, sender)
    dlg = page.transfer_out()
    bad = tmp_path / "not-a-key.pub"
    bad.write_text("这不是公钥\n", "utf-8")
    dlg.by_key.setChecked(True)
    dlg.key_file.setText(str(bad))
    assert "不是学校的接收公钥文件" in dlg.fingerprint.text()
    dlg.registry.setText(st.registry_no)
    dlg.folder.setText(str(tmp_path / "usb"))
    assert not dlg.send() and "不是学校的接收公钥文件" in dlg.error.text()
    assert not (tmp_path / "usb").exists() and dlg.isVisible()
