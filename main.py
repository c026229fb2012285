"""心桥 XinQiao: no sub-command opens the window; a sub-command runs headless (see ``python main.py --help``).

This is the one place that chooses between the window and the command line: ``app`` never imports ``ui``.
"""
import argparse
import multiprocessing
import sys

from app.cli import main


def open_window(args: argparse.Namespace) -> int:
    from ui.app import run_gui  # Qt only when the window is wanted

    return run_gui(args)


def window_self_test() -> list:
    from ui.shell.selftest import STEPS  # Qt only for the self-test's window steps

    return STEPS


if __name__ == "__main__":
    multiprocessing.freeze_support()  # the installed (PyInstaller) program reads .xls files in a child process
    sys.exit(main(window=open_window, self_test_steps=window_self_test))
