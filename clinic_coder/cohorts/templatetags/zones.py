"""How dates are shown, one rule for every page:

- an assignment's dates (opens, due, a student's own due date) in its cohort's time zone;
- every other time (an attempt submitted, credit given, a regrade) in the site's time zone;

always with the zone's abbreviation, so that two pages never show one moment two ways.
"""

import datetime
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()

DATE_TIME = "D j M Y, H:i T"


@register.filter
def cohort_time(value: datetime.datetime | None, cohort: object) -> str:
    """An assignment date in its cohort's zone: 'Tue 8 Dec 2026, 23:59 CST'."""
    if value is None:
        return ""
    zone = zoneinfo.ZoneInfo(
        getattr(cohort, "time_zone", "") or timezone.get_current_timezone_name()
    )
    return format_date(timezone.localtime(value, zone), DATE_TIME)


@register.filter
def site_time(value: datetime.datetime | None, fmt: str = DATE_TIME) -> str:
    """Any other moment in the site's zone: 'Tue 1 Dec 2026, 12:19 CST'."""
    if value is None:
        return ""
    return format_date(timezone.localtime(value), fmt)


@register.simple_tag
def site_zone() -> str:
    return timezone.get_current_timezone_name()
