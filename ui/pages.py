"""The pages of the main window, in navigation order: the one place a page is declared.

Each factory imports its page module when the page is first built, so the window starts without loading every
page. Adding a page: write ``ui/<capability>/page.py`` and add a ``Page`` here (see docs/architecture.md).
"""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.accounts.model import Account
from app.policy import (
    can_counsel,
    can_keep_people,
    can_log_class_courses,
    can_read_incidents,
    can_sign_exchange,
    does_student_work,
)
from ui.shell.context import AppContext
from ui.shell.page import Page


def _workbench(ctx: AppContext) -> QWidget:
    from ui.workbench.page import WorkbenchPage

    return WorkbenchPage(ctx)


def _students(ctx: AppContext) -> QWidget:
    from ui.archive.page import StudentsPage

    return StudentsPage(ctx)


def _screening(ctx: AppContext) -> QWidget:
    from ui.screening.page import ScreeningPage

    return ScreeningPage(ctx)


def _casework(ctx: AppContext) -> QWidget:
    from ui.casework.page import CaseworkPage

    return CaseworkPage(ctx)


def _crisis(ctx: AppContext) -> QWidget:
    from ui.crisis.page import CrisisPage

    return CrisisPage(ctx)


def _network(ctx: AppContext) -> QWidget:
    from ui.network.page import NetworkPage

    return NetworkPage(ctx)


def _courses(ctx: AppContext) -> QWidget:
    from ui.courses.page import CoursesPage

    return CoursesPage(ctx)


def _letters(ctx: AppContext) -> QWidget:
    from ui.letters.page import LettersPage

    return LettersPage(ctx)


def _people(ctx: AppContext) -> QWidget:
    from ui.people.page import PeoplePage

    return PeoplePage(ctx)


def _loop(ctx: AppContext) -> QWidget:
    from ui.loop.page import LoopPage

    return LoopPage(ctx)


def _reports(ctx: AppContext) -> QWidget:
    from ui.reports.page import ReportsPage

    return ReportsPage(ctx)


def _exchange(ctx: AppContext) -> QWidget:
    from ui.exchange.page import ExchangePage

    return ExchangePage(ctx)


def _district(ctx: AppContext) -> QWidget:
    from ui.exchange.district import DistrictPage

    return DistrictPage(ctx)


def _settings(ctx: AppContext) -> QWidget:
    from ui.settings.page import SettingsPage

    return SettingsPage(ctx)


def student_work_or_incidents(account: Account) -> bool:
    """A 管理员 keeps crisis incidents and the referral directory, not students' cases."""
    return does_student_work(account) or can_read_incidents(account)


PAGES: tuple[Page, ...] = (
    Page("workbench", "工作台", _workbench, eager=True, draft_forms=("safety",), icon="layout-dashboard"),
    # the archive hears ctx.open_student from the start
    Page("students", "学生档案", _students, eager=True, draft_forms=("profile", "guardians", "plan", "tag", "dorm"),
         icon="users"),
    Page("screening", "测评", _screening, does_student_work, draft_forms=("interview", "screening"),
         icon="clipboard-check"),
    Page("casework", "个案与谈话", _casework, does_student_work, search_sources=("casework",),
         draft_forms=("record",), icon="messages"),
    Page("crisis", "危机干预", _crisis, student_work_or_incidents, search_sources=("crisis", "crisis_incident"),
         draft_forms=("crisis", "incident"), icon="lifebuoy"),
    Page("network", "预警网络", _network, does_student_work, search_sources=("network_report",),
         draft_forms=("network",), icon="affiliate"),
    Page("courses", "课程与活动", _courses, can_log_class_courses, draft_forms=("course",), icon="school"),
    Page("letters", "家长告知书", _letters, does_student_work, draft_forms=("letter-template",), icon="mail"),
    Page("people", "人员与培训", _people, can_keep_people, draft_forms=("people",), icon="users-group"),
    Page("loop", "心育闭环", _loop, can_counsel, draft_forms=("loop",), icon="repeat"),
    Page("reports", "统计报表", _reports, can_counsel, icon="report-analytics"),
    Page("exchange", "区县上报", _exchange, can_sign_exchange, draft_forms=("transfer",), icon="send"),
    Page("district", "全区汇总", _district, can_sign_exchange, modes=("centre",), icon="chart-bar"),
    Page("settings", "设置", _settings, draft_forms=("settings",), modes=("school", "centre"), icon="settings"),
)


def page(page_id: str) -> Page:
    """One declared page by id (tests build a window of a few real pages)."""
    for p in PAGES:
        if p.id == page_id:
            return p
    raise KeyError(page_id)
