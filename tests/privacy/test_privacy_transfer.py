"""Archive transfer (档案转接) from the marked vault to another school: the ordinary tier by default, the
confidential entries only by explicit choice with a reason (logged); by passphrase or the receiving school's key."""
from __future__ import annotations

import json

import pyrage
import pytest

from app.archive.chronology import timeline
from app.archive.seed import DemoStudent, insert_students
from app.errors import InputRejected
from app.exchange.package import PackageRefused
from app.exchange.transfer import school_key_text, transfer_in, transfer_out
from tests.privacy.builder import MARK_PREFIX, OWN_NAME


@pytest.fixture
def receiver(tmp_path, vault):
    """Another school whose roster has the marked vault's student (same registry number)."""
    from app.school.setup import create_vault
    from tests.conftest import PASSWORD

    s, _ = create_vault(tmp_path / "receiver", school_name="接收中学", username="counselor", password=PASSWORD)
    insert_students(s, [DemoStudent(vault.own_registry, OWN_NAME, "女", "2013-03-01", 8, 2, "家长", "母亲",
                                    "13800000000", False, False)])
    yield s
    s.close()


def _received(receiver):  # type: ignore[no-untyped-def]
    sid = int(receiver.db.scalar("SELECT id FROM students"))
    return [e for e in timeline(receiver, sid) if e.kind == "transfer"]


def test_ordinary_transfer_by_passphrase(counselor, receiver, vault, tmp_path):
    out = transfer_out(counselor, vault.own_registry, tmp_path / "usb", passphrase=True)
    assert out.passphrase and out.slip and out.slip.read_bytes().startswith(b"%PDF")
    # the slip (its passphrase opens the package) never lands on the stick beside the package
    assert out.slip.parent.name == "心桥转接单" and not list((tmp_path / "usb").glob("*.pdf"))
    plain = pyrage.passphrase.decrypt(out.path.read_bytes(), out.passphrase).decode("utf-8")
    assert MARK_PREFIX not in plain and OWN_NAME in plain
    assert out.events >= 1 and not out.confidential
    with pytest.raises(PackageRefused, match="口令不对"):
        transfer_in(receiver, out.path, passphrase="WRONG-PASS")
    got = transfer_in(receiver, out.path, passphrase=out.passphrase)
    assert (got.from_school, got.events, got.confidential_events, got.already) == ("隐私审计中学", out.events, 0, False)
    events = _received(receiver)
    assert len(events) == out.events and all("来自 隐私审计中学" in e.title for e in events)
    assert all(e.tier == "ordinary" for e in events)
    assert transfer_in(receiver, out.path, passphrase=out.passphrase).already     # twice changes nothing
    assert len(_received(receiver)) == out.events


def test_confidential_parts_go_only_with_a_reason_and_to_the_receiving_key(counselor, receiver, vault, tmp_path):
    key = tmp_path / "receiver.pub"
    key.write_text(school_key_text(receiver), "utf-8")
    with pytest.raises(InputRejected, match="理由"):
        transfer_out(counselor, vault.own_registry, tmp_path / "usb", recipient_file=key, confidential=True)
    out = transfer_out(counselor, vault.own_registry, tmp_path / "usb", recipient_file=key, confidential=True,
                       reason="升学转接，接收学校心理教师继续跟进")
    assert out.passphrase is None and out.confidential
    line = counselor.db.one("SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1")
    detail = json.loads(line[0])
    assert detail["confidential"] is True and detail["reason"] == "升学转接，接收学校心理教师继续跟进"
    got = transfer_in(receiver, out.path)
    assert got.confidential_events >= 1
    events = _received(receiver)
    conf = [e for e in events if e.tier == "confidential"]
    assert conf and any(MARK_PREFIX in e.detail or MARK_PREFIX in e.title for e in conf)
    # the confidential entries went to the receiver's confidential tier, not vault.db
    assert receiver.db.scalar("SELECT COUNT(*) FROM conf.exchange_transfer_events") == len(conf)
    ordinary_text = json.dumps([tuple(r) for r in receiver.db.query("SELECT * FROM exchange_transfer_events")],
                               ensure_ascii=False)
    assert MARK_PREFIX not in ordinary_text


def test_a_student_the_receiver_does_not_have_is_refused(counselor, vault, tmp_path):
    from app.school.setup import create_vault
    from tests.conftest import PASSWORD

    out = transfer_out(counselor, vault.own_registry, tmp_path / "usb", passphrase=True)
    empty, _ = create_vault(tmp_path / "empty", school_name="空学校", username="counselor", password=PASSWORD)
    try:
        with pytest.raises(InputRejected, match="没有学籍号"):
            transfer_in(empty, out.path, passphrase=out.passphrase)
    finally:
        empty.close()


def test_a_slip_is_refused_on_the_stick_that_carries_the_package(counselor, vault, tmp_path):
    usb = tmp_path / "usb"
    with pytest.raises(InputRejected, match="转接单不能和档案包写在同一个文件夹"):
        transfer_out(counselor, vault.own_registry, usb, passphrase=True, slip_to=usb)
    assert not usb.exists() or not list(usb.iterdir())          # nothing written
    out = transfer_out(counselor, vault.own_registry, usb, passphrase=True, slip_to=tmp_path / "desk")
    assert out.slip == tmp_path / "desk" / out.path.with_suffix(".pdf").name and out.slip.exists()
