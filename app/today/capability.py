"""工作台: today's work from every capability, on the command line (the window's page is ui/workbench/)."""
from app.capability import Capability
from app.today.commands import register as commands

CAPABILITY = Capability(name="today", label="工作台", commands=commands)
