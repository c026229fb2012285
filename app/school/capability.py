"""学校: the school's profile, calendar, classes, staff and the roster import."""
from app.capability import Capability
from app.school.commands import register as commands

CAPABILITY = Capability(name="school", label="学校", commands=commands)
