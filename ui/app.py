"""Starting the window with the declared pages: the set-up wizard or the unlock screen, then the main window; with
``--demo`` a throwaway demo vault, with ``--screenshot`` a PNG of it (or, given a folder, PNGs of every page and
main dialog). The top of ``ui``: only this module, the
page list and ``ui.screenshots`` know every page."""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from app.capabilities import install_default
from app.config import default_data_dir
from app.logs import log_to_folder
from app.session import VaultPaths
from ui.pages import PAGES
from ui.shell import tasks
from ui.shell.application import (
    DEMO_PASSWORD,
    Shell,
    make_app,
    make_demo_vault,
    pick_screenshot_page,
    render_window,
    settle_garbage_collector,
)
from ui.shell.errors import install_excepthook, show_error
from ui.shell.main_window import MainWindow


def run_demo(app: QApplication, screenshot: str | None) -> int:
    folder = Path(tempfile.mkdtemp(prefix="xinqiao-demo-"))
    if not screenshot:
        install_excepthook(lambda: None)  # crash logs of the throwaway vault go to the user log folder
    try:
        session = make_demo_vault(folder / "vault")
        window = MainWindow(session, auto_backup=False, watch_os_lock=screenshot is None, pages=PAGES,
                            demo_note=f"演示数据（临时，关闭后删除） · 解锁密码 {DEMO_PASSWORD}")
        if screenshot:
            pick_screenshot_page(window)
            render_window(window, Path(screenshot))
            window._close_ok = True
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            return 0
        window.show()
        settle_garbage_collector()
        return app.exec()
    finally:
        tasks.wait_idle(5)
        shutil.rmtree(folder, ignore_errors=True)


def run_gui(args: argparse.Namespace) -> int:
    install_default()  # the window reads the declared capabilities (工作台, timeline, search, demo, ...)
    app = make_app()
    if getattr(args, "demo", False):
        screenshot = getattr(args, "screenshot", None)
        if screenshot and not screenshot.lower().endswith(".png"):
            # a folder: every page at 1280×800 and 1024×768 and the main dialogs (docs/screenshots/README.md)
            from ui.screenshots import render_all

            for p in render_all(Path(screenshot)):
                print(p)
            return 0
        return run_demo(app, screenshot)
    data_dir = Path(args.data_dir) if getattr(args, "data_dir", None) else default_data_dir()
    paths = VaultPaths(data_dir)
    install_excepthook(lambda: paths.logs if paths.root.exists() else None)
    if paths.exists():
        log_to_folder(paths.logs)  # warnings and errors, scrubbed of personal data (app/logs.py)
    shell = Shell(data_dir, getattr(args, "user", None) or "", pages=PAGES)
    try:
        shell.start()
    except Exception as e:  # noqa: BLE001 - a start-up failure gets the same dialog as any bug
        show_error(None, e)
        return 1
    code = app.exec()
    tasks.wait_idle(30)
    return code
