"""区县上报 and 档案转接: packages to the county centre, the centre's district view, archive transfers."""
from app.capability import Capability
from app.exchange.commands import register as commands
from app.exchange.transfer import student_events

CAPABILITY = Capability(
    name="exchange",
    label="区县上报",
    timeline=(student_events,),
    commands=commands,
)
