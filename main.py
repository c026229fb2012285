"""心桥 XinQiao: no sub-command opens the window; a sub-command runs headless (see ``python main.py --help``)."""
import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the installed (PyInstaller) program reads .xls files in a child process
    sys.exit(main())
