"""学生档案: students, focus tags and support plans."""
from app.archive.commands import register as commands
from app.archive.timeline import archive_events
from app.archive.workbench import plan_reviews
from app.capability import Capability

CAPABILITY = Capability(
    name="archive",
    label="学生档案",
    timeline=(archive_events,),
    workbench=(plan_reviews,),
    commands=commands,
)
