"""测评: screening campaigns, scoring, warning levels and the intervention ledger."""
from app.capability import Capability
from app.screening.commands import register as commands
from app.screening.demo import populate
from app.screening.grading import current_levels, reviewed_levels
from app.screening.held import held_items
from app.screening.indicators import screening_figures
from app.screening.season import season_items
from app.screening.timeline import banner, student_events
from app.screening.workbench import work_items

CAPABILITY = Capability(
    name="screening",
    label="测评",
    timeline=(student_events,),
    banners=(banner,),
    workbench=(work_items, held_items, season_items),
    warning_levels=current_levels,
    reviewed_levels=reviewed_levels,
    commands=commands,
    indicators=(screening_figures,),
    demo=populate,
)
