"""A package's underscore names are its own: no module imports ``_name`` from another package.

Packages are the second level (``app.screening``, ``app.tabular``, ``ui.imports``; a top-level module such as
``app.session`` is its own). import-linter's ``private_modules`` contract covers underscore *modules*; this covers
underscore *names* (functions, constants), including imports inside functions.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_imports_across_packages(roots: tuple[str, ...] = ("app", "ui")) -> list[str]:
    found = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            here = _package(_module_of(path))
            for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                if node.module.split(".")[0] not in roots or _package(node.module) == here:
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}")
    return found


def test_no_module_imports_an_underscore_name_from_another_package():
    assert private_imports_across_packages() == []


def test_the_check_sees_a_private_import_across_packages(tmp_path, monkeypatch):
    fake = tmp_path / "app" / "somecap"
    fake.mkdir(parents=True)
    (fake / "mod.py").write_text("def f():\n    from app.school.classnames import _hidden\n", "utf-8")
    (fake / "ok.py").write_text("from app.somecap.mod import _own\nfrom app.text import normalize_text\n", "utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert private_imports_across_packages(("app",)) == ["app/somecap/mod.py:2 app.school.classnames._hidden"]
