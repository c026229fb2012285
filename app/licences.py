"""The licences of what the program ships: the Python packages it runs on, the bundled font and the icons.

The list is generated from the installed packages' metadata (``importlib.metadata``: name, version, licence),
following the runtime requirements of the ``xinqiao`` distribution. The frozen build writes it once, at build time,
into ``resources/licences.json`` (``installer/xinqiao.spec`` calls ``write``), because a bundle keeps no package
metadata; a source checkout generates it on demand. The About dialog (关于心桥) reads ``load()``.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from app.version import VERSION

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
GENERATED = RESOURCES / "licences.json"
ROOT_DISTRIBUTION = "xinqiao"
# The top-level runtime requirements, for a checkout that was never pip-installed (keep in step with pyproject).
FALLBACK_REQUIREMENTS = ("PySide6-Essentials", "sqlcipher3", "cryptography", "pyrage", "reportlab", "matplotlib",
                         "python-calamine", "openpyxl", "msoffcrypto-tool", "pypinyin", "platformdirs", "jsonschema")
# Packages whose metadata names no licence (checked against their repositories).
KNOWN = {
    "sqlcipher3": "zlib（内含 SQLCipher，BSD 风格许可）",
    "pyrage": "MIT",
}


@dataclass(frozen=True)
class Licence:
    name: str
    version: str
    licence: str
    kind: str = "library"      # library | font | icon | runtime


ASSETS = (
    Licence("Droid Sans Fallback 字体（resources/fonts）", "Android 开源项目", "Apache-2.0", "font"),
    Licence("DejaVu Sans 字体（信件中的西文，随 matplotlib 发布）", "DejaVu", "Bitstream Vera / DejaVu 字体许可", "font"),
    Licence("心桥图标（resources/icons）", VERSION, "本项目自绘，随程序发布", "icon"),
    Licence("Tabler Icons 线条图标（resources/icons/tabler）", "3.54.0", "MIT", "icon"),
)


def _requirement_name(spec: str) -> str | None:
    """The distribution a requirement names, or None for an optional one (``; extra == ...``)."""
    if "extra ==" in spec.replace("extra==", "extra =="):
        return None
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return m.group(1) if m else None


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def licence_of(dist: metadata.Distribution) -> str:
    md: Any = dist.metadata   # an email.message.Message underneath (its typed protocol omits .get)
    expression = md.get("License-Expression")
    if expression:
        return str(expression).strip()
    text = str(md.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 60 and text.upper() not in ("UNKNOWN", "NONE"):
        return text
    classifiers = [c.rsplit("::", 1)[-1].strip() for c in (md.get_all("Classifier") or [])
                   if c.startswith("License ::") and c.count("::") >= 2]
    if classifiers:
        return " / ".join(classifiers)
    return KNOWN.get(_norm(str(md.get("Name") or "")), "未注明（请查看该软件包的主页）")


def _requires(name: str) -> list[str]:
    try:
        reqs = metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return list(FALLBACK_REQUIREMENTS) if name == ROOT_DISTRIBUTION else []
    return [n for n in (_requirement_name(r) for r in reqs) if n]


def collect() -> list[Licence]:
    """Every installed package the program needs at run time (the requirement closure), sorted by name."""
    import platform

    seen: dict[str, Licence] = {}
    todo = _requires(ROOT_DISTRIBUTION)
    while todo:
        name = todo.pop()
        if _norm(name) in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue   # a requirement for another platform (its marker) is simply not installed
        seen[_norm(name)] = Licence(str(dist.metadata["Name"]), dist.version, licence_of(dist))
        todo.extend(_requires(name))
    runtime = Licence("Python", platform.python_version(), "PSF-2.0", "runtime")
    return [runtime, *sorted(seen.values(), key=lambda x: x.name.lower()), *ASSETS]


def write(path: Path = GENERATED) -> Path:
    """Write the list for a build (``installer/xinqiao.spec``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": VERSION, "licences": [asdict(x) for x in collect()]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    return path


def load(path: Path = GENERATED) -> list[Licence]:
    """The build's list when there is one, else generated now (a source checkout)."""
    if path.exists():
        data = json.loads(path.read_text("utf-8"))
        return [Licence(**x) for x in data["licences"]]
    return collect()


if __name__ == "__main__":  # python -m app.licences [FILE]
    import sys

    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else GENERATED))
