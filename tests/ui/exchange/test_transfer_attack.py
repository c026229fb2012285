"""档案转接 in the window against bad input, as a counselor would meet it: a read-only stick, a damaged key file, a
truncated package, the wrong school's package, the wrong or a missing passphrase, a student not in the roster.
Each ends in a message in the form, the form stays open, and nothing is written or imported."""
from __future__ import annotations

import subprocess

import pytest

from tests.ui.exchange.test_exchange_transfer import _audit, _page, pair  # noqa: F401 - the fixture
from ui.shell import dialogs

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _read_only(folder):  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        folder.chmod(0o555)
    try:
        (folder / ".probe").touch()
    except OSError:
        return folder
    (folder / ".probe").unlink()
    pytest.skip("cannot make a read-only folder here")


def _writable_again(folder) -> None:  # type: ignore[no-untyped-def]
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def _sent(qtbot, sender, st, folder, *, key=None):  # type: ignore[no-untyped-def]
    page, _ = _page(qtbot, sender)
    dlg = page.transfer_out()
    dlg.registry.setText(st.registry_no)
    if key is not None:
        dlg.by_key.setChecked(True)
        dlg.key_file.setText(str(key))
    dlg.folder.setText(str(folder))
    dialogs.preanswer(None)
    assert dlg.send(), dlg.error.text()
    return dlg.result_out


def test_transfer_out_to_a_read_only_folder_says_so_in_the_form(qtbot, pair, tmp_path):  # noqa: F811
    sender, _receiver, st = pair
    ro = _read_only(tmp_path / "只读U盘")
    try:
        page, _ = _page(qtbot, sender)
        dlg = page.transfer_out()
        dlg.registry.setText(st.registry_no)
        dlg.folder.setText(str(ro))
        dialogs.reset()
        assert not dlg.send()
        assert "权限" in dlg.error.text() or "只读" in dlg.error.text(), dlg.error.text()
        assert dlg.isVisible() and not [s for s in dialogs.shown if s.kind == "crash"]
        assert list(ro.iterdir()) == []
        assert not [a for a in _audit(sender, "export") if a.get("what") == "档案转接"]
    finally:
        _writable_again(ro)


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage\x00" * 50, b"", b"age1abc\nage1def\n",
                                     "\ufeff# 学校：x\nage1zzzz\n".encode()])
def test_a_damaged_key_file_is_named_in_the_form(qtbot, pair, tmp_path, content):  # noqa: F811
    sender, _receiver, st = pair
    bad = tmp_path / "key.pub"
    bad.write_bytes(content)
    page, _ = _page(qtbot, sender)
    dlg = page.transfer_out()
    dlg.registry.setText(st.registry_no)
    dlg.by_key.setChecked(True)
    for typed in (str(tmp_path), str(bad)):       # typing the path passes through its folder
        dlg.key_file.setText(typed)
    assert dlg.fingerprint.text(), "no word on the bad key file"
    dlg.folder.setText(str(tmp_path / "usb"))
    assert not dlg.send() and dlg.error.text() and dlg.isVisible()
    assert not (tmp_path / "usb").exists()


def _receive(qtbot, receiver, path, phrase=""):  # type: ignore[no-untyped-def]
    page, _ = _page(qtbot, receiver)
    inbox = page.transfer_in()
    inbox.file.setText(str(path))
    inbox.passphrase.setText(phrase)
    dialogs.reset()
    ok = inbox.receive()
    assert not [s for s in dialogs.shown if s.kind == "crash"]
    return ok, inbox


def _imported(receiver) -> int:  # type: ignore[no-untyped-def]
    return int(receiver.db.scalar("SELECT COUNT(*) FROM exchange_transfers WHERE direction = 'in'"))


def test_a_truncated_or_foreign_file_is_refused_with_a_message(qtbot, pair, tmp_path):  # noqa: F811
    sender, receiver, st = pair
    out = _sent(qtbot, sender, st, tmp_path / "usb")
    data = out.path.read_bytes()
    cases = {"截断": data[: len(data) // 2], "空": b"", "照片": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20}
    for name, blob in cases.items():
        f = tmp_path / f"{name}.age"
        f.write_bytes(blob)
        ok, inbox = _receive(qtbot, receiver, f, out.passphrase)
        assert not ok and inbox.error.text(), name
        ok, inbox = _receive(qtbot, receiver, f)
        assert not ok and inbox.error.text(), name
    ok, inbox = _receive(qtbot, receiver, tmp_path)          # a folder, not a file
    assert not ok and inbox.error.text()
    assert _imported(receiver) == 0


def test_a_package_for_another_school_or_the_wrong_passphrase(qtbot, pair, tmp_path):  # noqa: F811
    from app.exchange.transfer import school_key_text
    from app.school.setup import create_vault
    from tests.conftest import PASSWORD

    sender, receiver, st = pair
    third, _ = create_vault(tmp_path / "third", school_name="第三中学", username="counselor", password=PASSWORD)
    key = tmp_path / "third.pub"
    key.write_text(school_key_text(third), "utf-8")
    third.close()
    for_third = _sent(qtbot, sender, st, tmp_path / "usb1", key=key)
    ok, inbox = _receive(qtbot, receiver, for_third.path)
    assert not ok and "另一所学校" in inbox.error.text() and "区县中心" not in inbox.error.text()
    ok, inbox = _receive(qtbot, receiver, for_third.path, "ABCD-EFGH")   # a passphrase for a key package
    assert not ok and "不需要口令" in inbox.error.text(), inbox.error.text()
    by_phrase = _sent(qtbot, sender, st, tmp_path / "usb2")
    ok, inbox = _receive(qtbot, receiver, by_phrase.path)                 # the passphrase forgotten
    assert not ok and "用一次性口令加密" in inbox.error.text(), inbox.error.text()
    assert _imported(receiver) == 0


def test_a_student_not_in_the_roster(qtbot, pair, tmp_path):  # noqa: F811
    sender, receiver, _st = pair
    other = sender.db.query("SELECT registry_no FROM students ORDER BY id DESC LIMIT 1")[0][0]
    from app.archive.students import find_by_registry

    st = find_by_registry(sender.db, sender.account, other)
    out = _sent(qtbot, sender, st, tmp_path / "usb")
    ok, inbox = _receive(qtbot, receiver, out.path, out.passphrase)
    assert not ok and "花名册" in inbox.error.text() and other in inbox.error.text()
    assert _imported(receiver) == 0


@pytest.mark.qt_log_ignore("propagateSizeHints", r"does not support raise")
def test_a_second_click_on_transfer_out_brings_back_the_open_form(qtbot, pair, tmp_path):  # noqa: F811
    sender, _receiver, st = pair
    page, _ = _page(qtbot, sender)
    first = page.transfer_out()
    first.registry.setText(st.registry_no)
    again = page.transfer_out()
    assert again is first and first.registry.text() == st.registry_no
    first.hide()                                   # closed: the next click opens a fresh form
    assert page.transfer_out() is not first


def test_a_registry_number_on_another_child_is_refused(qtbot, school, tmp_path):
    """The receiving roster has the registry number on a child of another name (a digit mistyped on either
    side): the archive, confidential parts and all, must not land on that child's timeline."""
    from app.archive.seed import DemoStudent, insert_students
    from app.archive.students import get_student
    from app.school.setup import create_vault
    from tests.conftest import PASSWORD

    sid = int(school.db.scalar("SELECT student_id FROM crisis_cases ORDER BY id LIMIT 1"))
    st = get_student(school.db, school.account, sid)
    receiver, _ = create_vault(tmp_path / "receiver", school_name="接收中学", username="counselor", password=PASSWORD)
    try:
        other = "欧阳" + ("娜" if not st.name.endswith("娜") else "丽")
        insert_students(receiver, [DemoStudent(st.registry_no, other, "女", "2013-03-01", 8, 2, "家长", "母亲",
                                               "13800000000", False, False)])
        out = _sent(qtbot, school, st, tmp_path / "usb")
        ok, inbox = _receive(qtbot, receiver, out.path, out.passphrase)
        assert not ok and st.name in inbox.error.text() and other in inbox.error.text(), inbox.error.text()
        assert _imported(receiver) == 0
    finally:
        receiver.close()
