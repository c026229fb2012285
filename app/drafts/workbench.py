"""未完成的记录 on the 工作台: every draft of the signed-in account, with the form, the student and the time.

An item's ``source`` is ``draft:<form key>``; the window opens it on the page that declares the key's form
(``Page.draft_forms``), which reopens the form with the text back.
"""
from __future__ import annotations

import datetime as dt

from app.drafts.store import list_drafts
from app.session import Session
from app.workbench import WorkItem

KIND = "draft"
KIND_LABEL = "未完成的记录"
SOURCE_PREFIX = "draft:"


def draft_items(session: Session, today: dt.date) -> list[WorkItem]:
    items = []
    for d in list_drafts(session):
        when = d.saved_at[:16].replace("T", " ")
        items.append(WorkItem(KIND, KIND_LABEL, f"{d.label or '表单'}：未保存的内容（{when}）", due="",
                              student_id=d.student_id, source=SOURCE_PREFIX + d.form_key))
    return items
