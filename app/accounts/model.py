"""Who is signed in and what they may see."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COUNSELOR = "counselor"
    HEAD_TEACHER = "head_teacher"


ROLE_LABELS = {Role.ADMIN: "管理员", Role.COUNSELOR: "心理教师", Role.HEAD_TEACHER: "班主任"}


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: Role
    class_id: int | None
    disabled: bool
    manager: bool = False

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def label(self) -> str:
        return self.display_name or self.username
