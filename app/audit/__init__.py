"""The append-only, hash-chained audit log."""
from app.audit.log import AuditEntry, ChainReport, recent, record, verify_chain

__all__ = ["AuditEntry", "ChainReport", "record", "recent", "verify_chain"]
