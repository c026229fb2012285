"""危机干预: crisis cases step by step, incidents and the referral directory."""
from app.capability import Capability
from app.crisis.cases import open_case_students
from app.crisis.commands import register as commands
from app.crisis.demo import populate
from app.crisis.indicators import crisis_figures
from app.crisis.searchable import SOURCES
from app.crisis.timeline import banner, student_events
from app.crisis.workbench import crisis_items

CAPABILITY = Capability(
    name="crisis",
    label="危机干预",
    timeline=(student_events,),
    banners=(banner,),
    workbench=(crisis_items,),
    search=SOURCES,
    focus=open_case_students,
    commands=commands,
    indicators=(crisis_figures,),
    demo=populate,
)
