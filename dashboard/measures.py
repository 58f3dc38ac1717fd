"""What the screens measure, without a database: the rates and their counts, months in progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl.months import in_progress, same_day_last_month  # noqa: F401 (the screens' names for them)
from etl.settings import contacts_unreported

if TYPE_CHECKING:
    import pandas as pd

RATES = {  # rate -> (numerator, denominator)
    "visit_rate_home": ("visited_home", "eligible_home"),
    "visit_rate_any": ("visited_any", "eligible_any"),
    "daily_contact_rate": ("contact_days_covered", "contact_days_eligible"),
    "help_rate": ("disabled_with_contact", "disabled_count"),
}


def help_as_said(places: pd.DataFrame) -> pd.DataFrame:
    """Rows of place_months as the screens show them: no 失能帮扶率 where no street has sent a contact list, and
    `contacts_unreported` to say so (a grey place, "未报送联系人情况表", never a red 0 %)."""
    unreported = contacts_unreported(places)
    return places.assign(contacts_unreported=unreported, help_rate=places["help_rate"].mask(unreported))
