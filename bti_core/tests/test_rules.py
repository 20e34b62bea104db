"""Dense tests of the pure business rules (no database)."""

import datetime

from odoo.tests import BaseCase, tagged

from ..rules import age, national_id

D = datetime.date


def _control(digits, weights):
    """Independent modulo-11 control digit (None when 10: no valid digit)."""
    rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    k = (11 - rest) % 11
    return None if k == 10 else k


def _with_controls(base9):
    """Append both control digits to 9 digits, or None when impossible."""
    digits = [int(c) for c in base9]
    k1 = _control(digits, (3, 7, 6, 1, 8, 9, 4, 5, 2))
    if k1 is None:
        return None
    k2 = _control(digits + [k1], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    if k2 is None:
        return None
    return f"{base9}{k1}{k2}"


def _first_valid(ddmmyy, individuals):
    """The first valid number for a date part among the individual numbers."""
    for individual in individuals:
        number = _with_controls(f"{ddmmyy}{individual:03d}")
        if number:
            return number
    raise AssertionError(f"no valid number for {ddmmyy} in {individuals}")


@tagged("post_install", "-at_install", "bti", "bti_rules")
class TestNationalId(BaseCase):
    def assertInvalid(self, value, reason):
        with self.assertRaises(national_id.InvalidNationalId) as cm:
            national_id.parse(value)
        self.assertEqual(cm.exception.reason, reason, value)
        self.assertFalse(national_id.is_valid(value), value)

    def test_known_number(self):
        # Control digits computed by hand: 010190 124 -> k1 = 11 - 102 % 11 = 8,
        # k2 = 11 - 110 % 11 = 11 -> 0.
        self.assertEqual(_with_controls("010190124"), "01019012480")
        parsed = national_id.parse("01019012480")
        self.assertEqual(parsed.number, "01019012480")
        self.assertEqual(parsed.kind, national_id.KIND_BIRTH_NUMBER)
        self.assertEqual(parsed.birth_date, D(1990, 1, 1))
        self.assertTrue(national_id.is_valid("01019012480"))
        # 010190 123 gives k1 = 10: no valid number exists for it.
        self.assertIsNone(national_id.make(D(1990, 1, 1), 123))
        self.assertEqual(national_id.make(D(1990, 1, 1), 124), "01019012480")

    def test_centuries(self):
        cases = [
            # (date part, individual numbers to try, expected birth date)
            ("170554", range(500, 750), D(1854, 5, 17)),
            ("311299", range(500, 750), D(1899, 12, 31)),
            ("010100", range(0, 500), D(1900, 1, 1)),
            ("150639", range(0, 500), D(1939, 6, 15)),
            ("150650", range(0, 500), D(1950, 6, 15)),
            ("311299", range(0, 500), D(1999, 12, 31)),
            ("010140", range(900, 1000), D(1940, 1, 1)),
            ("281276", range(900, 1000), D(1976, 12, 28)),
            ("311299", range(900, 1000), D(1999, 12, 31)),
            ("010100", range(500, 1000), D(2000, 1, 1)),
            ("290200", range(500, 750), D(2000, 2, 29)),
            ("120315", range(500, 1000), D(2015, 3, 12)),
            ("311239", range(500, 1000), D(2039, 12, 31)),
            ("311239", range(900, 1000), D(2039, 12, 31)),
        ]
        for ddmmyy, individuals, expected in cases:
            number = _first_valid(ddmmyy, individuals)
            with self.subTest(number=number):
                parsed = national_id.parse(number)
                self.assertEqual(parsed.birth_date, expected)
                self.assertEqual(parsed.kind, national_id.KIND_BIRTH_NUMBER)

    def test_century_boundaries(self):
        # Individual 500-749 covers only 1854-1899 and 2000-2039: years 40-53 fail.
        for ddmmyy in ("010140", "010153"):
            self.assertInvalid(_first_valid(ddmmyy, range(500, 750)), "date")
        # Individual 750-899 only covers 2000-2039: years 40-99 are impossible.
        for ddmmyy in ("010140", "010154", "010199"):
            self.assertInvalid(_first_valid(ddmmyy, range(750, 900)), "date")
        # 750-899 with years 00-39 is the 2000s.
        self.assertEqual(
            national_id.parse(_first_valid("010139", range(750, 900))).birth_date,
            D(2039, 1, 1),
        )
        # Individual 900-999 with years 00-39 is the 2000s, not the 1900s.
        self.assertEqual(
            national_id.parse(_first_valid("050505", range(900, 1000))).birth_date,
            D(2005, 5, 5),
        )

    def test_d_number(self):
        number = _first_valid("570590", range(0, 500))  # day 17 + 40
        parsed = national_id.parse(number)
        self.assertEqual(parsed.kind, national_id.KIND_D_NUMBER)
        self.assertEqual(parsed.birth_date, D(1990, 5, 17))
        number = _first_valid("710112", range(500, 1000))  # day 31 + 40, 2012
        parsed = national_id.parse(number)
        self.assertEqual(parsed.kind, national_id.KIND_D_NUMBER)
        self.assertEqual(parsed.birth_date, D(2012, 1, 31))
        # Day 72 would be day 32: no such date.
        self.assertInvalid(_first_valid("720112", range(500, 1000)), "date")

    def test_wrong_k1(self):
        good = _first_valid("170590", range(0, 500))
        for k1 in "0123456789":
            if k1 == good[9]:
                continue
            bad = good[:9] + k1 + good[10]
            with self.subTest(bad=bad):
                self.assertInvalid(bad, "checksum")

    def test_wrong_k2(self):
        good = _first_valid("170590", range(0, 500))
        for k2 in "0123456789":
            if k2 == good[10]:
                continue
            bad = good[:10] + k2
            with self.subTest(bad=bad):
                self.assertInvalid(bad, "checksum")

    def test_transposed_digits(self):
        good = _first_valid("170590", range(0, 500))
        bad = good[1] + good[0] + good[2:]
        self.assertNotEqual(bad, good)
        self.assertInvalid(bad, "checksum")

    def test_wrong_length(self):
        good = _first_valid("170590", range(0, 500))
        for value in (good[:10], good + "0", "", "1", "123456789012"):
            with self.subTest(value=value):
                self.assertInvalid(value, "format")
        self.assertInvalid(None, "format")

    def test_letters(self):
        good = _first_valid("170590", range(0, 500))
        for value in (
            "1705901234A",
            "ABCDEFGHIJK",
            good[:5] + "x" + good[6:],
            "17059O12345",
        ):
            with self.subTest(value=value):
                self.assertInvalid(value, "format")
        # Non-ASCII digits are not digits of a national identity number, even
        # when they spell a valid one (Arabic-Indic digits of a valid number).
        arabic = good.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        self.assertInvalid(arabic, "format")
        fullwidth = good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        self.assertInvalid(fullwidth, "format")

    def test_invalid_date(self):
        # 31 February with valid control digits: the date, not the checksum, is wrong.
        self.assertInvalid(_first_valid("310290", range(0, 500)), "date")
        # 29 February of a year that is not a leap year (1900 is not).
        self.assertInvalid(_first_valid("290200", range(0, 500)), "date")
        self.assertInvalid(_first_valid("290201", range(500, 1000)), "date")
        # Month 13 and month 00, day 00.
        self.assertInvalid(_first_valid("011390", range(0, 500)), "date")
        self.assertInvalid(_first_valid("010090", range(0, 500)), "date")
        self.assertInvalid(_first_valid("000190", range(0, 500)), "date")
        # 29 February 2000 is valid (2000 is a leap year).
        self.assertEqual(
            national_id.parse(_first_valid("290200", range(500, 1000))).birth_date,
            D(2000, 2, 29),
        )

    def test_spaces_and_dots_normalised(self):
        good = _first_valid("170590", range(0, 500))
        variants = [
            f"{good[:6]} {good[6:]}",
            f"{good[:2]}.{good[2:4]}.{good[4:6]} {good[6:9]} {good[9:]}",
            f" {good} ",
            f"{good[:6]}-{good[6:]}",
            f"{good[:6]}  {good[6:]}",
        ]
        for value in variants:
            with self.subTest(value=value):
                parsed = national_id.parse(value)
                self.assertEqual(parsed.number, good)
                self.assertEqual(parsed.birth_date, D(1990, 5, 17))
                self.assertEqual(national_id.normalize(value), good)
        self.assertEqual(national_id.normalize(None), "")

    def test_make_round_trips(self):
        dates = [
            D(1854, 1, 1),
            D(1899, 12, 31),
            D(1900, 2, 28),
            D(1939, 7, 4),
            D(1940, 1, 1),
            D(1999, 12, 31),
            D(2000, 2, 29),
            D(2024, 2, 29),
            D(2039, 12, 31),
        ]
        for birth_date in dates:
            if birth_date.year < 1900:
                individuals = range(500, 750)
            elif birth_date.year < 2000:
                individuals = list(range(0, 500)) + (
                    list(range(900, 1000)) if birth_date.year >= 1940 else []
                )
            else:
                individuals = range(500, 1000)
            made = 0
            for individual in individuals:
                for d_number in (False, True):
                    number = national_id.make(birth_date, individual, d_number=d_number)
                    expected = _with_controls(
                        f"{birth_date.day + (40 if d_number else 0):02d}"
                        f"{birth_date.month:02d}{birth_date.year % 100:02d}"
                        f"{individual:03d}"
                    )
                    self.assertEqual(
                        number, expected, (birth_date, individual, d_number)
                    )
                    if number is None:
                        continue
                    made += 1
                    parsed = national_id.parse(number)
                    self.assertEqual(parsed.birth_date, birth_date, number)
                    self.assertEqual(parsed.number, number)
                    self.assertEqual(
                        parsed.kind,
                        national_id.KIND_D_NUMBER
                        if d_number
                        else national_id.KIND_BIRTH_NUMBER,
                    )
                    self.assertEqual(int(number[6:9]), individual)
            # Most individual numbers have valid control digits.
            self.assertGreater(made, len(individuals) // 2, birth_date)

    def test_make_none_means_no_valid_number(self):
        birth_date = D(2015, 3, 12)
        impossible = [
            i for i in range(500, 1000) if national_id.make(birth_date, i) is None
        ]
        self.assertTrue(impossible)
        for individual in impossible[:5]:
            base = f"120315{individual:03d}"
            for controls in range(100):
                self.assertFalse(national_id.is_valid(f"{base}{controls:02d}"))


@tagged("post_install", "-at_install", "bti", "bti_rules")
class TestAgeRules(BaseCase):
    def test_age_on_birthday(self):
        born = D(2010, 5, 17)
        self.assertEqual(age.age_on(born, D(2010, 5, 17)), 0)
        self.assertEqual(age.age_on(born, D(2025, 5, 16)), 14)
        self.assertEqual(age.age_on(born, D(2025, 5, 17)), 15)
        self.assertEqual(age.age_on(born, D(2025, 5, 18)), 15)
        self.assertEqual(age.age_on(born, D(2025, 12, 31)), 15)
        self.assertEqual(age.age_on(born, D(2026, 1, 1)), 15)
        self.assertEqual(age.age_on(born, D(2026, 4, 30)), 15)
        self.assertEqual(age.age_on(born, D(2026, 5, 17)), 16)

    def test_age_on_before_birthday_in_earlier_month(self):
        born = D(2010, 12, 31)
        self.assertEqual(age.age_on(born, D(2025, 12, 30)), 14)
        self.assertEqual(age.age_on(born, D(2025, 12, 31)), 15)
        self.assertEqual(age.age_on(born, D(2025, 1, 1)), 14)

    def test_age_on_leap_day(self):
        born = D(2008, 2, 29)
        # In a common year the birthday is reached on 1 March.
        self.assertEqual(age.age_on(born, D(2025, 2, 28)), 16)
        self.assertEqual(age.age_on(born, D(2025, 3, 1)), 17)
        # In a leap year on 29 February itself.
        self.assertEqual(age.age_on(born, D(2024, 2, 28)), 15)
        self.assertEqual(age.age_on(born, D(2024, 2, 29)), 16)

    def test_age_on_unknown(self):
        self.assertIsNone(age.age_on(None, D(2025, 1, 1)))
        self.assertIsNone(age.age_on(D(2010, 1, 1), None))
        self.assertIsNone(age.age_on(False, False))

    def test_youth_must_consent_threshold_15(self):
        born = D(2010, 5, 17)
        self.assertEqual(age.DEFAULT_YOUTH_CONSENT_AGE, 15)
        self.assertFalse(age.youth_must_consent(born, D(2024, 5, 17)))  # 14
        self.assertFalse(age.youth_must_consent(born, D(2025, 5, 16)))  # 14, day before
        self.assertTrue(age.youth_must_consent(born, D(2025, 5, 17)))  # 15
        self.assertTrue(age.youth_must_consent(born, D(2026, 5, 17)))  # 16
        self.assertFalse(age.youth_must_consent(born, D(2024, 5, 17), 15))
        self.assertTrue(age.youth_must_consent(born, D(2025, 5, 17), 15))
        self.assertTrue(age.youth_must_consent(born, D(2026, 5, 17), 15))

    def test_youth_must_consent_threshold_16(self):
        born = D(2010, 5, 17)
        self.assertFalse(age.youth_must_consent(born, D(2024, 5, 17), 16))  # 14
        self.assertFalse(age.youth_must_consent(born, D(2025, 5, 17), 16))  # 15
        # 15, the day before the 16th birthday
        self.assertFalse(age.youth_must_consent(born, D(2026, 5, 16), 16))
        self.assertTrue(age.youth_must_consent(born, D(2026, 5, 17), 16))  # 16

    def test_youth_must_consent_unknown_birth_date(self):
        self.assertFalse(age.youth_must_consent(None, D(2025, 1, 1)))
        self.assertFalse(age.youth_must_consent(False, D(2025, 1, 1), 16))

    def test_is_adult(self):
        born = D(2007, 6, 1)
        self.assertFalse(age.is_adult(born, D(2025, 5, 31)))
        self.assertTrue(age.is_adult(born, D(2025, 6, 1)))
        self.assertFalse(age.is_adult(None, D(2025, 6, 1)))

    def test_deadline(self):
        self.assertEqual(age.deadline(D(2025, 1, 1), 14), D(2025, 1, 15))
        self.assertEqual(age.deadline(D(2025, 12, 25), 14), D(2026, 1, 8))
        self.assertEqual(age.deadline(D(2024, 2, 20), 10), D(2024, 3, 1))  # leap year
        self.assertEqual(age.deadline(D(2025, 2, 20), 10), D(2025, 3, 2))
        self.assertEqual(age.deadline(D(2025, 1, 1), 0), D(2025, 1, 1))
        self.assertEqual(age.deadline(D(2025, 1, 1), None), D(2025, 1, 1))
        self.assertEqual(age.deadline(D(2025, 1, 1), -5), D(2025, 1, 1))
        self.assertEqual(age.deadline(D(2025, 1, 1), "7"), D(2025, 1, 8))
        result = age.deadline(datetime.datetime(2025, 1, 1, 23, 30), 1)
        self.assertEqual(result, D(2025, 1, 2))
        self.assertIs(type(result), D)
        self.assertIsNone(age.deadline(None, 14))
        self.assertIsNone(age.deadline(False, 14))
