"""数据与备份: the vault itself — backup, restore, verification (command line; the window's tab is in 设置)."""
from app.backups.commands import register as commands
from app.capability import Capability

CAPABILITY = Capability(name="backups", label="数据与备份", commands=commands)
