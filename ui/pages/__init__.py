"""Pages of the main window, one module each, found by ``discover()``."""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def discover() -> list[ModuleType]:
    pages = []
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "PAGE_ID") and hasattr(mod, "create"):
            pages.append(mod)
    pages.sort(key=lambda m: m.ORDER)
    return pages
