"""WenZeng (稳增): monitoring, early warning and reporting for industry stable-growth action plans."""

from wenzeng.config import Settings, load_settings
from wenzeng.domain.periods import Period, PeriodType, parse_period
from wenzeng.errors import WenzengError

__version__ = "0.1.0"

__all__ = [
    "Period",
    "PeriodType",
    "Settings",
    "WenzengError",
    "__version__",
    "load_settings",
    "parse_period",
]
