"""人员与培训: staff roles, training against the norms, supervision, staffing checks and the duty roster."""
from app.capability import Capability
from app.people.commands import register as commands
from app.people.demo import populate
from app.people.indicators import people_figures
from app.people.workbench import duty_items

CAPABILITY = Capability(
    name="people",
    label="人员与培训",
    workbench=(duty_items,),
    indicators=(people_figures,),
    commands=commands,
    demo=populate,
)
