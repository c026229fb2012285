"""Rules 4 and 5: no plaintext in the vault folder (database, WAL, backups, side files), and no plaintext left in
the system temp folder (or beside an export) by imports, exports, charts and backups."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from app import clock
from app.tabular.error_reports import export_error_report
from tests.privacy.builder import BUILT_AT, OWN_NAME, mark
from tests.privacy.files import xlsx_text
from tests.xlsx_crypto import EXPORT_PASSWORD

PROBES = [OWN_NAME, mark("个案保密"), mark("谈话individual"), "机密内容"]


def _plaintext_in(folder: Path, probes: list[str]) -> list[str]:
    found = []
    needles = [(p, enc, p.encode(enc)) for p in probes for enc in ("utf-8", "utf-16-le", "gb18030")]
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            raw = f.read_bytes()
            if f.suffix == ".xlsx":   # compressed: look inside too
                raw += xlsx_text(f).encode("utf-8")
            found += [f"{f.relative_to(folder)}: {p!r} ({enc})" for p, enc, b in needles if b in raw]
    return found


def test_vault_folder_has_no_plaintext_while_open_and_after_backup(counselor, vault, tmp_path):
    """With writes still in the WAL (session open), then after a backup to the vault and to a "USB stick"."""
    from app.backups import make_backup
    from app.casework.model import RecordInput
    from app.casework.records import create_record

    clock.set_fixed(BUILT_AT)
    fresh = mark("新写入")
    create_record(counselor, RecordInput("individual", [vault.own], "2026-11-19T10:00", 30, summary=OWN_NAME,
                                         confidential=fresh))
    assert (vault.root / "vault.db-wal").exists()
    assert _plaintext_in(vault.root, PROBES + [fresh]) == []
    usb = tmp_path / "usb"
    usb.mkdir()
    for dest in (counselor.paths.backups, usb):
        make_backup(counselor, dest)
    assert list(usb.iterdir())
    assert _plaintext_in(vault.root, PROBES + [fresh]) == []
    assert _plaintext_in(usb, PROBES + [fresh]) == []


def test_cli_backup_has_no_plaintext(cli, vault, tmp_path):
    from tests.privacy.builder import ADMIN

    code, _out, err = cli(ADMIN, "backup", "--to", str(tmp_path / "usb"))
    assert code == 0, err
    assert _plaintext_in(tmp_path / "usb", PROBES) == []


@pytest.fixture
def systemp(tmp_path, monkeypatch) -> Path:
    """An empty system temp folder for this test (TMPDIR and the tempfile module's cache)."""
    folder = tmp_path / "systemp"
    folder.mkdir()
    for var in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(var, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return folder


def _left_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _sessions_file(path: Path, registry: str, name: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["学籍号", "姓名", "日期", "类型", "时长（分钟）", "问题类别", "记录摘要", "保密记录"])
    ws.append([registry, name, "2026-10-11", "个体咨询", 30, "情绪", "导入的摘要", mark("导入保密")])
    ws.append(["G0000", "无此人", "2026-10-11", "个体咨询", 30, "情绪", "坏行", mark("导入坏行保密")])
    wb.save(path)
    return path


def test_imports_leave_no_temp_files(counselor, vault, systemp, tmp_path):
    from app.casework.importer import import_sessions
    from app.screening.importer import apply_screening, preview_screening

    clock.set_fixed(BUILT_AT)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = _sessions_file(inbox / "历史记录.xlsx", vault.own_registry, OWN_NAME)
    result = import_sessions(counselor, path, skip_invalid=True)
    assert result.error_report is not None
    export_error_report(counselor, result.error_report, inbox / "错误报告.xlsx", password=EXPORT_PASSWORD)
    wb = Workbook()
    ws = wb.active
    ws.append(["学籍号", "姓名", *[f"第{i}题" for i in range(1, 10)]])
    ws.append([vault.own_registry, OWN_NAME, *([1] * 9)])
    ws.append(["G0000", "无此人", *([1] * 9)])
    wb.save(inbox / "测评.xlsx")
    preview = preview_screening(counselor, inbox / "测评.xlsx", "phq9", campaign="审计测评", coding="score")
    apply_screening(counselor, preview, "审计测评", skip_invalid=True)
    assert _left_in(systemp) == []
    assert not [p for p in inbox.rglob("*") if p.suffix in (".partial", ".tmp") or p.name.startswith("~")]


def test_cli_import_leaves_no_temp_files(cli, vault, systemp, tmp_path):
    from tests.privacy.builder import PASSWORD

    clock.set_fixed(BUILT_AT)
    path = _sessions_file(tmp_path / "历史记录.xlsx", vault.own_registry, OWN_NAME)
    code, _out, err = cli(("counselor", PASSWORD), "import-sessions", str(path), "--skip-invalid", "--json")
    assert code in (0, 3), err
    assert _left_in(systemp) == []
    # the skip-invalid error report stays in the vault (no plain .xlsx in the data folder's reports/); it lists
    # the invalid rows' bad values only: never a row's confidential text
    assert not (vault.root / "reports").exists()
    assert _plaintext_in(vault.root, [mark("导入坏行保密"), mark("导入保密")]) == []


def test_exports_and_charts_leave_no_temp_files(counselor, systemp, tmp_path):
    from app.casework.export import export_xlsx as export_records
    from app.casework.records import RecordFilter, list_records
    from app.crisis.export import export_xlsx as export_crisis
    from app.screening.campaigns import list_campaigns
    from app.screening.charts import coverage_figure, levels_figure, positive_rate_figure, render_png
    from app.screening.export import export_ledger
    from app.screening.ledger import ledger_rows
    from app.screening.stats import campaign_stats

    out = tmp_path / "out"
    export_records(counselor, list_records(counselor, RecordFilter()), out / "r.xlsx", with_confidential=True,
                   password=EXPORT_PASSWORD)
    export_crisis(counselor, out / "c.xlsx", with_confidential=True, plain=True)
    rows = ledger_rows(counselor, today=dt.date(2026, 11, 20))
    for fmt in ("xlsx", "csv", "json"):
        export_ledger(counselor, rows, fmt, out / f"l.{fmt}", password=EXPORT_PASSWORD if fmt == "xlsx" else None,
                      plain=fmt != "xlsx")
    stats = campaign_stats(counselor, list_campaigns(counselor.db)[0].id)
    for fig in (coverage_figure(stats), levels_figure(stats), positive_rate_figure(stats)):
        assert render_png(fig).startswith(b"\x89PNG")
    assert _left_in(systemp) == []
    assert sorted(p.name for p in out.iterdir()) == ["c.xlsx", "l.csv", "l.json", "l.xlsx", "r.xlsx"]


def test_cli_exports_leave_no_temp_files(cli, systemp, tmp_path):
    from tests.privacy.builder import PASSWORD

    out = tmp_path / "out"
    me = ("counselor", PASSWORD)
    for argv in (["sessions", "--out", out / "s.xlsx"], ["crisis", "export", out / "c.xlsx", "--confidential"],
                 ["ledger", "--format", "xlsx", "--out", out / "l.xlsx"], ["backup", "--to", out / "usb"]):
        code, _o, err = cli(me, *argv)
        assert code == 0, err
    assert _left_in(systemp) == []
    assert not [p for p in out.rglob("*") if p.suffix in (".partial", ".tmp")]
