"""The SQLCipher connection: opening with a raw key, pragmas, transactions and queries.

Thin on purpose (after qutebrowser's misc/sql.py): named parameters, one ``transaction()`` that rolls back on
any exception, and SQLite errors sorted by their result code into typed app errors at this one place
(``app/store/errors.py``): a full disk, a read-only folder, a vault held by another program or real damage each
reach every caller as its own ``XinqiaoError``; anything else is a bug and stays an SQLite error.

Two programs writing at once: a write waits up to ``BUSY_TIMEOUT`` seconds for the other's transaction to end,
then fails with ``VaultBusy`` (nothing written; the caller's transaction rolled back).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import sqlcipher3.dbapi2 as sqlite

from app.errors import IntegrityFailure, NotADatabase, VaultCorrupt, WrongPassword, XinqiaoError
from app.store.errors import from_sqlite, storage_errors

if TYPE_CHECKING:
    Row = Any  # sqlcipher3 ships no type information: a row is indexable by position and by column name
else:
    Row = sqlite.Row
Params = Mapping[str, Any] | Sequence[Any]
DatabaseError = sqlite.DatabaseError
BUSY_TIMEOUT = 10.0  # seconds a write waits for another program's write transaction


class Database:
    """One open, keyed SQLCipher connection."""

    def __init__(self, conn: sqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._depth = 0
        self._lock = threading.RLock()

    # -- queries -----------------------------------------------------------------------------------
    def query(self, sql: str, params: Params = ()) -> list[Row]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite.Error as e:
                self._raise_sorted(e)

    def one(self, sql: str, params: Params = ()) -> Row | None:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchone()
            except sqlite.Error as e:
                self._raise_sorted(e)

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def execute(self, sql: str, params: Params = ()) -> sqlite.Cursor:
        with self._lock:
            try:
                return self.conn.execute(sql, params)
            except sqlite.Error as e:
                self._raise_sorted(e)

    def executemany(self, sql: str, seq: Sequence[Params]) -> sqlite.Cursor:
        with self._lock:
            try:
                return self.conn.executemany(sql, seq)
            except sqlite.Error as e:
                self._raise_sorted(e)

    def _raise_sorted(self, e: sqlite.Error) -> NoReturn:
        """Raise the typed app error for ``e`` (a full disk, a busy vault, damage ...), or ``e`` itself: a bug.
        Inline try/except rather than a context manager: this is on every query's path."""
        typed = from_sqlite(e, self.path)
        if typed is None:
            raise e
        raise typed from e

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One user action = one transaction. Nested use joins the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            with storage_errors(self.path):
                self.conn.execute("BEGIN IMMEDIATE")  # waits up to BUSY_TIMEOUT for another writer
            self._depth = 1
            try:
                yield self
            except sqlite.Error as e:  # raw ``db.conn`` use inside the block: sorted here too
                self._depth = 0
                self._rollback()
                typed = from_sqlite(e, self.path)
                if typed is None:
                    raise
                raise typed from e
            except BaseException:
                self._depth = 0
                self._rollback()
                raise
            else:
                self._depth = 0
                try:
                    with storage_errors(self.path):
                        self.conn.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already (it does on a full disk or an I/O error).
        A failing ROLLBACK is not reported: the error that caused it is the one the user needs."""
        if not self.conn.in_transaction:
            return
        try:
            self.conn.execute("ROLLBACK")
        except sqlite.Error:
            pass

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def close(self) -> None:
        with self._lock:
            try:
                self.conn.close()
            except sqlite.Error:
                pass

    # -- checks ------------------------------------------------------------------------------------
    def quick_check(self) -> list[str]:
        """``['ok']`` or the problems found. A page that fails its HMAC makes SQLite raise SQLITE_CORRUPT instead
        of answering: that is a problem found too, not a crash. A full disk, an I/O error or a busy vault is not
        a problem of the file: it is raised as its typed error."""
        try:
            return [r[0] for r in self.query("PRAGMA quick_check")]
        except (VaultCorrupt, NotADatabase) as e:
            return [str(e.__cause__ or e)]

    def integrity_check(self) -> list[str]:
        try:
            problems = [r[0] for r in self.query("PRAGMA integrity_check")]
            problems = [p for p in problems if p != "ok"]
            problems += [r[0] for r in self.query("PRAGMA cipher_integrity_check")]
        except (VaultCorrupt, NotADatabase) as e:
            return [str(e.__cause__ or e)]
        return problems


def _connect(path: Path, busy_timeout: float | None = None) -> sqlite.Connection:
    timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    conn = sqlite.connect(str(path), isolation_level=None, check_same_thread=False, timeout=timeout)
    conn.row_factory = sqlite.Row
    version = conn.execute("PRAGMA cipher_version").fetchone()
    if not version or not version[0]:
        conn.close()
        raise IntegrityFailure("当前 SQLite 不带加密功能（cipher_version 为空），为保护学生数据，程序拒绝运行。")
    # A damaged page is reported to the caller as an exception and a Chinese message; SQLCipher's own log
    # would otherwise print one line per failed page read to the user's terminal.
    conn.execute("PRAGMA cipher_log_level = NONE")
    return conn


def open_database(path: Path, key: bytes, *, create: bool = False, busy_timeout: float | None = None) -> Database:
    """Open (or create) the vault database with a raw 32-byte key and the required pragmas.

    A key the file does not accept (SQLITE_NOTADB) is ``WrongPassword``; a damaged page on the way is
    ``VaultCorrupt``; a full disk, a read-only folder or a busy vault is its ``StorageError``. A write waits
    ``busy_timeout`` seconds (default ``BUSY_TIMEOUT``) for another program's transaction."""
    if not create and not path.exists():
        raise XinqiaoError(f"找不到数据库文件 {path}。")
    with storage_errors(path):
        conn = _connect(path, busy_timeout)
    try:
        try:
            with storage_errors(path):
                conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except NotADatabase:
            raise WrongPassword("密钥无法打开数据库（密码不正确或文件不是心桥数据库）。") from None
        with storage_errors(path):
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA secure_delete = ON")
    except BaseException:
        conn.close()
        raise
    return Database(conn, path)


def open_plain(path: Path) -> Database:
    """Plain SQLite with the same pragmas: used only by benchmarks as the baseline."""
    conn = sqlite.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    return Database(conn, path)
