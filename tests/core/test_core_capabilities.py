"""The capability declarations: one registry built from a fixed list, refusing duplicates, read in declared order;
importing a capability registers nothing; no import cycle between the archive's students and its timeline."""
from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from app import capability
from app.capabilities import CAPABILITIES, default_registry
from app.capability import Capability, DuplicateCapability, Registry
from app.workbench import WorkItem, work_items

ROOT = Path(__file__).resolve().parents[2]


def test_a_duplicate_name_is_refused():
    with pytest.raises(DuplicateCapability, match="crisis"):
        Registry([Capability("crisis", "危机干预"), Capability("archive", "学生档案"), Capability("crisis", "又一个")])
    with pytest.raises(DuplicateCapability, match="crisis"):
        default_registry().extended(Capability("crisis", "第二个危机干预"))


def test_a_search_source_claimed_twice_is_refused():
    with pytest.raises(DuplicateCapability, match="'notes'"):
        Registry([Capability("a", "甲", search=(("notes", object()),)), Capability("b", "乙", search=(("notes", object()),))])


def test_the_default_registry_is_the_declared_list_in_its_order():
    reg = default_registry()
    assert reg.names() == [c.name for c in CAPABILITIES]
    assert len(set(reg.names())) == len(reg)
    # every capability package of app/ declares itself, and is listed
    packages = sorted(p.parent.name for p in (ROOT / "app").glob("*/capability.py"))
    assert sorted(reg.names()) == packages
    # the seams are read in that order too (timeline: archive first; demo: casework, crisis, screening)
    assert [name for name, _fn in reg.timeline_providers()] == ["archive", "casework", "crisis", "screening",
                                                                 "network", "letters",
                                                                 "exchange"]
    assert [fn.__module__ for fn in reg.demo_populators()] == ["app.casework.demo", "app.crisis.demo",
                                                                "app.screening.demo", "app.network.demo",
                                                                "app.courses.demo", "app.people.demo",
                                                                "app.loop.demo"]
    assert set(reg.search_sources()) == {"casework", "crisis", "crisis_incident", "network_report"}


def test_consumers_read_the_installed_registry_in_declared_order(session, use_registry):
    calls: list[str] = []

    def provider(name: str):  # type: ignore[no-untyped-def]
        def items(_s, _d):  # type: ignore[no-untyped-def]
            calls.append(name)
            return [WorkItem("note", "其他", f"来自{name}")]
        return items

    use_registry(Registry([Capability("zeta", "后", workbench=(provider("zeta"),)),
                           Capability("alpha", "前", workbench=(provider("alpha"),))]))
    items = work_items(session, dt.date(2026, 11, 2))
    assert calls == ["zeta", "alpha"]              # declared order, not name order
    assert [i.title for i in items] == ["来自zeta", "来自alpha"]


def test_the_command_line_is_built_from_the_registry_in_declared_order(use_registry):
    from app.cli import build_parser

    def commands(name: str):  # type: ignore[no-untyped-def]
        def add(sub):  # type: ignore[no-untyped-def]
            sub.add_parser(name, help=f"{name} 命令").set_defaults(func=lambda _a: 0)
        return add

    use_registry(Registry([Capability("b", "乙", commands=commands("second-first")),
                           Capability("a", "甲", commands=commands("first-second"))]))
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == ["second-first", "first-second"]   # type: ignore[attr-defined]


def test_importing_a_capability_registers_nothing():
    """In a fresh interpreter: importing every capability module (and the list of them) installs no registry, and a
    consumer says so instead of finding providers by itself."""
    code = ("import app.capabilities, app.capability as c, importlib, pathlib\n"
            "for p in sorted(pathlib.Path('app').glob('*/capability.py')):\n"
            "    importlib.import_module(f'app.{p.parent.name}.capability')\n"
            "    for kind in ('timeline', 'workbench', 'searchable', 'commands', 'demo'):\n"
            "        try: importlib.import_module(f'app.{p.parent.name}.{kind}')\n"
            "        except ModuleNotFoundError: pass\n"
            "assert not c.is_installed()\n"
            "try:\n"
            "    c.current()\n"
            "except RuntimeError as e:\n"
            "    print('refused:', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "refused: no capability registry is installed" in proc.stdout


def test_a_registry_is_unchanged_by_importing_capability_modules(use_registry):
    import importlib

    reg = use_registry(Registry([Capability("only", "唯一")]))
    for name in ("app.crisis.timeline", "app.screening.timeline", "app.casework.searchable", "app.archive.workbench"):
        importlib.reload(importlib.import_module(name))
    assert capability.current() is reg
    assert reg.names() == ["only"] and not reg.timeline_providers() and not reg.search_sources()
    assert not reg.workbench_providers() and not reg.level_providers() and not reg.banner_providers()


# -- imports: inside functions count -----------------------------------------------------------------
def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_the_archive_students_do_not_import_the_timeline():
    """``archive.students`` ↔ ``archive.chronology`` was a cycle (warning levels loaded the timeline providers)."""
    assert not any(m.startswith("app.archive.chronology") for m in imported_modules(ROOT / "app/archive/students.py"))
    assert "app.archive.students" in imported_modules(ROOT / "app/archive/chronology.py")


def test_app_never_imports_ui_and_commands_never_import_the_dispatcher():
    for path in (ROOT / "app").rglob("*.py"):
        mods = imported_modules(path)
        assert not any(m == "ui" or m.startswith("ui.") for m in mods), path
        assert not any(m.startswith("PySide6") for m in mods), path
        if path.name == "commands.py" or path.name == "capability.py":
            assert "app.cli" not in mods, path
    assert not (ROOT / "app/plugins.py").exists()
