"""个案与谈话: counseling records, follow-ups and their import."""
from app.capability import Capability
from app.casework.commands import register as commands
from app.casework.demo import populate
from app.casework.indicators import casework_figures
from app.casework.searchable import SOURCES
from app.casework.timeline import casework_events
from app.casework.workbench import follow_ups

CAPABILITY = Capability(
    name="casework",
    label="个案与谈话",
    timeline=(casework_events,),
    workbench=(follow_ups,),
    search=SOURCES,
    commands=commands,
    indicators=(casework_figures,),
    demo=populate,
)
