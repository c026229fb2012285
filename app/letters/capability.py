"""家长告知书: parent letters from templates, printed or exported, followed until the receipt comes back."""
from app.capability import Capability
from app.letters.commands import register as commands
from app.letters.feedback import feedback_students
from app.letters.timeline import student_events

CAPABILITY = Capability(
    name="letters",
    label="家长告知书",
    timeline=(student_events,),
    parent_feedback=feedback_students,
    commands=commands,
)
