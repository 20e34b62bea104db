"""Access follows a consent's dates on the day itself, and the baton follows access.

The daily job only shows the state and reminds; no test here runs it before
asserting access."""

import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BtiCommon


def noon_utc(day):
    return datetime.datetime.combine(day, datetime.time(12, 0))


@tagged("post_install", "-at_install")
class TestConsentDates(BtiCommon):
    def setUp(self):
        super().setUp()
        self.today = self.env["bti.access.policy"]._today()
        self.case = self._new_case()
        self._decide(self.case, "level_2")

    def _sees(self, user):
        self.env.invalidate_all()
        return self.case.with_user(user).has_access("read")

    def test_access_starts_on_valid_from(self):
        tomorrow = self.today + datetime.timedelta(days=1)
        self._give_consent(self.case, self.school, valid_from=tomorrow)
        self.assertFalse(self._sees(self.school_teacher))
        with freeze_time(noon_utc(tomorrow)):
            self._add_participant(self.case, self.school, self.school_teacher)
            self.assertTrue(self._sees(self.school_teacher), "no job run needed")

    def test_access_ends_after_valid_until(self):
        self._give_consent(self.case, self.school, valid_until=self.today)
        self._add_participant(self.case, self.school, self.school_teacher)
        self.assertTrue(self._sees(self.school_teacher))
        with freeze_time(noon_utc(self.today + datetime.timedelta(days=1))):
            self.assertFalse(self._sees(self.school_teacher), "no job run needed")
            participant = self.case.participant_ids.filtered(
                lambda p: p.service_id == self.school
            )
            self.assertFalse(participant.access_granted)
            # The job shows it afterwards: the state becomes expired.
            self.env["bti.consent"]._cron_expire()
            self.assertEqual(self.case.consent_ids.state, "expired")

    def test_access_ends_at_midnight_within_one_transaction(self):
        """The policy remembers a request's access (bti.access.policy
        owned_case_ids): never past the day it was asked on."""
        self._give_consent(self.case, self.school, valid_until=self.today)
        self._add_participant(self.case, self.school, self.school_teacher)
        as_teacher = self.case.with_user(self.school_teacher)
        self.assertTrue(as_teacher.has_access("read"))
        with freeze_time(noon_utc(self.today + datetime.timedelta(days=1))):
            # the case's own flag only: the policy's memo stays in the cache
            self.env["bti.case"].invalidate_model(["is_accessible"])
            self.assertFalse(as_teacher.has_access("read"), "the memo of yesterday")

    def test_access_granted_in_a_rolled_back_savepoint_is_gone(self):
        """What a savepoint granted and then rolled back leaves no access
        behind in the policy's memory of the transaction."""
        self._give_consent(self.case, self.school)
        as_teacher = self.case.with_user(self.school_teacher)
        self.assertFalse(as_teacher.has_access("read"))

        class Rollback(Exception):
            pass

        with self.assertRaises(Rollback), self.env.cr.savepoint():
            self._add_participant(self.case, self.school, self.school_teacher)
            self.assertTrue(as_teacher.has_access("read"))
            raise Rollback
        self.assertFalse(as_teacher.has_access("read"), "the memo of the savepoint")
        with self.assertRaises(AccessError):
            as_teacher.read(["name"])

    def test_reminder_before_a_consent_ends(self):
        self.env["ir.config_parameter"].set_param("bti_core.consent_reminder_days", 30)
        soon = self._give_consent(
            self.case, self.school, valid_until=self.today + datetime.timedelta(days=20)
        )
        later = self._give_consent(
            self.case, self.ppt, valid_until=self.today + datetime.timedelta(days=40)
        )
        todo = self.env.ref("mail.mail_activity_data_todo")

        def reminders():
            return self.case.activity_ids.filtered(
                lambda a: a.activity_type_id == todo and a.user_id == self.kg_teacher
            )

        self.env["bti.consent"]._cron_expire()
        self.assertEqual(len(reminders()), 1)
        self.assertEqual(reminders().date_deadline, soon.valid_until)
        self.assertTrue(soon.date_reminded)
        self.assertFalse(later.date_reminded)
        self.env["bti.consent"]._cron_expire()
        self.assertEqual(len(reminders()), 1, "one reminder per consent")


@tagged("post_install", "-at_install")
class TestBatonFollowsAccess(BtiCommon):
    """The stafettholder can open the case at every moment; an active case has
    exactly one holder."""

    def setUp(self):
        super().setUp()
        self.case = self._new_case()
        self._decide(self.case, "level_2")
        self.consent = self._give_consent(self.case, self.school)
        self._add_participant(self.case, self.school, self.school_teacher)
        baton = (
            self.env["bti.baton"]
            .with_user(self.kg_teacher)
            ._bti_propose(self.case, self.school_teacher, self.school)
        )
        baton.with_user(self.school_teacher).action_accept()
        self.assertEqual(self.case.holder_id, self.school_teacher)

    def _assert_invariants(self):
        self.env.invalidate_all()
        active = self.case.baton_ids.filtered(lambda b: b.state == "active")
        self.assertEqual(len(active), 1, "exactly one stafettholder")
        holder = self.case.holder_id
        self.assertEqual(active.holder_id, holder)
        self.assertTrue(
            self.case.with_user(holder).has_access("read"),
            "the stafettholder can open the case",
        )
        return holder

    def test_withdrawal_passes_the_baton_to_a_leader_of_the_owner(self):
        self.consent.with_user(self.kg_teacher2).action_withdraw("Withdrawn")
        holder = self._assert_invariants()
        self.assertEqual(holder, self.kg_leader)
        with self.assertRaises(AccessError):
            self.case.with_user(self.school_teacher).read(["name"])
        baton_type = self.env.ref("bti_core.mail_activity_type_bti_baton")
        self.assertTrue(
            self.case.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id == baton_type and a.user_id == self.kg_leader
                )
            ),
            "the leader is told to hand the baton on",
        )
        # ... and hands it on as usual.
        self.env["bti.baton"].with_user(self.kg_leader)._bti_propose(
            self.case, self.kg_teacher, self.kindergarten
        ).with_user(self.kg_teacher).action_accept()
        self.assertEqual(self._assert_invariants(), self.kg_teacher)

    def test_withdrawal_by_the_holders_own_service(self):
        """The holder records the withdrawal that ends their own access."""
        self.consent.with_user(self.school_teacher).action_withdraw("Withdrawn")
        self.assertEqual(self._assert_invariants(), self.kg_leader)

    def test_expiry_passes_the_baton(self):
        today = self.env["bti.access.policy"]._today()
        consent = self._give_consent(
            self.case, self.school | self.ppt, valid_until=today
        )
        self.consent.with_user(self.kg_teacher).action_withdraw("Replaced")
        self.assertEqual(self._assert_invariants(), self.school_teacher)
        with freeze_time(noon_utc(today + datetime.timedelta(days=1))):
            self.env["bti.consent"]._cron_expire()
            self.assertEqual(consent.state, "expired")
            self.assertEqual(self._assert_invariants(), self.kg_leader)

    def test_pending_handover_to_a_service_that_lost_access(self):
        self.env["bti.baton"].with_user(self.school_teacher)._bti_propose(
            self.case, self.kg_teacher, self.kindergarten
        )
        self._give_consent(self.case, self.ppt)
        self._add_participant(self.case, self.ppt, self.ppt_advisor)
        # Back to the kindergarten first, then propose PPT and withdraw its consent.
        self.case.pending_baton_id.with_user(self.kg_teacher).action_accept()
        ppt_consent = self.case.consent_ids.filtered(
            lambda c: self.ppt in c.service_ids
        )
        baton = (
            self.env["bti.baton"]
            .with_user(self.kg_teacher)
            ._bti_propose(self.case, self.ppt_advisor, self.ppt)
        )
        ppt_consent.with_user(self.kg_teacher).action_withdraw("Withdrawn")
        self.assertEqual(baton.state, "ended", "nobody waits for a lost service")
        self.assertFalse(self.case.pending_baton_id)
        self.assertEqual(self._assert_invariants(), self.kg_teacher)
