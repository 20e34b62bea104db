"""The BTI date: the municipality's local date, the same for every user.

Decisions, closings, consents and access by consent dates are dated by the
municipality's calendar (a setting, Europe/Oslo by default), never by the time
zone of whoever happens to act, and not by the server's UTC clock.
"""

import datetime

import pytz

DEFAULT_TIMEZONE = "Europe/Oslo"


def local_today(timezone_name=DEFAULT_TIMEZONE, now=None):
    """The local date in ``timezone_name`` at ``now`` (a naive UTC datetime,
    default: the current time)."""
    try:
        zone = pytz.timezone(timezone_name or DEFAULT_TIMEZONE)
    except pytz.UnknownTimeZoneError:
        zone = pytz.timezone(DEFAULT_TIMEZONE)
    now = now or datetime.datetime.utcnow()
    return pytz.utc.localize(now).astimezone(zone).date()
