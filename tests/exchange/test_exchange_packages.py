"""The package file: sealed, written, read back; the stock age tool opens it; tampering is refused."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from app.errors import InputRejected
from app.exchange.package import PackageRefused, open_package, safe_name, schema, schema_problem
from app.exchange.school import export_history, export_period, own_identities, verify_file
from app.exchange.transfer import one_time_passphrase
from app.indicators.periods import report_period


def _export(school, tmp_path, code="2026-11"):  # type: ignore[no-untyped-def]
    return export_period(school, report_period(school.db, code), tmp_path / "usb")


def test_export_writes_one_checked_file_with_a_safe_name(linked, tmp_path):
    school, _ = linked
    r = _export(school, tmp_path)
    files = list((tmp_path / "usb").iterdir())
    assert files == [r.path]
    assert r.path.name == "XinQiao_测试学校_2026-11_0001.age"
    assert not set('<>:"/\\|?* ') & set(r.path.name)
    assert "安全拔出" in r.safe_message
    opened, signer = verify_file(school, r.path)
    assert opened.manifest["period"]["code"] == "2026-11" and "本校签名密钥" in signer
    assert opened.manifest["record_counts"]["figures"] == len(opened.payload["figures"]) >= 1
    # the audit line names the full path
    line = school.db.one("SELECT target, detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1")
    assert line[0] == str(r.path.resolve()) and json.loads(line[1])["encrypted"] is True


def test_payload_matches_the_published_schema(linked, tmp_path):
    import jsonschema
    import pyrage

    school, _ = linked
    r = _export(school, tmp_path)
    opened = open_package(r.path.read_bytes(), "x", identities=own_identities(school))
    content = {"manifest": opened.manifest, "payload": opened.payload}
    full = schema()
    jsonschema.Draft202012Validator.check_schema(full)
    envelope = json.loads(pyrage.decrypt(r.path.read_bytes(), own_identities(school)))
    jsonschema.validate(envelope, full)          # the file's top level is the envelope
    jsonschema.validate(content, {"$schema": full["$schema"], "$defs": full["$defs"], "$ref": "#/$defs/content"})
    assert schema_problem(content, "content") is None
    broken = dict(content, manifest=dict(opened.manifest, schema_version=2))
    assert schema_problem(broken, "content") is not None


def test_evidence_labels_never_travel_only_their_counts(linked, tmp_path):
    from tests.exchange.conftest import PROBE_NAME

    school, _ = linked
    r = _export(school, tmp_path)
    opened = open_package(r.path.read_bytes(), "x", identities=own_identities(school))
    fig = next(f for f in opened.payload["figures"] if f["key"] == "probe.students")
    assert fig["evidence_count"] == 1 and fig["missing_count"] == 1 and "evidence" not in fig
    assert PROBE_NAME not in json.dumps(opened.payload, ensure_ascii=False)


@pytest.mark.skipif(shutil.which("age") is None, reason="the stock age tool is not installed (apt-get install age)")
def test_the_stock_age_tool_opens_a_package_with_the_centres_identity(linked, tmp_path):
    school, centre = linked
    r = _export(school, tmp_path)
    secret = centre.db.scalar("SELECT secret FROM conf.exchange_keys WHERE name = 'centre_age'")
    ident = tmp_path / "centre.key"
    ident.write_text(secret + "\n")
    done = subprocess.run(["age", "-d", "-i", str(ident), str(r.path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    envelope = json.loads(done.stdout)
    assert envelope["format"] == "xinqiao-exchange"
    content = json.loads(envelope["signed"])
    assert content["manifest"]["school"]["name"] == "测试学校"
    # a reader without this app checks the signature over the exact bytes of "signed"
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    Ed25519PublicKey.from_public_bytes(base64.b64decode(envelope["signature"]["public_key"])).verify(
        base64.b64decode(envelope["signature"]["value"]), envelope["signed"].encode("utf-8"))


def test_a_flipped_byte_is_refused(linked, tmp_path):
    school, _ = linked
    r = _export(school, tmp_path)
    data = bytearray(r.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    r.path.write_bytes(bytes(data))
    with pytest.raises(PackageRefused) as e:
        verify_file(school, r.path)
    assert e.value.kind == "tampered" and "损坏或被改动" in str(e.value)


def test_a_forged_signature_is_refused(linked, tmp_path):
    """Re-encrypting a changed document with the right key but the old signature fails the signature check."""
    import pyrage

    from app.exchange.package import canonical, sha256

    school, _ = linked
    r = _export(school, tmp_path)
    idents = own_identities(school)
    env = json.loads(pyrage.decrypt(r.path.read_bytes(), idents))
    content = json.loads(env["signed"])
    content["payload"]["figures"][0]["value"] = 999
    content["manifest"]["content_hashes"]["payload"] = sha256(canonical(content["payload"]))
    env["signed"] = canonical(content).decode()
    forged = pyrage.encrypt(json.dumps(env).encode(), [i.to_public() for i in idents])
    with pytest.raises(PackageRefused) as e:
        open_package(forged, "forged.age", identities=idents)
    assert e.value.kind == "signature" and "签名验证失败" in str(e.value)


def test_not_a_package_and_wrong_period_are_refused_clearly(linked, tmp_path):
    school, _ = linked
    junk = tmp_path / "junk.age"
    junk.write_bytes(b"PK\x03\x04 not an age file")
    with pytest.raises(PackageRefused) as e:
        verify_file(school, junk)
    assert e.value.kind == "malformed" and "不是 age 加密文件" in str(e.value)
    with pytest.raises(InputRejected, match="2026-11"):
        report_period(school.db, "2026/13")


def test_export_needs_the_centres_key_and_a_counselor(session, tmp_path, head_teacher):
    from app.errors import PermissionDenied

    with pytest.raises(InputRejected, match="set-centre-key"):
        _export(session, tmp_path)
    with pytest.raises(PermissionDenied):
        _export(head_teacher, tmp_path)


def test_a_re_export_supersedes_the_earlier_and_history_remembers(linked, tmp_path):
    from app.exchange.school import carrying_package

    school, _ = linked
    first = _export(school, tmp_path)
    second = _export(school, tmp_path)
    assert second.sequence == first.sequence + 1 and second.superseded == first.package_id
    hist = export_history(school)
    assert [h["package_id"] for h in hist] == [second.package_id, first.package_id]
    assert hist[1]["superseded_by"] == second.package_id and hist[0]["superseded_by"] is None
    assert carrying_package(school.db, "figure", "probe.students") == second.package_id


def test_a_semester_period_from_the_calendar(linked, tmp_path):
    school, _ = linked
    from app.school.calendar import list_semesters

    sem = list_semesters(school.db)[0]
    first, second = sem.year_name.split("-")
    p = report_period(school.db, f"{first}-{second}-1")
    assert p.kind == "semester" and p.start.isoformat() == sem.start_date
    r = _export(school, tmp_path, f"{first}-{second}-1")
    assert r.period_code == f"{first}-{second}-1"


def test_small_helpers():
    assert safe_name('a:b/c*?"<>| d') == "a-b-c-d"
    assert len(one_time_passphrase()) == 29


@pytest.mark.parametrize("damage", [
    lambda c: c["payload"]["figures"][0].__setitem__("value", "九十"),
    lambda c: c["payload"]["figures"][0].pop("key"),
    lambda c: c["payload"]["figures"][0].__setitem__("ok", "yes"),
    lambda c: c["payload"].pop("named"),
    lambda c: c["payload"]["named"].__setitem__("level1", [{"name": "某某"}]),
    lambda c: c["manifest"].__setitem__("sequence", 0),
    lambda c: c["manifest"]["period"].__setitem__("code", "2026年11月"),
])
def test_the_fast_payload_check_refuses_what_the_schema_refuses(linked, tmp_path, damage):
    import copy

    from app.exchange.package import content_problem

    school, _ = linked
    r = _export(school, tmp_path)
    opened = open_package(r.path.read_bytes(), "x", identities=own_identities(school))
    content = {"manifest": opened.manifest, "payload": opened.payload}
    assert content_problem(content) is None and schema_problem(content, "content") is None
    broken = copy.deepcopy(content)
    damage(broken)
    assert schema_problem(broken, "content") is not None
    assert content_problem(broken) is not None
