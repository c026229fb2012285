"""What an importer tells the one import dialog (ui/imports/dialog.py): its fields and header synonyms, its saved
mappings, its options, how to preview a file, how to show a preview, and how to apply it.

The dialog goes file → sheet → column mapping → preview with row errors → apply, and knows nothing else about the
importer: every read and write goes through these functions (which take the session and check permissions), so the
window runs no SQL and opens no transaction. A new importer (later issues add several) is one ``ImporterSpec``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import InputRejected
from app.session import Session
from app.tabular.profiles import list_profiles, load_profile, save_profile
from app.tabular.reader import RowError

CONFIRMED = "\u0000confirmed"  # in Apply.options: the user answered yes to the spec's ``confirm`` question
UNMAPPED = "\u0000未对应"   # a header no file has: keeps a field from being matched by its synonyms
Progress = Callable[[int, int], None]  # (done, total); may raise to stop the work
Options = Mapping[str, Any]


@dataclass(frozen=True)
class Option:
    """One extra choice the importer needs (量表, 测评活动, what to do with students missing from a roster)."""

    key: str
    label: str
    choices: Callable[[Session], list[tuple[str, Any]]] | None = None   # (label, value); None: free text
    default: Callable[[Session, Options], Any] | None = None           # from the values the dialog was opened with
    placeholder: str = ""
    repreview: bool = True        # changing it previews the file again
    resets_mapping: bool = False  # the fields depend on it (a scale's items): an edited mapping is dropped
    required: str = ""            # when set: the message shown if the value is blank at import time
    before_import: bool = False   # shown next to the import button rather than above the preview


class NeedsChoice(InputRejected):
    """The file cannot tell something the import needs (e.g. how answers are coded). The dialog asks ``question``
    with ``choices`` (label, value) and previews again with option ``option`` set; the command line exits 3 with
    ``message``, which names the flag to pass."""

    def __init__(self, message: str, *, option: str, question: str, choices: Sequence[tuple[str, Any]]) -> None:
        super().__init__(message)
        self.option = option
        self.question = question
        self.choices = list(choices)


@dataclass(frozen=True)
class Tab:
    key: str                 # "errors" and "warnings" are filled by the dialog from the preview's row errors
    title: str
    headers: tuple[str, ...]


ERROR_HEADERS = ("工作表行号", "字段", "原因", "原值")


@dataclass
class PreviewView:
    """A preview as the dialog shows it."""

    sheet: str
    header_row: int
    headers: list[str]                     # every non-blank header cell of the header row
    columns: dict[str, str]                # field -> header, as matched
    counts: dict[str, int]
    summary: str                           # one Chinese sentence with the counts
    rows: dict[str, list[Sequence[Any]]]   # tab key -> rows
    errors: list[RowError]
    warnings: list[RowError] = field(default_factory=list)
    name_matches: list[tuple[int, str]] = field(default_factory=list)  # (sheet row, what was matched), to confirm
    note: str = ""                         # said after where the header row is (e.g. 各题作答 / 仅总分)
    can_import: bool = True                # there is something to write


@dataclass(frozen=True)
class Apply:
    """What the user chose at import time."""

    skip_invalid: bool
    confirmed_rows: frozenset[int]
    options: Options


@dataclass(frozen=True)
class ImporterSpec:
    kind: str                     # the import_profiles kind
    title: str                    # window title
    file_hint: str                # what file to choose
    fields: Callable[[Session, Options], dict[str, str]]   # field -> Chinese label, in the editor's order
    required: tuple[str, ...]
    preview: Callable[[Session, Path, str | None, dict[str, str] | None, Options, Progress | None], Any]
    headers: Callable[[Session, Path, str | None, dict[str, str] | None, Options],
                      tuple[list[str], dict[str, str]] | None]
    describe: Callable[[Any], PreviewView]
    apply: Callable[[Session, Any, Apply], Any]
    outcome: Callable[[Any, Options], str]            # the result, in Chinese
    tabs: tuple[Tab, ...]
    options: tuple[Option, ...] = ()
    import_label: Callable[[Any, Options], str] | None = None
    # A question the user must answer yes to before the import (empty: none), e.g. new classes to create; the
    # answer reaches ``apply`` as ``options[CONFIRMED]``.
    confirm: Callable[[Any, Options], str] | None = None
    confirm_hint: str = "按姓名和班级对应到的学生（请逐一确认，勾选的才会导入）："
    load_profile: Callable[[Session, str], dict[str, str] | None] | None = None
    save_profile: Callable[[Session, str, dict[str, str]], None] | None = None

    def profiles(self, session: Session) -> list[str]:
        return list_profiles(session.db, self.kind)

    def load(self, session: Session, name: str) -> dict[str, str] | None:
        if self.load_profile is not None:
            return self.load_profile(session, name)
        raw = load_profile(session.db, self.kind, name)
        return {str(k): str(v) for k, v in raw.items()} if raw else None

    def save(self, session: Session, name: str, mapping: dict[str, str]) -> None:
        if self.save_profile is not None:
            self.save_profile(session, name, mapping)
        else:
            save_profile(session, self.kind, name, dict(mapping))


def error_rows(errors: Sequence[RowError]) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.field, e.reason, e.value) for e in errors]
