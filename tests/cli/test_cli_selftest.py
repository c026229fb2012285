"""``--self-test`` and ``--version``: the self-test runs every step on a throwaway vault with the real key
derivation, reports a failed step in one Chinese line with a non-zero exit, and leaves nothing behind."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tomllib

from app import selftest
from app.cli import main
from app.config import PRODUCTION_KDF
from app.version import VERSION
from tests.conftest import ROOT

STEPS = ["建立临时数据库", "写入并读回记录", "量表计分", "生成信件 PDF", "绘制图表", "生成并校验交换数据包",
         "锁定并解锁", "校验数据库和审计日志", "界面组件", "界面中的图表"]


def test_self_test_passes_every_step_and_deletes_its_vault(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "main.py", "--self-test"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for step in STEPS:
        assert f"通过  {step}" in proc.stdout, step
    assert "自检通过" in proc.stdout
    assert list(scratch.iterdir()) == []       # the throwaway vault is gone


def test_the_vault_uses_the_real_key_derivation(tmp_path):
    ctx = selftest.Context(tmp_path)
    selftest.make_vault(ctx)
    try:
        slots = json.loads((tmp_path / "vault" / "keyslots.json").read_text("utf-8"))
        text = json.dumps(slots)
        assert str(PRODUCTION_KDF.memory_kib) in text   # 64 MiB Argon2id, not the test suite's cheap cost
    finally:
        ctx.s.close()


def test_a_failed_step_says_which_in_chinese_and_the_run_fails(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))

    def broken() -> None:
        raise selftest.SelfTestFailure("找不到打印组件。")

    def crashing() -> None:
        raise RuntimeError("boom")

    out, err = io.StringIO(), io.StringIO()
    code = selftest.run([("坏的步骤", broken), ("崩溃的步骤", crashing)], out=out, err=err)
    assert code == 1
    assert "自检失败：坏的步骤：找不到打印组件。" in err.getvalue()
    assert "自检失败：崩溃的步骤：RuntimeError: boom" in err.getvalue()
    assert "自检未通过：2 个步骤失败。" in err.getvalue()
    assert "通过  校验数据库和审计日志" in out.getvalue()  # the other steps still ran
    assert "自检通过" not in out.getvalue()
    assert list(scratch.iterdir()) == []


def test_a_step_that_finds_a_wrong_result_fails(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    monkeypatch.setattr(selftest, "render_chart", lambda ctx: selftest._check(False, "图表没有画成 PNG 图片。"))
    err = io.StringIO()
    assert selftest.run(out=io.StringIO(), err=err) == 1
    assert "自检失败：绘制图表（matplotlib）：图表没有画成 PNG 图片。" in err.getvalue()


def test_self_test_is_not_combined_with_a_sub_command(capsys):
    assert main(["--self-test", "students"]) == 2
    assert "--self-test 不能与子命令" in capsys.readouterr().err


def test_version_matches_the_package(capsys):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert VERSION == declared
    assert main(["--version"]) == 0
    assert f"心桥 XinQiao {declared}" in capsys.readouterr().out


def test_the_package_step_goes_through_the_real_exchange(tmp_path):
    """Step 5 exports a real county package (app.exchange: indicators, Ed25519 signature, age to the centre, fsync
    and read-back), recorded in the export history and the audit log as the window's export is."""
    ctx = selftest.Context(tmp_path)
    selftest.make_vault(ctx)
    try:
        selftest.write_and_read(ctx)
        selftest.make_package(ctx)
        db = ctx.s.db
        assert db.scalar("SELECT COUNT(*) FROM exchange_exports") == 1
        written = list((tmp_path / "usb").glob("XinQiao_*.age"))
        assert len(written) == 1 and written[0].read_bytes().startswith(b"age-encryption.org/v1")
        assert db.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND detail LIKE '%区县上报包%'") == 1
    finally:
        ctx.s.close()
