"""当天复核: same-day safety alerts at the very top of 工作台 (raised by screening, casework, the warning network)."""
from app.capability import Capability
from app.safety.alerts import same_day_items
from app.safety.indicators import safety_figures

CAPABILITY = Capability(name="safety", label="当天复核", workbench=(same_day_items,),
                        indicators=(safety_figures,))
