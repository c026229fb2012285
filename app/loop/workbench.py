"""工作台: in the last days of a month, the month's checklist items still open; after a month has ended, a month
begun and not closed. Reads the month without creating it (a month nobody began shows its template's count)."""
from __future__ import annotations

import calendar
import datetime as dt

from app.loop.months import month_sheet, months_begun
from app.policy import can_counsel
from app.session import Session
from app.workbench import WorkItem

NOTICE_DAYS = 7     # how many days before a month's end its open items are listed


def loop_items(session: Session, today: dt.date) -> list[WorkItem]:
    if not can_counsel(session.account):
        return []
    items: list[WorkItem] = []
    this = f"{today.year:04d}-{today.month:02d}"
    last_day = dt.date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    for month, status in months_begun(session.db):
        if month < this and status != "closed":
            end = dt.date(int(month[:4]), int(month[5:7]), calendar.monthrange(int(month[:4]), int(month[5:7]))[1])
            items.append(WorkItem("loop_unclosed", "心育闭环", f"{month} 心育闭环清单尚未关闭：请逐项完成或结转后关闭",
                                  end.isoformat(), overdue=True, source=f"loop_months:{month}"))
    if (last_day - today).days < NOTICE_DAYS:
        sheet = month_sheet(session, this)
        if not sheet.closed:
            for it in sheet.open_items():
                items.append(WorkItem("loop_open", "心育闭环", f"本月闭环清单：{it.ledger} {it.title}（{it.value or '未完成'}）",
                                      last_day.isoformat(), source=f"loop_items:{it.id}"))
    return items


