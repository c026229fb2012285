"""心桥 XinQiao: no sub-command opens the window; a sub-command runs headless (see ``python main.py --help``)."""
import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
