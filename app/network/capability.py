"""预警网络: committee members, dorm informants, the leadership group, reports and their triage."""
from app.capability import Capability
from app.network.commands import register as commands
from app.network.demo import populate
from app.network.indicators import network_figures
from app.network.searchable import SOURCES
from app.network.timeline import student_events
from app.network.workbench import network_items

CAPABILITY = Capability(
    name="network",
    label="预警网络",
    timeline=(student_events,),
    workbench=(network_items,),
    search=SOURCES,
    commands=commands,
    indicators=(network_figures,),
    demo=populate,
)
