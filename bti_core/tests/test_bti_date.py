"""The BTI date is the municipality's local date, for every user and job.

Each test freezes the clock on one side of midnight in Norway (23:00 UTC in
winter) and checks that who asks does not change the date."""

import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from ..rules import dates
from .common import BtiCommon

# 2026-11-29 23:30 UTC is 2026-11-30 00:30 in Oslo (CET, UTC+1).
AFTER_MIDNIGHT_OSLO = "2026-11-29 23:30:00"
BEFORE_MIDNIGHT_OSLO = "2026-11-29 22:30:00"
NOV_29 = datetime.date(2026, 11, 29)
NOV_30 = datetime.date(2026, 11, 30)


@tagged("post_install", "-at_install")
class TestLocalToday(BtiCommon):
    def test_rule_both_sides_of_midnight(self):
        self.assertEqual(
            dates.local_today("Europe/Oslo", datetime.datetime(2026, 11, 29, 22, 59)),
            NOV_29,
        )
        self.assertEqual(
            dates.local_today("Europe/Oslo", datetime.datetime(2026, 11, 29, 23, 0)),
            NOV_30,
        )
        # Summer time: UTC+2.
        self.assertEqual(
            dates.local_today("Europe/Oslo", datetime.datetime(2026, 6, 30, 22, 0)),
            datetime.date(2026, 7, 1),
        )
        # An unknown zone falls back to Oslo rather than to UTC.
        self.assertEqual(
            dates.local_today("Nowhere/Else", datetime.datetime(2026, 11, 29, 23, 30)),
            NOV_30,
        )

    def test_same_date_for_every_user(self):
        self.kg_teacher.tz = False  # UTC for Odoo
        self.kg_teacher2.tz = "America/New_York"
        self.kg_leader.tz = "Asia/Tokyo"
        for moment, expected in (
            (AFTER_MIDNIGHT_OSLO, NOV_30),
            (BEFORE_MIDNIGHT_OSLO, NOV_29),
        ):
            with freeze_time(moment):
                for user in (self.kg_teacher, self.kg_teacher2, self.kg_leader):
                    policy = self.env["bti.access.policy"].with_user(user)
                    self.assertEqual(policy._today(), expected, f"{user.login}")
                self.assertEqual(self.env["bti.access.policy"]._today(), expected)

    def test_setting_chooses_the_zone(self):
        self.env["ir.config_parameter"].set_param("bti_core.timezone", "UTC")
        with freeze_time(AFTER_MIDNIGHT_OSLO):
            self.assertEqual(self.env["bti.access.policy"]._today(), NOV_29)

    def test_decision_and_closing_dated_in_norway(self):
        self.kg_teacher.tz = False
        with freeze_time(AFTER_MIDNIGHT_OSLO):
            case = self._new_case()
            self._decide(case, "close")
            self.assertEqual(case.decision_date, NOV_30)
            self.assertEqual(case.close_date, NOV_30)

    def test_consent_defaults_dated_in_norway(self):
        case = self._new_case()
        self._decide(case, "level_2")
        self.kg_teacher.tz = "America/New_York"
        with freeze_time(AFTER_MIDNIGHT_OSLO):
            consent = self._give_consent(case, self.school)
            self.assertEqual(consent.date, NOV_30)
            self.assertEqual(consent.valid_from, NOV_30)
