"""学期报告与统计报表: the semester report PDF (``report``) and the charts of the 统计报表 page."""
from app.capability import Capability
from app.reports.commands import register as commands

CAPABILITY = Capability(
    name="reports",
    label="学期报告",
    commands=commands,
)
