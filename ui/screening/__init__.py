"""Widgets of the 测评 page: campaigns and progress, answer entry, result import, follow-up interviews, the ledger,
grading rules and scale files, charts."""
