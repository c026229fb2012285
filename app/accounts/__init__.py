"""Accounts and roles: 管理员 (accounts, settings, backups), 心理教师 (all student work), 班主任 (own class,
ordinary tier only)."""
from app.accounts.model import ROLE_LABELS, Account, Role

__all__ = ["ROLE_LABELS", "Account", "Role"]
