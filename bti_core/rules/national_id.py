"""Norwegian national identity numbers: fødselsnummer and D-number.

An 11-digit number DDMMYY III K1 K2. A D-number adds 4 to the first digit of
the day. The two control digits are modulo-11 checksums; the individual number
III tells the century of birth.
"""

import datetime
from typing import NamedTuple

WEIGHTS_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
WEIGHTS_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

KIND_BIRTH_NUMBER = "birth_number"
KIND_D_NUMBER = "d_number"


class InvalidNationalId(ValueError):
    """Raised with a reason code: 'format', 'checksum' or 'date'."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class NationalId(NamedTuple):
    number: str
    kind: str
    birth_date: datetime.date


def normalize(value):
    """Strip the spaces and dots people type into the number."""
    return "".join(ch for ch in (value or "") if ch not in " .-")


def _control_digit(digits, weights):
    remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    control = 11 - remainder
    if control == 11:
        return 0
    return control  # 10 means no valid number exists for these digits


def _century(year2, individual):
    if individual <= 499:
        return 1900
    if individual <= 749 and year2 >= 54:
        return 1800
    if individual >= 500 and year2 <= 39:
        return 2000
    if individual >= 900 and year2 >= 40:
        return 1900
    raise InvalidNationalId("date")


def parse(value):
    """Validate a fødselsnummer or D-number and return its parts.

    :raises InvalidNationalId: when the format, a checksum or the date is wrong
    """
    number = normalize(value)
    if len(number) != 11 or not (number.isascii() and number.isdigit()):
        raise InvalidNationalId("format")
    digits = [int(ch) for ch in number]
    if _control_digit(digits[:9], WEIGHTS_K1) != digits[9]:
        raise InvalidNationalId("checksum")
    if _control_digit(digits[:10], WEIGHTS_K2) != digits[10]:
        raise InvalidNationalId("checksum")
    day = int(number[0:2])
    month = int(number[2:4])
    year2 = int(number[4:6])
    individual = int(number[6:9])
    kind = KIND_BIRTH_NUMBER
    if day > 40:
        kind = KIND_D_NUMBER
        day -= 40
    year = _century(year2, individual) + year2
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError as exc:
        raise InvalidNationalId("date") from exc
    return NationalId(number, kind, birth_date)


def is_valid(value):
    try:
        parse(value)
    except InvalidNationalId:
        return False
    return True


def make(birth_date, individual, d_number=False):
    """Build a valid number for a birth date and individual number (tests, demo).

    Returns None when no valid control digits exist for that individual number.
    """
    day = birth_date.day + (40 if d_number else 0)
    base = f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{individual:03d}"
    digits = [int(ch) for ch in base]
    k1 = _control_digit(digits, WEIGHTS_K1)
    if k1 == 10:
        return None
    k2 = _control_digit(digits + [k1], WEIGHTS_K2)
    if k2 == 10:
        return None
    return f"{base}{k1}{k2}"
