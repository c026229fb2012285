"""数据与备份: the vault itself — backup, restore, verification (command line; the window's tab is in 设置)."""
from app.capability import Capability
from app.store.commands import register as commands

CAPABILITY = Capability(name="store", label="数据与备份", commands=commands)
