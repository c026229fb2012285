"""Widgets of the 个案与谈话 page: record form, attendance picker, coverage, search, import."""
