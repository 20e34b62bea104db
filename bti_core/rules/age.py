"""Age rules: how old the subject is and when a young person must co-consent."""

import datetime

DEFAULT_YOUTH_CONSENT_AGE = 15
ALLOWED_YOUTH_CONSENT_AGES = (15, 16)
ADULT_AGE = 18


def age_on(birth_date, on_date):
    """Completed years between birth_date and on_date (None when unknown)."""
    if not birth_date or not on_date:
        return None
    years = on_date.year - birth_date.year
    if (on_date.month, on_date.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def youth_must_consent(birth_date, on_date, threshold=DEFAULT_YOUTH_CONSENT_AGE):
    """The young person co-consents from the municipality's age threshold."""
    age = age_on(birth_date, on_date)
    return age is not None and age >= threshold


def is_adult(birth_date, on_date):
    age = age_on(birth_date, on_date)
    return age is not None and age >= ADULT_AGE


def deadline(start, days):
    """The date a decision is due: start plus a number of calendar days."""
    if not start:
        return None
    if isinstance(start, datetime.datetime):
        start = start.date()
    return start + datetime.timedelta(days=max(int(days or 0), 0))
