"""SQLite result codes and OS error numbers sorted into the app's storage errors (after qutebrowser's
misc/sql.py): by type and code, never by the text of a message.

| cause      | from                                              | app error          | vault set aside |
|------------|---------------------------------------------------|--------------------|-----------------|
| FULL       | SQLITE_FULL; ENOSPC, EDQUOT, EFBIG; see below      | ``DiskFull``       | never           |
| IOERR      | SQLITE_IOERR; EIO                                 | ``StorageIOError`` | never           |
| READONLY   | SQLITE_READONLY, SQLITE_PERM; EROFS, EACCES, EPERM | ``StorageReadOnly``| never           |
| BUSY       | SQLITE_BUSY, SQLITE_LOCKED                         | ``VaultBusy``      | never           |
| CANTOPEN   | SQLITE_CANTOPEN                                   | ``CannotOpen``     | never           |
| CORRUPT    | SQLITE_CORRUPT                                    | ``VaultCorrupt``   | at open only    |
| NOTADB     | SQLITE_NOTADB                                     | ``NotADatabase``   | at open only    |

SQLite reports only a result code, not the errno behind it: a WAL index that cannot grow on a full disk is
SQLITE_IOERR, a read-only folder is SQLITE_CANTOPEN (the WAL files cannot be made). For IOERR and CANTOPEN the
folder is looked at (``diagnose``): read-only, nearly no free space, or a file at the process's file-size limit
turn them into READONLY or FULL. Every other SQLite error (constraint, misuse, syntax) is a bug and is left as
it is, to reach the crash report.
"""
from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3.dbapi2 as sqlite

from app.errors import (
    CannotOpen,
    DiskFull,
    NotADatabase,
    StorageError,
    StorageIOError,
    StorageReadOnly,
    VaultBusy,
    VaultCorrupt,
    XinqiaoError,
)

SqliteError = sqlite.Error

# Primary result codes (https://www.sqlite.org/rescode.html); an extended code carries its primary code in
# its low byte, so both sqlcipher3 (primary codes) and the stdlib module (extended codes) sort the same way.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26

LOW_SPACE = 1 << 20        # less free space than this when a write failed: the disk is full
FSIZE_MARGIN = 1 << 17     # a vault file this close to RLIMIT_FSIZE: it hit the file-size limit

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READONLY_ERRNOS = {errno.EROFS}
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM}
_NOT_LOST = "已保存的数据没有丢失。"


def _place(where: Path | str | None) -> str:
    return f"（{where}）" if where else ""


def disk_full(where: Path | str | None = None) -> DiskFull:
    return DiskFull(f"磁盘已满{_place(where)}：没有剩余空间，这次的修改没有写入。请清理磁盘空间（例如删除不用的"
                    f"大文件、清空回收站）后重试，{_NOT_LOST}")


def file_too_large(where: Path | str | None = None) -> DiskFull:
    return DiskFull(f"文件已达到这块磁盘或系统允许的最大大小{_place(where)}，这次的修改没有写入。请把数据文件夹"
                    f"放到 NTFS 等格式的磁盘上，或请管理员解除文件大小限制后重试，{_NOT_LOST}")


def read_only(where: Path | str | None = None) -> StorageReadOnly:
    return StorageReadOnly(f"数据文件夹是只读的{_place(where)}（只读的 U 盘、光盘或被设为只读的文件夹），无法写入。"
                           f"请把数据文件夹放到可以写入的磁盘上，或取消只读后重试，{_NOT_LOST}")


def denied(where: Path | str | None = None) -> StorageReadOnly:
    return StorageReadOnly(f"没有权限读写{_place(where)}。请用有权限的系统账号运行心桥，或请管理员开放这个文件夹的"
                           f"读写权限后重试，{_NOT_LOST}")


def io_error(where: Path | str | None = None) -> StorageIOError:
    return StorageIOError(f"读写磁盘时出错{_place(where)}：可能是 U 盘或移动硬盘被拔出、网络盘断开或磁盘故障，"
                          f"这次的修改没有写入。请检查磁盘连接后重试，{_NOT_LOST}")


def busy(where: Path | str | None = None) -> VaultBusy:
    return VaultBusy(f"心桥数据正被另一个程序占用{_place(where)}（另一个心桥窗口或命令行正在写入）。请等它完成或"
                     f"关闭它后重试，这次的修改没有写入，{_NOT_LOST}")


def cannot_open(where: Path | str | None = None) -> CannotOpen:
    return CannotOpen(f"无法打开数据库文件{_place(where)}：文件夹不存在、文件被移走，或被其他程序锁住。"
                      f"请检查数据文件夹是否在原处（U 盘是否插好）后重试，{_NOT_LOST}")


def corrupt(where: Path | str | None = None) -> VaultCorrupt:
    return VaultCorrupt(f"数据库文件已损坏{_place(where)}：有数据页校验未通过。请运行 verify 检查，"
                        "并用 restore 从最近的备份恢复。")


def not_a_database(where: Path | str | None = None) -> NotADatabase:
    return NotADatabase(f"数据库文件无法用本数据文件夹的密钥读取{_place(where)}（文件头已损坏或不是本数据库）。"
                        "请用 restore 从最近的备份恢复。")


def diagnose(path: Path | str | None) -> str:
    """Why a read or write at ``path`` (a file or folder) failed, looked up from the file system:
    ``"READONLY"``, ``"DENIED"``, ``"FULL"``, ``"FSIZE"`` or ``""`` when nothing there explains it."""
    if not path:
        return ""
    p = Path(path)
    try:
        folder = p if _is_dir(p) else p.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if hasattr(os, "statvfs") and os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "READONLY"
        if not os.access(folder, os.W_OK) or (p.is_file() and not os.access(p, os.W_OK)):
            return "DENIED"
        if shutil.disk_usage(folder).free < LOW_SPACE:
            return "FULL"
    except OSError:
        return ""
    if _at_file_size_limit(p):
        return "FSIZE"
    return ""


def _at_file_size_limit(path: Path) -> bool:
    try:
        import resource
    except ImportError:  # Windows: no per-process file-size limit
        return False
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft == resource.RLIM_INFINITY:
        return False
    if _is_dir(path):
        return False
    files = [path] + [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]
    for f in files:
        try:
            if f.stat().st_size + FSIZE_MARGIN >= soft:
                return True
        except OSError:
            continue
    return False


def environment_error(path: Path | str | None) -> XinqiaoError | None:
    """The storage error the file system at ``path`` explains (read-only, full, at the file-size limit), or None.
    For failures whose code says nothing: ``sqlcipher_export`` reports a full disk as plain SQLITE_ERROR."""
    found = diagnose(path)
    if found == "READONLY":
        return read_only(_folder(path))
    if found == "DENIED":
        return denied(path)
    if found == "FULL":
        return disk_full(_folder(path))
    if found == "FSIZE":
        return file_too_large(path)
    return None


def _folder(path: Path | str | None) -> Path | None:
    if not path:
        return None
    p = Path(path)
    return p if _is_dir(p) else p.parent


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except OSError:  # a parent folder we may not search: treat the path as a file
        return False


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code an exception carries, or None (a Python-level sqlite error, or not one)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(exc: BaseException) -> bool:
    """CORRUPT or NOTADB: the file itself is bad (with a key proven by its slot, the vault is damaged)."""
    return isinstance(exc, VaultCorrupt | NotADatabase) or sqlite_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def from_sqlite(exc: BaseException, path: Path | str | None = None) -> XinqiaoError | None:
    code = sqlite_code(exc)
    if code == SQLITE_FULL:
        return environment_error(path) if diagnose(path) == "FSIZE" else disk_full(_folder(path))
    if code == SQLITE_IOERR:
        return environment_error(path) or io_error(path)
    if code == SQLITE_CANTOPEN:
        return environment_error(path) or cannot_open(path)
    if code == SQLITE_READONLY:
        return denied(path) if diagnose(path) == "DENIED" else read_only(_folder(path))
    if code == SQLITE_PERM:
        return denied(path)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return busy(path)
    if code == SQLITE_CORRUPT:
        return corrupt(path)
    if code == SQLITE_NOTADB:
        return not_a_database(path)
    return None


def from_os(exc: OSError, path: Path | str | None = None) -> XinqiaoError | None:
    where = exc.filename or path
    if exc.errno in _FULL_ERRNOS:
        return disk_full(_folder(where))
    if exc.errno == errno.EFBIG:
        return file_too_large(where)
    if exc.errno in _READONLY_ERRNOS:
        return read_only(_folder(where))
    if exc.errno in _DENIED_ERRNOS:
        return denied(where)
    if exc.errno == errno.EIO:
        return io_error(where)
    return None


def storage_error(exc: BaseException, path: Path | str | None = None) -> XinqiaoError | None:
    """The app error for ``exc`` when the environment (or damage) caused it; None for a bug."""
    if isinstance(exc, XinqiaoError):
        return exc
    if isinstance(exc, sqlite.Error):
        return from_sqlite(exc, path)
    if isinstance(exc, OSError):
        return from_os(exc, path)
    return None


@contextmanager
def storage_errors(path: Path | str | None) -> Iterator[None]:
    """Raise the typed error for an SQLite or OS error in the block (chained to the original); bugs pass."""
    try:
        yield
    except (sqlite.Error, OSError) as e:
        typed = storage_error(e, path)
        if typed is None:
            raise
        raise typed from e


__all__ = ["SqliteError", "StorageError", "diagnose", "environment_error", "from_os", "from_sqlite", "is_damage",
           "sqlite_code", "storage_error", "storage_errors"]
