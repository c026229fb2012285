"""The county centre: round trip, the register, foreign / tampered / replayed / older packages, the district."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.exchange.centre import district, import_packages, schools
from app.exchange.school import export_period
from app.indicators.periods import report_period
from tests.exchange.conftest import make_centre


def _export(school, folder, code="2026-11"):  # type: ignore[no-untyped-def]
    return export_period(school, report_period(school.db, code), folder)


def test_school_to_centre_round_trip(linked, tmp_path):
    school, centre = linked
    r = _export(school, tmp_path / "usb")
    got = import_packages(centre, tmp_path / "usb")
    assert [o.status for o in got] == ["registered"]
    assert r.fingerprint in got[0].reason            # shown for the phone check
    reg = schools(centre)
    assert reg[0]["name"] == "测试学校" and reg[0]["fingerprint"] == r.fingerprint
    view = district(centre, "2026-11")
    assert [s["name"] for s in view["schools"]] == ["测试学校"] and view["missing"] == []
    n = int(school.db.scalar("SELECT COUNT(*) FROM students"))
    assert view["schools"][0]["figures"]["probe.students"] == {"value": n, "target": 1, "ok": n >= 1}
    # a school registered but silent for another month is listed as missing
    assert district(centre, "2026-12")["missing"] == [{"name": "测试学校", "code": ""}]
    line = centre.db.one("SELECT target FROM audit_log WHERE action = 'exchange_import'")
    assert line[0] == str(r.path)


def test_the_same_package_twice_changes_nothing(linked, tmp_path):
    school, centre = linked
    _export(school, tmp_path / "usb")
    import_packages(centre, tmp_path / "usb")
    before = centre.db.query("SELECT * FROM exchange_packages")
    again = import_packages(centre, tmp_path / "usb")
    assert [o.status for o in again] == ["replay"] and "导入过" in again[0].reason
    assert [tuple(r) for r in centre.db.query("SELECT * FROM exchange_packages")] == [tuple(r) for r in before]


def test_an_older_package_never_overwrites_a_newer_one(linked, tmp_path):
    school, centre = linked
    old = _export(school, tmp_path / "old")
    new = _export(school, tmp_path / "new")
    assert import_packages(centre, tmp_path / "new")[0].status == "registered"
    got = import_packages(centre, tmp_path / "old")
    assert got[0].status == "older" and "不覆盖" in got[0].reason
    view = district(centre, "2026-11")
    assert view["schools"][0]["package_id"] == new.package_id != old.package_id
    # the older one, seen again, is a replay: nothing changes
    assert import_packages(centre, tmp_path / "old")[0].status == "replay"


def test_a_replayed_sequence_with_other_content_is_refused(linked, tmp_path):
    school, centre = linked
    _export(school, tmp_path / "a")
    import_packages(centre, tmp_path / "a")
    # the school's history is rolled back (e.g. a restored backup) and it signs a different package with number 1
    with school.db.transaction():
        school.db.execute("DELETE FROM exchange_export_items")
        school.db.execute("DELETE FROM exchange_exports")
    _export(school, tmp_path / "b")
    got = import_packages(centre, tmp_path / "b")
    assert got[0].status == "refused" and got[0].kind == "replay" and "重放" in got[0].reason


def test_the_wrong_centre_is_refused_with_a_clear_message(linked, tmp_path):
    school, _centre = linked
    other = make_centre(tmp_path / "other", "另一个县中心")
    try:
        _export(school, tmp_path / "usb")
        got = import_packages(other, tmp_path / "usb")
        assert got[0].status == "refused" and got[0].kind == "foreign"
        assert "不是加密给本单位的" in got[0].reason
        assert schools(other) == []
    finally:
        other.close()


def test_tampered_and_malformed_files_are_refused_per_file(linked, tmp_path):
    school, centre = linked
    r = _export(school, tmp_path / "usb")
    bad = tmp_path / "usb" / "flipped.age"
    data = bytearray(r.path.read_bytes())
    data[-10] ^= 0x40
    bad.write_bytes(bytes(data))
    (tmp_path / "usb" / "notes.age").write_text("hello")
    got = {o.file.rsplit("/", 1)[-1]: o for o in import_packages(centre, tmp_path / "usb")}
    assert got["flipped.age"].kind == "tampered" and got["notes.age"].kind == "malformed"
    assert got[r.path.name].status == "registered"


def test_a_new_signing_key_needs_explicit_confirmation(linked, tmp_path):
    school, centre = linked
    _export(school, tmp_path / "a")
    import_packages(centre, tmp_path / "a")
    with school.db.transaction():             # the school reinstalled: a new signing key
        school.db.execute("DELETE FROM conf.exchange_keys WHERE name = 'school_signing'")
    _export(school, tmp_path / "b")
    got = import_packages(centre, tmp_path / "b")
    assert got[0].kind == "key_changed" and "--confirm-key-change 测试学校" in got[0].reason
    assert district(centre, "2026-11")["schools"][0]["sequence"] == 1
    ok = import_packages(centre, tmp_path / "b", confirm_key_change=["测试学校"])
    assert ok[0].status == "imported" and schools(centre)[0]["key_changes"] == 1


def test_a_school_vault_cannot_act_as_centre(linked, tmp_path):
    from app.errors import InputRejected

    school, _ = linked
    with pytest.raises(InputRejected, match="init --centre"):
        import_packages(school, tmp_path)


def test_cli_export_verify_import_district(tmp_path, monkeypatch, capsys, probe):
    """The command line end to end, with exit 3 and the reason for a damaged package."""
    import json

    from app.cli import main
    from tests.conftest import PASSWORD

    def run(data, user, *argv):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("XINQIAO_DATA_DIR", str(data))
        monkeypatch.setenv("XINQIAO_USER", user)
        monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
        capsys.readouterr()
        code = main([str(a) for a in argv])
        got = capsys.readouterr()
        return code, got.out, got.err

    c, s = tmp_path / "c", tmp_path / "s"
    assert run(c, "centre", "init", "--centre", "--school", "某县中心", "--user", "centre")[0] == 0
    assert run(c, "centre", "centre-key", "--out", tmp_path / "centre.pub")[0] == 0
    assert run(s, "counselor", "init", "--school", "一中", "--code", "37020201", "--user", "counselor")[0] == 0
    code, out, _ = run(s, "counselor", "set-centre-key", tmp_path / "centre.pub")
    assert code == 0 and "指纹" in out
    code, out, _ = run(s, "counselor", "export", "--period", "2026-11", "--to", tmp_path / "usb", "--json")
    pkg = json.loads(out)["path"]
    assert code == 0 and pkg.endswith("XinQiao_37020201_2026-11_0001.age")
    assert run(s, "counselor", "verify-package", pkg)[0] == 0
    damaged = tmp_path / "damaged" / "x.age"
    damaged.parent.mkdir()
    data = bytearray(Path(pkg).read_bytes())
    data[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(data))
    code, _, err = run(s, "counselor", "verify-package", damaged)
    assert code == 3 and "损坏或被改动" in err
    code, out, _ = run(c, "centre", "import-packages", tmp_path / "usb", "--json")
    assert code == 0 and json.loads(out)["imported"] == 1
    code, _, err = run(c, "centre", "import-packages", tmp_path / "damaged")
    assert code == 3 and "损坏或被改动" in err
    code, out, _ = run(c, "centre", "district", "--period", "2026-11", "--json", "--out", tmp_path / "d.xlsx")
    assert code == 0 and json.loads(out)["schools"][0]["code"] == "37020201"
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "d.xlsx").active
    assert ws.cell(2, 1).value == "一中"


