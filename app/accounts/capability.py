"""账号: the accounts of the vault (command line only; the window's accounts tab is part of 设置)."""
from app.accounts.commands import register as commands
from app.capability import Capability

CAPABILITY = Capability(name="accounts", label="账号", commands=commands)
