"""Drafts: the 工作台's 未完成的记录 (the drafts themselves are written by the window's forms)."""
from app.capability import Capability
from app.drafts.workbench import draft_items

CAPABILITY = Capability(
    name="drafts",
    label="未完成的记录",
    workbench=(draft_items,),
)
