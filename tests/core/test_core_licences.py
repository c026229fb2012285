"""The licence list the About dialog shows: generated from the installed packages' metadata (the runtime
requirement closure, never the dev tools), plus the bundled font and icon; a build writes it to a file."""
from __future__ import annotations

from app import licences


def by_name() -> dict[str, licences.Licence]:
    return {x.name.lower().replace("_", "-"): x for x in licences.collect()}


def test_every_runtime_library_is_listed_with_its_version_and_licence():
    found = by_name()
    for name in ("pyside6-essentials", "shiboken6", "sqlcipher3", "cryptography", "pyrage", "reportlab",
                 "matplotlib", "numpy", "python-calamine", "openpyxl", "pypinyin", "jsonschema"):
        assert name in found, name
        assert found[name].version and found[name].version[0].isdigit(), name
        assert "未注明" not in found[name].licence, name
    assert "LGPL-3.0" in found["pyside6-essentials"].licence
    assert found["python"].kind == "runtime"


def test_the_dev_tools_are_not_listed():
    found = by_name()
    for name in ("pytest", "pytest-qt", "hypothesis", "ruff", "mypy", "import-linter", "pyinstaller"):
        assert name not in found, name


def test_the_font_and_icon_are_listed():
    fonts = {x.name.split(" 字体")[0]: x.licence for x in licences.collect() if x.kind == "font"}
    assert fonts["Droid Sans Fallback"] == "Apache-2.0"
    assert "DejaVu" in fonts["DejaVu Sans"]          # the Latin font of the letters
    kinds = {x.kind: x for x in licences.collect()}
    assert "icon" in kinds
    assert (licences.RESOURCES / "fonts" / "LICENSE-Apache-2.0.txt").exists()
    assert (licences.RESOURCES / "icons" / "xinqiao.png").exists()
    assert (licences.RESOURCES / "icons" / "xinqiao.ico").exists()


def test_a_build_writes_the_list_and_the_program_reads_it_back(tmp_path):
    path = licences.write(tmp_path / "licences.json")
    assert licences.load(path) == licences.collect()
    path.write_text('{"version": "9", "licences": [{"name": "只在构建时", "version": "1", "licence": "MIT",'
                    ' "kind": "library"}]}', "utf-8")
    assert [x.name for x in licences.load(path)] == ["只在构建时"]       # the build's file wins
    assert licences.load(tmp_path / "absent.json") == licences.collect()  # a checkout generates it
