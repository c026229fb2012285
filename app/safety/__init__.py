"""Same-day safety: the one path by which a sign of risk to a student's life becomes today's work.

Public API (``app.safety.alerts``): ``raise_same_day``, ``open_alerts``, ``get_alert``, ``review_same_day``,
``link_case``, ``case_alert``, ``open_alert_students``, ``same_day_items``. See docs/architecture.md.
"""
