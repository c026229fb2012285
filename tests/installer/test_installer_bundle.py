"""The frozen one-folder build (installer/xinqiao.spec) builds and proves itself: ``xinqiao --self-test`` passes
inside the bundle, ``--version`` answers, and the bundle holds the resources, only the Qt modules in use and
matplotlib's QtAgg backend only. Slow (a few minutes): ``make test-all``; needs PyInstaller (``pip install -e
'.[build]'``), else it is skipped."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.version import VERSION
from tests.conftest import ROOT

QT_IN_USE = {"QtCore", "QtGui", "QtWidgets", "QtDBus", "QtPrintSupport", "QtSvg"}


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.mark.slow
def test_the_bundle_builds_and_passes_its_self_test(tmp_path):
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: pip install -e '.[build]' (the `build` extra) to run this test")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("XINQIAO_TEST_FAST_KDF", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    build = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(tmp_path / "dist"),
                            "--workpath", str(tmp_path / "work"), str(ROOT / "installer" / "xinqiao.spec")],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stderr[-4000:]
    bundle = tmp_path / "dist" / "xinqiao"
    exe = bundle / ("xinqiao.exe" if sys.platform == "win32" else "xinqiao")
    assert exe.exists()

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    test_run = subprocess.run([str(exe), "--self-test"], env={**env, "TMPDIR": str(scratch)}, capture_output=True,
                              text=True, timeout=600)
    print(test_run.stdout, test_run.stderr)
    assert test_run.returncode == 0, test_run.stdout + test_run.stderr
    assert "自检通过" in test_run.stdout
    assert list(scratch.iterdir()) == []
    version = subprocess.run([str(exe), "--version"], env=env, capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and f"心桥 XinQiao {VERSION}" in version.stdout

    internal = bundle / "_internal"
    for resource in ("resources/licences.json", "resources/fonts/DroidSansFallbackFull.ttf",
                     "resources/fonts/LICENSE-Apache-2.0.txt", "resources/icons/xinqiao.png",
                     "resources/scales/phq9.json", "resources/crisis/steps.json", "resources/passwords/common.txt",
                     "app/store/migrations/001_foundation.sql",
                     "app/store/conf_migrations/001_confidential_foundation.sql"):
        assert (internal / resource).exists(), resource
    qt_modules = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.*") if p.is_file()}
    assert qt_modules <= QT_IN_USE, qt_modules - QT_IN_USE
    assert {"QtCore", "QtGui", "QtWidgets"} <= qt_modules
    toc = (tmp_path / "work" / "xinqiao" / "PYZ-00.toc").read_text("utf-8", errors="replace")
    assert "'matplotlib.backends.backend_qtagg'" in toc
    for other in ("backend_tkagg", "backend_wxagg", "backend_gtk4agg", "backend_macosx", "backend_webagg"):
        assert f"'matplotlib.backends.{other}'" not in toc, other
    for dev in ("'pytest'", "'hypothesis'", "'tests.conftest'", "'PySide6.QtNetwork'", "'tkinter'"):
        assert dev not in toc, dev
    print(f"bundle: {folder_size(bundle) / 2**20:.0f} MiB in {sum(1 for _ in bundle.rglob('*'))} files")
