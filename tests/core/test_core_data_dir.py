"""Where the vault lives: the environment variable, else the folder the Windows installer recorded next to the
installed program (a drive that 还原卡 / 冰点 does not wipe), else the user's data folder."""
from __future__ import annotations

import sys

from app import config


def test_the_installed_program_uses_the_folder_chosen_at_install(tmp_path, monkeypatch):
    program = tmp_path / "程序"
    program.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program / "xinqiao.exe"))
    monkeypatch.delenv("XINQIAO_DATA_DIR")
    monkeypatch.setenv("XQ_DRIVE", str(tmp_path / "D盘"))
    default = config.default_data_dir()
    assert default != tmp_path / "D盘" / "心桥数据"                        # no file yet: the user's data folder
    (program / config.DATA_DIR_FILE).write_text("\ufeff${XQ_DRIVE}/心桥数据\r\n", "utf-8")  # as Inno Setup writes it
    assert config.default_data_dir() == tmp_path / "D盘" / "心桥数据"
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(tmp_path / "env"))
    assert config.default_data_dir() == tmp_path / "env"                  # the variable still wins


def test_a_source_checkout_ignores_a_stray_file(tmp_path, monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / config.DATA_DIR_FILE).write_text(str(tmp_path / "elsewhere"), "utf-8")
    assert config.installed_data_dir() is None
