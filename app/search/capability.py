"""检索: full-text search over every capability's records (the sources are declared by their owners)."""
from app.capability import Capability
from app.search.commands import register as commands

CAPABILITY = Capability(name="search", label="检索", commands=commands)
