"""Where a removable disk (a USB stick) is mounted, and whether a path is on one of this PC's fixed disks.

Used when the recovery code is saved as a PDF: it should leave the PC. Linux: mount points under /media and
/run/media (udisks mounts sticks at /media/<user>/<label> or /run/media/<user>/<label>). Windows: drive letters
whose ``GetDriveTypeW`` is DRIVE_REMOVABLE. macOS: volumes under /Volumes other than the start-up disk.
Plain Python, no Qt.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

LINUX_MOUNT_BASES: tuple[str, ...] = ("/media", "/run/media")
is_mount: Callable[[str], bool] = os.path.ismount   # module-level so a test can point both at a tmp folder
DRIVE_REMOVABLE = 2
DRIVE_FIXED = 3


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]


def _windows_removable() -> list[Path]:
    import ctypes

    mask = int(ctypes.windll.kernel32.GetLogicalDrives())  # type: ignore[attr-defined]
    found = []
    for i in range(26):
        if mask & (1 << i):
            root = f"{chr(ord('A') + i)}:\\"
            if _windows_drive_type(root) == DRIVE_REMOVABLE:
                found.append(Path(root))
    return found


def _mounts_under(bases: Sequence[str]) -> list[Path]:
    found: list[Path] = []
    for base in bases:
        try:
            first = sorted(os.scandir(base), key=lambda e: e.name)
        except OSError:
            continue
        for entry in first:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if is_mount(entry.path):
                found.append(Path(entry.path))
                continue
            try:   # /media/<user>/<label>
                second = sorted(os.scandir(entry.path), key=lambda e: e.name)
            except OSError:
                continue
            found += [Path(e.path) for e in second if e.is_dir(follow_symlinks=False) and is_mount(e.path)]
    return found


def removable_folders() -> list[Path]:
    """Writable folders at the top of the removable disks plugged in now, first one first."""
    if sys.platform == "win32":
        found = _windows_removable()
    elif sys.platform == "darwin":
        found = [Path(e.path) for e in os.scandir("/Volumes") if not os.path.samefile(e.path, "/")]
    else:
        found = _mounts_under(LINUX_MOUNT_BASES)
    return [p for p in found if os.access(p, os.W_OK)]


def suggested_pdf_path(name: str) -> Path | None:
    """``name`` on the first removable disk, or None when there is none (then nothing on this PC is offered)."""
    folders = removable_folders()
    return folders[0] / name if folders else None


def on_removable(path: Path) -> bool:
    path = Path(path).expanduser().absolute()
    if sys.platform == "win32":
        return _windows_drive_type(path.anchor or "C:\\") == DRIVE_REMOVABLE
    if sys.platform == "darwin":
        return path.is_relative_to("/Volumes")
    return any(path.is_relative_to(base) for base in LINUX_MOUNT_BASES)


def fixed_disk_warning(path: Path) -> str:
    """A warning when ``path`` is on one of this PC's own disks; "" on a removable disk."""
    if on_removable(path):
        return ""
    return (f"“{path}”在这台电脑自己的磁盘上。恢复码能重设任何账号的密码：和数据放在同一台电脑上，"
            "拿到电脑的人就能用它。建议存到 U 盘并把 U 盘锁好，或者打印后删除这个文件。")
