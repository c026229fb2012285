"""``main.py`` chooses between the window and the command line; ``app.cli`` itself never opens a window."""
from __future__ import annotations

import argparse
import subprocess
import sys

from app.cli import main
from tests.conftest import ROOT


def test_no_sub_command_calls_the_window_it_is_given(capsys):
    seen: list[argparse.Namespace] = []

    def window(args: argparse.Namespace) -> int:
        seen.append(args)
        return 42

    assert main(["--demo"], window=window) == 42
    assert seen and seen[0].demo and seen[0].command is None
    assert main(["--screenshot", "x.png"], window=window) == 2      # --screenshot needs --demo
    assert "--screenshot 需要与 --demo 一起使用" in capsys.readouterr().err
    assert len(seen) == 1


def test_without_a_window_the_command_line_prints_its_help(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "子命令" in out and "import-roster" in out and "crisis" in out


def test_the_command_line_loads_no_qt_and_no_ui():
    code = ("import sys; from app.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "bad = sorted(m for m in sys.modules if m == 'ui' or m.startswith(('ui.', 'PySide6')))\n"
            "print('loaded:', bad)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "loaded: []" in proc.stdout


def test_usage_errors_are_in_chinese(capsys, tmp_path, monkeypatch):
    from app.cli import main

    monkeypatch.setenv("XINQIAO_DATA_DIR", str(tmp_path))
    assert main(["import-screening", "x.xls"]) == 2
    err = capsys.readouterr().err
    assert "缺少必需的参数：--scale, --campaign" in err and "required" not in err
    assert main(["students", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert "无法识别的参数：--bogus" in err and "用法：" in err and "usage" not in err
