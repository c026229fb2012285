"""What a capability plugs into, declared once, and the registry built from those declarations.

Each capability package declares one :class:`Capability` in its ``capability.py`` (``CAPABILITY = Capability(...)``):
its timeline entries, archive banners, 工作台 items, search sources, warning-level provider, command-line
sub-commands and demo records. ``app/capabilities.py`` lists the packages in a fixed order and builds the
:class:`Registry`; the entry points (``app.cli.main``, the window, tools, the test fixtures) install it. Nothing registers
anything by being imported: the consumers (timeline, banners, 工作台, search rebuild, warning levels, command line,
demo) read :func:`current`.

This module is core: it imports no capability (the record's callables are typed loosely for that reason; each
consumer knows the precise type of what it calls).
"""
from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.session import Session
    from app.store.db import Database

TimelineProvider = Callable[["Session", int], Sequence[Any]]       # -> list[app.archive.chronology.TimelineEvent]
BannerProvider = Callable[["Session", int], Sequence[str]]          # Chinese lines at the top of an archive
WorkbenchProvider = Callable[["Session", Any], Sequence[Any]]      # (session, date) -> list[app.workbench.WorkItem]
LevelProvider = Callable[["Database"], dict[int, int]]              # student id -> warning level (1 = most urgent)
FocusProvider = Callable[["Database"], set[int]]                    # ids of students who count as 重点学生
CommandRegistrar = Callable[[argparse._SubParsersAction], None]     # adds sub-parsers, each with func=handler
DemoPopulator = Callable[["Session", random.Random, list[int]], None]
IndicatorProvider = Callable[["Session", Any], Sequence[Any]]      # (session, app.indicators.model.Period) -> [Figure]
# (db, class ids, start ISO date, day after the end) -> ids of students whose parents got a feedback (一反馈) then
ParentFeedbackProvider = Callable[["Database", Sequence[int], str, str], set[int]]


@dataclass(frozen=True)
class Capability:
    """One capability's seams. ``name`` is English and unique (a timeline entry's provider is known by it);
    ``label`` is the Chinese name. ``search`` pairs a search source id (``SearchHit.source``) with its
    ``app.search.Source``."""

    name: str
    label: str
    timeline: tuple[TimelineProvider, ...] = ()
    banners: tuple[BannerProvider, ...] = ()
    workbench: tuple[WorkbenchProvider, ...] = ()
    search: tuple[tuple[str, Any], ...] = ()
    warning_levels: LevelProvider | None = None
    reviewed_levels: LevelProvider | None = None   # the levels as the counselor last reviewed them (no provisional)
    focus: FocusProvider | None = None             # students this capability makes 重点学生 (e.g. an open crisis case)
    indicators: tuple[IndicatorProvider, ...] = ()  # the figures this capability counts for a period (issue 13)
    parent_feedback: ParentFeedbackProvider | None = None  # feedbacks to parents it records (letters), for 一反馈
    commands: CommandRegistrar | None = None
    demo: DemoPopulator | None = None


class DuplicateCapability(ValueError):
    """Two declarations with one name (or two capabilities claiming one search source)."""


class Registry:
    """The capabilities in their declared order; refuses a duplicate name or search source."""

    def __init__(self, capabilities: Iterable[Capability]) -> None:
        caps = tuple(capabilities)
        seen: set[str] = set()
        sources: dict[str, str] = {}
        for cap in caps:
            if cap.name in seen:
                raise DuplicateCapability(f"capability {cap.name!r} is declared twice")
            seen.add(cap.name)
            for source, _info in cap.search:
                if source in sources:
                    raise DuplicateCapability(
                        f"search source {source!r} is declared by {sources[source]!r} and {cap.name!r}")
                sources[source] = cap.name
        self.capabilities = caps

    def __iter__(self) -> Iterator[Capability]:
        return iter(self.capabilities)

    def __len__(self) -> int:
        return len(self.capabilities)

    def names(self) -> list[str]:
        return [c.name for c in self.capabilities]

    def get(self, name: str) -> Capability:
        for cap in self.capabilities:
            if cap.name == name:
                return cap
        raise KeyError(name)

    def extended(self, *more: Capability) -> Registry:
        """A new registry: these capabilities plus ``more`` after them (for tests and tools)."""
        return Registry((*self.capabilities, *more))

    # -- what the consumers read, in declared order --------------------------------------------------
    def timeline_providers(self) -> list[tuple[str, TimelineProvider]]:
        return [(c.name, fn) for c in self.capabilities for fn in c.timeline]

    def banner_providers(self) -> list[BannerProvider]:
        return [fn for c in self.capabilities for fn in c.banners]

    def workbench_providers(self) -> list[WorkbenchProvider]:
        return [fn for c in self.capabilities for fn in c.workbench]

    def indicator_providers(self) -> list[IndicatorProvider]:
        return [fn for c in self.capabilities for fn in c.indicators]

    def search_sources(self) -> dict[str, Any]:
        return {source: info for c in self.capabilities for source, info in c.search}

    def level_providers(self) -> list[LevelProvider]:
        return [c.warning_levels for c in self.capabilities if c.warning_levels is not None]

    def reviewed_level_providers(self) -> list[LevelProvider]:
        return [c.reviewed_levels for c in self.capabilities if c.reviewed_levels is not None]

    def parent_feedback_providers(self) -> list[ParentFeedbackProvider]:
        return [c.parent_feedback for c in self.capabilities if c.parent_feedback is not None]

    def focus_providers(self) -> list[FocusProvider]:
        return [c.focus for c in self.capabilities if c.focus is not None]

    def command_registrars(self) -> list[CommandRegistrar]:
        return [c.commands for c in self.capabilities if c.commands is not None]

    def demo_populators(self) -> list[DemoPopulator]:
        return [c.demo for c in self.capabilities if c.demo is not None]


_current: Registry | None = None


def install(registry: Registry) -> Registry:
    """Make ``registry`` the one the consumers read (the entry points install ``app.capabilities``' default)."""
    global _current
    _current = registry
    return registry


def current() -> Registry:
    registry = _current
    if registry is None:
        raise RuntimeError("no capability registry is installed: call app.capabilities.install_default() "
                           "at the entry point (main.py, a tool's main, a test fixture)")
    return registry


def is_installed() -> bool:
    return _current is not None


@contextmanager
def installed(registry: Registry) -> Iterator[Registry]:
    """Use ``registry`` inside the block, then restore the one before (tests: a registry of given capabilities)."""
    global _current
    before = _current
    _current = registry
    try:
        yield registry
    finally:
        _current = before
