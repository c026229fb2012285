"""心育闭环: the monthly closed-loop checklist, the leadership group's meeting, the key-work list; and the
``indicators`` command, which prints every capability's figures."""
from app.capability import Capability
from app.loop.commands import register as commands
from app.loop.demo import populate
from app.loop.indicators import loop_figures
from app.loop.workbench import loop_items

CAPABILITY = Capability(
    name="loop",
    label="心育闭环",
    workbench=(loop_items,),
    indicators=(loop_figures,),
    commands=commands,
    demo=populate,
)
