"""What the screens measure, without a database: the rates and their counts, months in progress."""

from __future__ import annotations

from etl.months import in_progress, same_day_last_month  # noqa: F401 (the screens' names for them)

RATES = {  # rate -> (numerator, denominator)
    "visit_rate_home": ("visited_home", "eligible_home"),
    "visit_rate_any": ("visited_any", "eligible_any"),
    "daily_contact_rate": ("contact_days_covered", "contact_days_eligible"),
    "help_rate": ("disabled_with_contact", "disabled_count"),
}
