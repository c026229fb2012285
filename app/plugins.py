"""Finding capability modules by name: ``app/<capability>/<kind>.py`` (timeline, workbench, searchable, ...)."""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import app

_loaded: dict[str, list[ModuleType]] = {}


def capability_modules(kind: str) -> list[ModuleType]:
    """Import (once) and return every ``app.<capability>.<kind>`` module, in capability-name order.

    Importing is what registers a capability's providers; a capability without such a module is skipped, but an
    import error inside an existing module is raised, not hidden.
    """
    if kind in _loaded:
        return _loaded[kind]
    found = []
    for info in sorted(pkgutil.iter_modules(app.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        name = f"app.{info.name}.{kind}"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
    _loaded[kind] = found
    return found
