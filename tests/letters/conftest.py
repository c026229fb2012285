"""Letters fixtures: the demo school with the local help line set and a green-channel hospital, and PDF readers."""
from __future__ import annotations

import pytest

LOCAL_LINE = "0951-2160707"


@pytest.fixture
def demo(school):
    """The ``school`` fixture's vault with the help line and a referral institution (a counselor's session)."""
    from app.crisis.institutions import add_institution
    from app.school.profile import set_local_hotline

    set_local_hotline(school, LOCAL_LINE)
    add_institution(school, "宁安医院", department="儿童青少年心理科", phone="0951-2160707", green_channel=True,
                    address="银川市西夏区")
    return school
