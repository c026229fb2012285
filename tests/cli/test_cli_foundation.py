"""The command line as a user runs it: ``python main.py ...`` in a child process, password in the environment.

Exit codes (issue 2): 0 done; 2 usage; 3 input rejected; 4 wrong password or locked out; 5 integrity failure;
1 anything else.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
PASSWORD = "Cli-password-2026!"


def run(args: list[object], data: Path, *, user: str | None = "counselor", password: str | None = PASSWORD,
        env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("XINQIAO_")}
    e.update(XINQIAO_DATA_DIR=str(data), XINQIAO_TEST_FAST_KDF="1", QT_QPA_PLATFORM="offscreen")
    if user is not None:
        e["XINQIAO_USER"] = user
    if password is not None:
        e["XINQIAO_PASSWORD"] = password
    e.update(env or {})
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, env=e, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def ok(r: subprocess.CompletedProcess[str], code: int = 0) -> subprocess.CompletedProcess[str]:
    assert r.returncode == code, f"exit {r.returncode} (wanted {code})\nstdout: {r.stdout[-800:]}\nstderr: {r.stderr[-800:]}"
    return r


@pytest.fixture(scope="module")
def _template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("template")
    data = base / "school"
    r = ok(run(["init", "--school", "测试中学", "--user", "counselor"], data))
    code = [line.strip() for line in r.stdout.splitlines() if line.strip().count("-") == 5]
    assert len(code) == 1
    (base / "recovery.txt").write_text(code[0])
    ok(run(["import-roster", DATA / "roster_registry.xlsx"], data))
    return base


@pytest.fixture
def vault(_template, tmp_path) -> Path:
    """A vault made by ``init`` + ``import-roster`` (30 students), copied fresh for each test."""
    shutil.copytree(_template / "school", tmp_path / "school")
    shutil.copy(_template / "recovery.txt", tmp_path / "recovery.txt")
    return tmp_path / "school"


def test_init_prints_the_recovery_code_once_and_refuses_twice(vault, tmp_path):
    code = (tmp_path / "recovery.txt").read_text()
    assert len(code.replace("-", "")) == 24
    r = ok(run(["init", "--school", "又一次"], vault), 1)
    assert "已经有" in r.stderr
    assert code not in (vault / "keyslots.json").read_text()


def test_password_is_never_an_argument(tmp_path):
    r = ok(run(["init", "--school", "测试", "--password", "secret"], tmp_path / "x"), 2)
    assert "用法错误" in r.stderr
    for cmd in ([], ["init"], ["user", "add"]):
        helptext = run([*cmd, "--help"], tmp_path / "x").stdout
        assert "--password" not in helptext


def test_students_json_shape_and_class_forms(vault):
    rows = json.loads(ok(run(["students", "--json"], vault)).stdout)
    assert len(rows) == 30
    for row in rows:
        assert {"registry_no", "name", "gender", "birth_date", "grade", "class_name"} <= set(row)
    assert rows[0]["birth_date"][4] == "-" and len(rows[0]["birth_date"]) == 10
    by_form = {}
    for form in ("7.2", "初一2班", "七年级（2）班", "7-2"):
        by_form[form] = json.loads(ok(run(["students", "--class", form, "--json"], vault)).stdout)
    first = by_form["7.2"]
    assert len(first) == 5 and {r["class_name"] for r in first} == {"七年级（2）班"}
    assert all(v == first for v in by_form.values())
    assert len(json.loads(ok(run(["students", "--grade", "初二", "--json"], vault)).stdout)) == 10
    found = json.loads(ok(run(["students", "--search", "wzh", "--json"], vault)).stdout)
    assert [r["name"] for r in found] == ["王子涵"]
    text = ok(run(["students", "--class", "初一2班"], vault)).stdout
    assert "共 5 人" in text


def test_input_rejected_is_exit_3(vault):
    r = ok(run(["students", "--class", "火箭班"], vault), 3)
    assert "无法识别班级" in r.stderr
    ok(run(["students", "--class", "9.9"], vault), 3)
    ok(run(["students", "--grade", "大一"], vault), 3)
    r = ok(run(["students", "--class", "火箭班", "--json"], vault), 3)
    obj = json.loads(r.stdout)
    assert obj["ok"] is False and obj["errors"] == [] and obj["message"]


def test_import_rejected_report_and_skip(vault):
    r = ok(run(["import-roster", DATA / "roster_messy.xlsx", "--json"], vault), 3)
    report = json.loads(r.stdout)
    assert report["ok"] is False and report["written"] is False
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(11, "姓名"), (12, "出生日期"), (14, "全国学籍号"),
                                                                  (16, "班级")]
    assert all(set(e) >= {"row", "field", "reason"} for e in report["errors"])
    assert report["counts"]["new"] == 8 and report["counts"]["duplicates"] == 1
    assert len(json.loads(run(["students", "--json"], vault).stdout)) == 30  # nothing written
    r = ok(run(["import-roster", DATA / "roster_messy.xlsx"], vault), 3)
    assert "第 11 行" in r.stdout and "未写入" in r.stderr
    # the messy file puts 8 students into 七年级（3）班, which the school does not have: refused unless confirmed
    r = ok(run(["import-roster", DATA / "roster_messy.xlsx", "--skip-invalid", "--json"], vault), 3)
    assert "将新建班级：七年级（3）班（8 人）" in r.stderr and "--create-classes" in r.stderr
    assert json.loads(r.stdout)["new_classes"] == [{"class_name": "七年级（3）班", "students": 8}]
    assert len(json.loads(run(["students", "--json"], vault).stdout)) == 30  # nothing written
    r = ok(run(["import-roster", DATA / "roster_messy.xlsx", "--dry-run", "--skip-invalid", "--create-classes",
                "--json"], vault))
    assert json.loads(r.stdout)["written"] is False
    r = ok(run(["import-roster", DATA / "roster_messy.xlsx", "--skip-invalid", "--create-classes", "--json"], vault))
    report = json.loads(r.stdout)
    assert report["ok"] is True and report["written"] is True and isinstance(report["error_report"], int)
    assert not (vault / "reports").exists()
    shown = json.loads(ok(run(["import-errors", str(report["error_report"]), "--json"], vault)).stdout)
    assert sorted({e["row"] for e in shown["errors"]}) == [11, 12, 14, 16]
    assert len(json.loads(run(["students", "--json"], vault).stdout)) == 38
    again = json.loads(ok(run(["import-roster", DATA / "roster_registry_gbk.csv", "--json"], vault)).stdout)
    assert again["counts"]["unchanged"] == 30 and again["counts"]["new"] == 0
    ok(run(["import-roster", vault / "nope.xlsx"], vault), 3)


def test_wrong_password_and_lockout_are_exit_4(vault):
    for _ in range(4):
        r = ok(run(["students"], vault, password="wrong"), 4)
        assert "密码" in r.stderr
    r = ok(run(["students"], vault, password="wrong"), 4)
    assert "秒后重试" in r.stderr
    r = ok(run(["students"], vault), 4)  # locked out even with the right password
    assert "秒后重试" in r.stderr
    ok(run(["students"], vault, user="nobody"), 4)


def test_usage_errors_are_exit_2(vault, tmp_path):
    ok(run(["students"], vault, user=None), 2)
    ok(run(["no-such-command"], vault), 2)
    ok(run(["students", "--level", "7"], vault), 2)
    ok(run(["user", "add", "t", "--role", "head_teacher"], vault, env={"XINQIAO_NEW_PASSWORD": "x"}), 2)
    ok(run(["students"], vault, password=None), 2)  # no terminal to prompt on


def test_missing_vault_is_exit_1(tmp_path):
    r = ok(run(["students"], tmp_path / "nothing-here"), 1)
    assert "init" in r.stderr


def test_head_teacher_account_sees_only_their_class(vault):
    ok(run(["user", "add", "t72", "--role", "head_teacher", "--class", "初一2班"], vault,
           env={"XINQIAO_NEW_PASSWORD": "Teacher-2026!"}))
    rows = json.loads(ok(run(["students", "--json"], vault, user="t72", password="Teacher-2026!")).stdout)
    assert len(rows) == 5 and {r["class_name"] for r in rows} == {"七年级（2）班"}
    rows = json.loads(ok(run(["students", "--grade", "8", "--json"], vault, user="t72",
                             password="Teacher-2026!")).stdout)
    assert rows == []
    ok(run(["import-roster", DATA / "roster_registry.xlsx"], vault, user="t72", password="Teacher-2026!"), 1)
    users = json.loads(ok(run(["user", "list", "--json"], vault)).stdout)
    assert {u["username"] for u in users} == {"counselor", "t72"}


def test_recovery_code_resets_a_password(vault, tmp_path):
    code = (tmp_path / "recovery.txt").read_text().lower().replace("-", " ")
    ok(run(["user", "reset-password", "counselor"], vault, password=None,
           env={"XINQIAO_RECOVERY_CODE": code, "XINQIAO_NEW_PASSWORD": "Brand-new-2026"}))
    ok(run(["students"], vault), 4)
    ok(run(["students"], vault, password="Brand-new-2026"))
    ok(run(["user", "reset-password", "counselor"], vault, password=None,
           env={"XINQIAO_RECOVERY_CODE": "WRONG-CODE", "XINQIAO_NEW_PASSWORD": "x"}), 4)


def test_backup_restore_and_verify(vault, tmp_path):
    r = ok(run(["verify"], vault))
    assert "通过" in r.stdout and "完整" in r.stdout
    usb = tmp_path / "usb"
    r = ok(run(["backup", "--to", usb], vault))
    files = sorted(p.name for p in usb.iterdir())
    assert any(n.endswith(".db") for n in files) and any(n.endswith(".meta.json") for n in files)
    assert any(n.endswith(".keyslots.json") for n in files) and "学生 30" in r.stdout
    ok(run(["backup"], vault))
    assert len(list((vault / "backups").glob("xinqiao-*.db"))) == 1
    ok(run(["import-roster", DATA / "roster_messy.xlsx", "--skip-invalid", "--create-classes"], vault))
    assert len(json.loads(run(["students", "--json"], vault).stdout)) == 38
    backup = next(usb.glob("xinqiao-*.db"))
    # Without --yes and nobody to ask: the date and counts are shown, nothing is restored, exit 3.
    r = ok(run(["restore", backup], vault), 3)
    assert "学生 30" in r.stdout and str(dt.date.today().year) in r.stdout and "--yes" in r.stderr
    assert len(json.loads(run(["students", "--json"], vault).stdout)) == 38
    r = ok(run(["restore", backup, "--yes"], vault))
    assert "学生 30" in r.stdout and "quarantine" in r.stdout
    assert len(json.loads(ok(run(["students", "--json"], vault)).stdout)) == 30
    assert list((vault / "quarantine").glob("*/vault.db"))
    ok(run(["verify"], vault))
    # a new machine: only the USB stick is left
    fresh = tmp_path / "new-machine"
    ok(run(["restore", backup, "--yes"], fresh))
    assert len(json.loads(ok(run(["students", "--json"], fresh)).stdout)) == 30
    ok(run(["restore", tmp_path / "missing.db", "--yes"], fresh), 1)


def test_tampered_audit_log_makes_verify_exit_5(vault):
    from app.store.db import open_database
    from app.store.keyslots import KeySlots

    key = KeySlots.load(vault / "keyslots.json").unlock("counselor", PASSWORD)
    db = open_database(vault / "vault.db", key)
    with db.transaction():
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET account = 'someone' WHERE id = 2")
        db.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
                   " SELECT RAISE(ABORT, 'audit_log is append-only'); END;")
    db.close()
    r = ok(run(["verify"], vault), 5)
    assert "审计链" in r.stderr and "第 2 条" in r.stderr


def test_damaged_vault_is_exit_5_and_set_aside(vault):
    from app.store.db import open_database
    from app.store.keyslots import KeySlots

    key = KeySlots.load(vault / "keyslots.json").unlock("counselor", PASSWORD)
    db = open_database(vault / "vault.db", key)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    path = vault / "vault.db"
    data = bytearray(path.read_bytes())
    at = (len(data) // 4096 // 2) * 4096 + 777
    data[at:at + 16] = bytes(16)
    path.write_bytes(data)
    r = ok(run(["students"], vault), 5)
    assert "quarantine" in r.stderr and "备份" in r.stderr
    assert r.stderr.count("\n") <= 3  # one Chinese message, not a page of SQLCipher log lines
    assert [p.read_bytes() for p in (vault / "quarantine").glob("*/vault.db")] == [bytes(data)]
    ok(run(["students"], vault), 1)  # now missing: the newest backup is the way back


def test_import_roster_column_mapping_on_the_command_line(vault, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "学籍号", "所在年级班"])  # the class column has a name no synonym knows
    ws.append(["欧阳晓", "女", "G370202201300099001", "初二5班"])
    ws.append(["司马青", "男", "G370202201300099002", "8.5"])
    f = tmp_path / "odd.xlsx"
    wb.save(f)
    r = ok(run(["import-roster", f, "--json"], vault), 3)
    assert "班级" in r.stderr  # says which column is missing
    bad = ok(run(["import-roster", f, "--map", "klass=所在年级班"], vault), 3)
    assert "字段=表头" in bad.stderr
    ok(run(["import-roster", f, "--map", "class=所在年级班", "--save-profile", "学校自制名单", "--dry-run",
            "--create-classes"], vault))
    r = ok(run(["import-roster", f, "--profile", "学校自制名单", "--create-classes", "--json"], vault))
    assert json.loads(r.stdout)["counts"]["new"] == 2
    listed = json.loads(ok(run(["students", "--class", "八年级（5）班", "--json"], vault)).stdout)
    assert {s["name"] for s in listed} == {"欧阳晓", "司马青"}


def test_user_set_class_moves_a_head_teacher(vault):
    ok(run(["user", "add", "ht2", "--role", "head_teacher", "--class", "七年级（1）班"], vault,
           env={"XINQIAO_NEW_PASSWORD": "Teacher-two-2026!"}))
    ok(run(["user", "set-class", "ht2", "--class", "初一2班"], vault))
    mine = json.loads(ok(run(["students", "--json"], vault, user="ht2", password="Teacher-two-2026!")).stdout)
    assert mine and {s["class_name"] for s in mine} == {"七年级（2）班"}
    ok(run(["user", "set-class", "counselor", "--class", "7.2"], vault), 1)  # a counselor has no class
