"""What can be wrong with a file as a whole, as types: callers sort these by class, never by message text."""
from __future__ import annotations

from app.errors import InputRejected


class TableError(InputRejected):
    """The file as a whole cannot be read (wrong format, no header row, a required column missing)."""


class UnreadableFile(TableError):
    """Not a spreadsheet this program can open: damaged, empty (0 bytes), a web page saved as .xls, …"""


class FileEncrypted(UnreadableFile):
    """The workbook has a password to open."""


class EmptySheet(TableError):
    """The chosen worksheet (or the CSV file) has no content at all."""


class HeaderNotFound(TableError):
    """No row among the first rows of the sheet looks like a header row for this import."""

    def __init__(self, message: str, *, other_sheets: list[str] | None = None) -> None:
        super().__init__(message)
        self.other_sheets = other_sheets or []  # the workbook's other sheets (the message names them)


class MissingColumns(TableError):
    """A header row was found but a required column is not in it."""


class SheetNotFound(TableError):
    """The worksheet asked for (``--sheet``) is not in the workbook."""


class NotASpreadsheet(UnreadableFile):
    """The file is something else under a spreadsheet's name (a Word document, a PDF, a picture, …)."""
