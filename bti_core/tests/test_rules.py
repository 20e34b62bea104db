"""Dense tests of the pure business rules (no database)."""

import datetime

from odoo.tests import BaseCase, tagged

from ..rules import age

D = datetime.date


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
