"""The program's version: ``xinqiao --version``, the About dialog, the installer (keep in step with pyproject.toml;
a test checks)."""
from __future__ import annotations

VERSION = "0.1.0"
NAME = "心桥 XinQiao"


def version_line() -> str:
    import platform

    return f"{NAME} {VERSION}（Python {platform.python_version()}，{platform.system()} {platform.machine()}）"
