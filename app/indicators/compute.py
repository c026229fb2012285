"""The one place that gathers every capability's figures for a period."""
from __future__ import annotations

from app import capability
from app.indicators.model import Figure, Period
from app.session import Session


def compute(session: Session, period: Period) -> list[Figure]:
    """Every figure for ``period``, in the capabilities' declared order, as ``session`` may see them."""
    figures: list[Figure] = []
    for provider in capability.current().indicator_providers():
        figures.extend(provider(session, period))
    return figures


def by_key(figures: list[Figure]) -> dict[str, Figure]:
    return {f.key: f for f in figures}
