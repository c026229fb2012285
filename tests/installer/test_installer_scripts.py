"""The Inno Setup script (it cannot be compiled here): Chinese, the app icon and a desktop shortcut, the data
folder chosen on its own page and recorded for the program, nothing of the data folder deleted on uninstall, the
version in step with the program."""
from __future__ import annotations

import re

from app.config import DATA_DIR_FILE
from app.version import VERSION
from tests.conftest import ROOT

ISS = ROOT / "installer" / "xinqiao.iss"


def script() -> str:
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads a script as Unicode only with a UTF-8 BOM"
    return raw.decode("utf-8-sig")


def section(text: str, name: str) -> str:
    m = re.search(rf"^\[{name}\]\n(.*?)(?=^\[|\Z)", text, re.S | re.M)
    assert m, name
    return m.group(1)


def test_chinese_icon_and_desktop_shortcut():
    text = script()
    assert "ChineseSimplified.isl" in section(text, "Languages")
    setup = section(text, "Setup")
    icon = re.search(r"^SetupIconFile=(.+)$", setup, re.M)
    assert icon and (ISS.parent / icon.group(1).strip().replace("\\", "/")).resolve().exists()
    assert "UninstallDisplayIcon={app}\\xinqiao.exe" in setup
    assert "ArchitecturesAllowed=x64compatible" in setup and "MinVersion=10.0" in setup
    assert re.search(r'^Name: "desktopicon"', section(text, "Tasks"), re.M)
    icons = section(text, "Icons")
    assert re.search(r'^Name: "\{autodesktop\}\\心桥"; Filename: "\{app\}\\xinqiao.exe".*Tasks: desktopicon', icons, re.M)


def test_the_version_is_the_programs():
    assert re.search(rf'^#define AppVersion "{re.escape(VERSION)}"', script(), re.M)


def test_the_data_folder_is_chosen_recorded_and_kept_on_uninstall():
    text = script()
    code = section(text, "Code")
    assert "CreateInputDirPage" in code and "{localappdata}\\XinQiao" in code
    assert f"{{app}}\\{DATA_DIR_FILE}" in code and "SaveStringsToUTF8File" in code
    assert "还原卡" in text and "冰点" in text
    deleted = section(text, "UninstallDelete")
    entries = [line for line in deleted.splitlines() if line.strip() and not line.startswith(";")]
    assert entries == [f'Type: files; Name: "{{app}}\\{DATA_DIR_FILE}"']   # the program's own file, never data
    assert "DelTree" not in code and "DeleteFile" not in code
