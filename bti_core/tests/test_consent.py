import datetime

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import BtiCommon


@tagged("post_install", "-at_install", "bti")
class TestConsent(BtiCommon):
    def setUp(self):
        super().setUp()
        self.today = self.env["bti.access.policy"]._today()

    def _family_case(self, birth_date=None, **vals):
        """A case whose mother has parental responsibility and whose father has not."""
        partner = self.env["res.partner"].create({"name": "Young Person"})
        return self._new_case(
            partner=partner,
            birth_date=birth_date or self.child_birth_date,
            guardian_ids=[
                Command.create({"partner_id": self.mother.id, "relation": "mother"}),
                Command.create(
                    {
                        "partner_id": self.father.id,
                        "relation": "father",
                        "parental_responsibility": False,
                    }
                ),
            ],
            **vals,
        )

    def _consent_count(self, case):
        return self.env["bti.consent"].sudo().search_count([("case_id", "=", case.id)])

    def _sees(self, user, case):
        return self.env["bti.case"].with_user(user).search_count([("id", "=", case.id)])

    # ------------------------------------------------------------------
    # Who gives consent
    # ------------------------------------------------------------------
    def test_given_by_guardian_with_parental_responsibility(self):
        case = self._family_case()
        consent = self._give_consent(
            case, self.school, given_by_partner_ids=[Command.set(self.mother.ids)]
        )
        self.assertEqual(consent.state, "given")
        self.assertEqual(consent.service_ids, self.school)
        self.assertEqual(consent.recorded_by_id, self.kg_teacher)
        self.assertEqual(consent.date, self.today)
        self.assertEqual(consent.valid_from, self.today)
        self.assertEqual(consent.valid_until, self.today + relativedelta(months=12))
        self.assertFalse(consent.youth_required)
        self.assertEqual(case.consent_state, "given")
        self.assertIn(consent, case.consent_ids)
        self.assertTrue(
            case.message_ids.filtered(lambda m: "Consent recorded" in (m.body or "")),
            "recording a consent is noted in the case's chatter",
        )
        # Oral consent, recorded, is valid too.
        oral = self._give_consent(
            case,
            self.health,
            given_by_partner_ids=[Command.set(self.mother.ids)],
            form="oral",
        )
        self.assertEqual(oral.form, "oral")
        self.assertEqual(oral.state, "given")

    def test_validity_follows_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "bti_core.consent_validity_months", "6"
        )
        case = self._family_case()
        consent = self._give_consent(
            case, self.school, given_by_partner_ids=[Command.set(self.mother.ids)]
        )
        self.assertEqual(consent.valid_until, self.today + relativedelta(months=6))
        self.env["ir.config_parameter"].sudo().set_param(
            "bti_core.consent_validity_months", "0"
        )
        consent = self._give_consent(
            case, self.health, given_by_partner_ids=[Command.set(self.mother.ids)]
        )
        self.assertFalse(consent.valid_until)

    def test_guardian_without_parental_responsibility_or_stranger(self):
        case = self._family_case()
        stranger = self.env["res.partner"].create({"name": "Helpful Neighbour"})
        for givers in (
            self.father,
            stranger,
            self.mother | stranger,
            self.mother | self.father,
        ):
            with (
                self.subTest(givers=givers.mapped("name")),
                self.assertRaises(ValidationError) as cm,
            ):
                self._give_consent(
                    case, self.school, given_by_partner_ids=[Command.set(givers.ids)]
                )
            bad = givers - self.mother
            for name in bad.mapped("name"):
                self.assertIn(name, str(cm.exception))
        # The child of 5 cannot consent for itself.
        with self.assertRaises(ValidationError):
            self._give_consent(
                case,
                self.school,
                given_by_partner_ids=[Command.set(case.subject_partner_id.ids)],
            )
        with self.assertRaises(ValidationError):
            self._give_consent(
                case, self.school, given_by_partner_ids=[Command.clear()]
            )
        self.assertEqual(self._consent_count(case), 0)

    def test_consent_must_name_services_and_valid_period(self):
        case = self._family_case()
        givers = [Command.set(self.mother.ids)]
        with self.assertRaises(ValidationError):
            self._give_consent(
                case, self.env["bti.service"], given_by_partner_ids=givers
            )
        with self.assertRaises(ValidationError):
            self._give_consent(
                case,
                self.school,
                given_by_partner_ids=givers,
                valid_from=self.today,
                valid_until=self.today - datetime.timedelta(days=1),
            )
        self.assertEqual(self._consent_count(case), 0)

    def test_youth_of_15_must_consent(self):
        birth = self.today - relativedelta(years=15)
        case = self._family_case(birth_date=birth)
        self.assertEqual(case.age, 15)
        youth = case.subject_partner_id
        with self.assertRaises(ValidationError):
            self._give_consent(
                case, self.school, given_by_partner_ids=[Command.set(self.mother.ids)]
            )
        self.assertEqual(self._consent_count(case), 0)
        consent = self._give_consent(
            case,
            self.school,
            given_by_partner_ids=[Command.set((self.mother | youth).ids)],
            youth_consented=True,
        )
        self.assertTrue(consent.youth_required)
        self.assertTrue(consent.youth_consented)
        self.assertEqual(consent.given_by_partner_ids, self.mother | youth)

    def test_youth_of_14_needs_no_own_consent(self):
        birth = self.today - relativedelta(years=15) + datetime.timedelta(days=1)
        case = self._family_case(birth_date=birth)
        self.assertEqual(case.age, 14)
        consent = self._give_consent(
            case, self.school, given_by_partner_ids=[Command.set(self.mother.ids)]
        )
        self.assertFalse(consent.youth_required)
        with self.assertRaises(ValidationError):
            self._give_consent(
                case,
                self.health,
                given_by_partner_ids=[
                    Command.set((self.mother | case.subject_partner_id).ids)
                ],
                youth_consented=True,
            )

    def test_threshold_16(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "bti_core.youth_consent_age", "16"
        )
        case15 = self._family_case(birth_date=self.today - relativedelta(years=15))
        consent = self._give_consent(
            case15, self.school, given_by_partner_ids=[Command.set(self.mother.ids)]
        )
        self.assertFalse(consent.youth_required)
        self.assertEqual(consent.state, "given")
        # Below the threshold the young person is not among those who consent.
        with self.assertRaises(ValidationError):
            self._give_consent(
                case15,
                self.health,
                given_by_partner_ids=[
                    Command.set((self.mother | case15.subject_partner_id).ids)
                ],
                youth_consented=True,
            )
        case16 = self._family_case(birth_date=self.today - relativedelta(years=16))
        with self.assertRaises(ValidationError) as cm:
            self._give_consent(
                case16, self.school, given_by_partner_ids=[Command.set(self.mother.ids)]
            )
        self.assertIn("16", str(cm.exception))
        consent = self._give_consent(
            case16,
            self.school,
            given_by_partner_ids=[
                Command.set((self.mother | case16.subject_partner_id).ids)
            ],
            youth_consented=True,
        )
        self.assertTrue(consent.youth_required)

    def test_adult_consents_alone(self):
        case = self._family_case(
            birth_date=self.today - relativedelta(years=18), subject_kind="youth"
        )
        consent = self._give_consent(
            case,
            self.school,
            given_by_partner_ids=[Command.set(case.subject_partner_id.ids)],
        )
        self.assertFalse(consent.youth_required)
        self.assertEqual(consent.state, "given")

    # ------------------------------------------------------------------
    # Terms are frozen
    # ------------------------------------------------------------------
    def test_terms_cannot_change(self):
        case = self._level2_case()
        consent = case.consent_ids
        terms = [
            {"purpose": "Something else"},
            {"service_ids": [Command.link(self.cws.id)]},
            {"service_ids": [Command.set([])]},
            {"valid_until": self.today + relativedelta(years=5)},
            {"given_by_partner_ids": [Command.clear()]},
            {"youth_consented": True},
            {"info_category_ids": [Command.link(self.cat_health.id)]},
            {"case_id": self._new_case().id},
        ]
        for vals in terms:
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    consent.write(vals)
                with self.assertRaises(AccessError):
                    consent.with_user(self.kg_teacher).write(vals)
        # A user cannot change the state either.
        with self.assertRaises(AccessError):
            consent.with_user(self.kg_teacher).write({"state": "withdrawn"})
        self.env.invalidate_all()
        self.assertEqual(consent.purpose, "Cooperation around the child")
        self.assertEqual(consent.service_ids, self.school)
        self.assertEqual(consent.state, "given")
        # Invalid transitions are refused even to the superuser.
        with self.assertRaises(UserError):
            consent.write({"state": "refused"})

    def test_create_with_state_withdrawn_rejected(self):
        case = self._family_case()
        for state in ("withdrawn", "expired"):
            with self.subTest(state=state), self.assertRaises(UserError):
                self._give_consent(
                    case,
                    self.school,
                    given_by_partner_ids=[Command.set(self.mother.ids)],
                    state=state,
                )
        self.assertEqual(self._consent_count(case), 0)

    def test_unlink_refused(self):
        case = self._level2_case()
        consent = case.consent_ids
        with self.assertRaises(UserError):
            consent.unlink()
        with self.assertRaises(UserError):
            consent.with_user(self.kg_teacher).unlink()
        self.assertTrue(consent.exists())

    def test_no_consent_on_closed_case(self):
        case = self._family_case()
        self._decide(case, "close")
        with self.assertRaises(UserError):
            self._give_consent(
                case, self.school, given_by_partner_ids=[Command.set(self.mother.ids)]
            )

    # ------------------------------------------------------------------
    # Withdrawal, expiry, refusal
    # ------------------------------------------------------------------
    def test_withdraw(self):
        case = self._level2_case()
        consent = case.consent_ids
        school_part = case.participant_ids.filtered(
            lambda p: p.service_id == self.school
        )
        self.assertTrue(school_part.access_granted)
        self.assertEqual(self._sees(self.school_teacher, case), 1)
        case.with_user(self.school_teacher).read(["name"])
        activities_before = case.activity_ids
        result = consent.with_user(self.kg_teacher).action_withdraw(
            "The parents want a break"
        )
        self.assertIs(result, True)
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(consent.withdrawn_date, self.today)
        self.assertEqual(consent.withdrawn_by_id, self.kg_teacher)
        self.assertEqual(consent.withdrawn_reason, "The parents want a break")
        self.assertEqual(case.consent_state, "ended")
        # Access of the covered service ends at once.
        self.assertFalse(school_part.access_granted)
        self.assertTrue(
            school_part.active, "the participation is kept, its access is not"
        )
        self.assertEqual(self._sees(self.school_teacher, case), 0)
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            case.with_user(self.school_teacher).read(["name"])
        with self.assertRaises(AccessError):
            self.env["bti.consent"].with_user(self.school_teacher).browse(
                consent.id
            ).read(["state"])
        # The owning service keeps its access.
        self.assertEqual(self._sees(self.kg_teacher, case), 1)
        # The stafettholder is told.
        new = case.activity_ids - activities_before
        self.assertEqual(len(new), 1)
        self.assertEqual(new.user_id, self.kg_teacher)
        self.assertIn(case.name, new.summary)
        self.assertTrue(
            case.message_ids.filtered(
                lambda m: (
                    "Consent withdrawn" in (m.body or "")
                    and self.school.name in (m.body or "")
                )
            )
        )
        # Withdrawing twice is refused.
        with self.assertRaises(UserError):
            consent.with_user(self.kg_teacher).action_withdraw()
        self.assertEqual(consent.withdrawn_reason, "The parents want a break")

    def test_withdraw_by_covered_service_and_stranger(self):
        case = self._level2_case()
        consent = case.consent_ids
        with self.assertRaises(AccessError):
            consent.with_user(self.cws_worker).action_withdraw()
        self.assertEqual(consent.state, "given")
        # Any user of the case may record the family's withdrawal.
        consent.with_user(self.school_teacher).action_withdraw()
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(self._sees(self.school_teacher, case), 0)

    def test_withdraw_without_holder_tells_owner_contact(self):
        case = self._family_case()
        consent = self._give_consent(
            case, self.school, given_by_partner_ids=[Command.set(self.mother.ids)]
        )
        self._add_participant(case, self.school, self.school_teacher)
        self.assertFalse(case.holder_id)
        consent.with_user(self.kg_teacher2).action_withdraw()
        todo = case.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(todo.user_id, self.kg_teacher)

    def test_new_consent_restores_access(self):
        case = self._level2_case()
        case.consent_ids.with_user(self.kg_teacher).action_withdraw()
        self.assertEqual(self._sees(self.school_teacher, case), 0)
        self._give_consent(case, self.school)
        self.assertEqual(self._sees(self.school_teacher, case), 1)

    def test_expiry_cron(self):
        case = self._level2_case()
        consent = case.consent_ids
        other = self._level2_case()
        lasting = self._give_consent(other, self.health, valid_until=False)
        self.assertEqual(self._sees(self.school_teacher, case), 1)
        valid_until = consent.valid_until
        # The day of expiry itself is still valid.
        with freeze_time(valid_until):
            self.env["bti.consent"]._cron_expire()
        self.assertEqual(consent.state, "given")
        self.assertEqual(self._sees(self.school_teacher, case), 1)
        with freeze_time(valid_until + datetime.timedelta(days=1)):
            self.env["bti.consent"]._cron_expire()
            self.assertEqual(consent.state, "expired")
            self.assertEqual(
                other.consent_ids.filtered(
                    lambda c: self.school in c.service_ids
                ).state,
                "expired",
            )
            self.assertEqual(lasting.state, "given")
            self.assertEqual(case.consent_state, "ended")
            school_part = case.participant_ids.filtered(
                lambda p: p.service_id == self.school
            )
            self.assertFalse(school_part.access_granted)
            self.assertEqual(self._sees(self.school_teacher, case), 0)
            self.assertEqual(self._sees(self.kg_teacher, case), 1)
            self.assertTrue(
                case.message_ids.filtered(lambda m: "Consent expired" in (m.body or ""))
            )
            self.assertTrue(
                case.activity_ids.filtered(
                    lambda a: (
                        a.user_id == self.kg_teacher and "expired" in (a.summary or "")
                    )
                )
            )
            # An expired consent cannot be withdrawn, nor given again.
            with self.assertRaises(UserError):
                consent.with_user(self.kg_teacher).action_withdraw()
            with self.assertRaises(UserError):
                consent.write({"state": "given"})

    def test_expiry_cron_job_runs(self):
        cron = self.env.ref("bti_core.ir_cron_bti_consent_expire")
        self.assertEqual(cron.model_id.model, "bti.consent")
        self.assertTrue(cron.active)
        case = self._level2_case()
        with freeze_time(case.consent_ids.valid_until + datetime.timedelta(days=1)):
            cron.method_direct_trigger()
            self.assertEqual(case.consent_ids.state, "expired")

    def test_refusal_is_recorded(self):
        case = self._family_case()
        self._decide(case, "level_2")
        refusal = self._give_consent(
            case,
            self.school,
            given_by_partner_ids=[Command.set(self.mother.ids)],
            state="refused",
        )
        self.assertEqual(refusal.state, "refused")
        self.assertEqual(case.consent_state, "refused")
        self.assertEqual(self._sees(self.school_teacher, case), 0)
        with self.assertRaises(ValidationError):
            self._add_participant(case, self.school, self.school_teacher)
        self.assertFalse(
            case.participant_ids.filtered(lambda p: p.service_id == self.school)
        )
        # A refusal cannot be withdrawn or turned into a consent.
        with self.assertRaises(UserError):
            refusal.with_user(self.kg_teacher).action_withdraw()
        with self.assertRaises(UserError):
            refusal.write({"state": "given"})
        # A refusal naming no services is recorded too.
        refusal = self._give_consent(
            case,
            self.env["bti.service"],
            given_by_partner_ids=[Command.set(self.mother.ids)],
            state="refused",
        )
        self.assertEqual(refusal.state, "refused")
