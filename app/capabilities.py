"""The one list of capabilities, in a fixed order, and the registry built from it.

Order matters where several capabilities contribute to one list: the 工作台 and timeline keep it for items of
equal rank, ``--help`` lists sub-commands in it, and the demo school is seeded in it (one shared random generator,
so moving a capability changes the demo data). Adding a capability: write ``app/<name>/capability.py`` with a
``CAPABILITY`` and add it here.
"""
from __future__ import annotations

from app import capability
from app.accounts.capability import CAPABILITY as ACCOUNTS
from app.archive.capability import CAPABILITY as ARCHIVE
from app.backups.capability import CAPABILITY as BACKUPS
from app.capability import Capability, Registry
from app.casework.capability import CAPABILITY as CASEWORK
from app.courses.capability import CAPABILITY as COURSES
from app.crisis.capability import CAPABILITY as CRISIS
from app.drafts.capability import CAPABILITY as DRAFTS
from app.exchange.capability import CAPABILITY as EXCHANGE
from app.letters.capability import CAPABILITY as LETTERS
from app.loop.capability import CAPABILITY as LOOP
from app.network.capability import CAPABILITY as NETWORK
from app.people.capability import CAPABILITY as PEOPLE
from app.reports.capability import CAPABILITY as REPORTS
from app.safety.capability import CAPABILITY as SAFETY
from app.school.capability import CAPABILITY as SCHOOL
from app.screening.capability import CAPABILITY as SCREENING
from app.search.capability import CAPABILITY as SEARCH
from app.today.capability import CAPABILITY as TODAY

CAPABILITIES: tuple[Capability, ...] = (
    TODAY,
    ACCOUNTS,
    ARCHIVE,
    SAFETY,
    CASEWORK,
    CRISIS,
    SCHOOL,
    SCREENING,
    SEARCH,
    BACKUPS,
    NETWORK,
    COURSES,
    LETTERS,
    DRAFTS,
    PEOPLE,
    LOOP,
    EXCHANGE,
    REPORTS,
)


def default_registry() -> Registry:
    return Registry(CAPABILITIES)


def install_default() -> Registry:
    """Install the default registry unless one is installed already (entry points call this; it is cheap)."""
    if capability.is_installed():
        return capability.current()
    return capability.install(default_registry())
