"""课程与活动: lessons, activities, parent school and pushes, the norms profiles, reminders, the import, workload."""
from app.capability import Capability
from app.courses.commands import register as commands
from app.courses.demo import populate
from app.courses.indicators import course_figures
from app.courses.workbench import course_items

CAPABILITY = Capability(
    name="courses",
    label="课程与活动",
    workbench=(course_items,),
    indicators=(course_figures,),
    commands=commands,
    demo=populate,
)
