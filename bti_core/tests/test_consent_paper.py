import base64

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import BtiCommon

SCAN = base64.b64encode(b"%PDF-1.4 signed consent form")


@tagged("post_install", "-at_install", "bti")
class TestConsentPaper(BtiCommon):
    """A consent prepared as a draft (the form the family signs) and the
    signed paper registered: the scan, who received it, when."""

    def setUp(self):
        super().setUp()
        self.today = self.env["bti.access.policy"]._today()
        self.case = self._new_case(
            guardian_ids=[
                Command.create({"partner_id": self.mother.id, "relation": "mother"}),
                Command.create({"partner_id": self.father.id, "relation": "father"}),
            ],
        )
        self.draft = self._give_consent(
            self.case,
            self.school,
            state="draft",
            given_by_partner_ids=[Command.clear()],
            exclusions="Nothing about the older sibling",
        )

    def _register(self, consent=None, user=None, **kwargs):
        consent = consent or self.draft
        values = {
            "outcome": "given",
            "signed_by": self.mother | self.father,
            "document": SCAN,
            "document_name": "signed.pdf",
            "received_by": self.kg_teacher,
            "received_date": self.today,
        }
        values.update(kwargs)
        return consent.with_user(user or self.kg_teacher)._bti_register_paper(
            values["outcome"],
            values["signed_by"],
            values["document"],
            values["document_name"],
            values["received_by"],
            values["received_date"],
        )

    def _school_sees_case(self):
        return (
            self.env["bti.case"]
            .with_user(self.school_teacher)
            .search_count([("id", "=", self.case.id)])
        )

    def test_draft_grants_nothing_and_names_its_signers(self):
        self.assertEqual(self.draft.state, "draft")
        self.assertEqual(self.draft.signer_partner_ids, self.mother | self.father)
        self.assertEqual(self.case.consent_state, "pending")
        with self.assertRaises(ValidationError):
            self._add_participant(self.case, self.school, self.school_teacher)
        self.assertFalse(self._school_sees_case())
        self.assertFalse(
            self.env["bti.access.policy"]._consents_covering(self.case, self.school)
        )

    def test_draft_terms_are_frozen(self):
        """What the family signs is what is stored: a draft is not edited."""
        for vals in ({"purpose": "Other"}, {"service_ids": [Command.set([])]}):
            with self.assertRaises(AccessError):
                self.draft.with_user(self.kg_teacher).write(vals)
        with self.assertRaises(UserError):
            self.draft.sudo().write({"purpose": "Other"})
        self.assertEqual(self.draft.purpose, "Cooperation around the child")

    def test_forged_context_id_names_no_signers(self):
        """The default of the signers reads the consent named in the context:
        a client's context may hold anything (bench/fuzz.py sent a string
        and PostgreSQL failed on it)."""
        Wizard = self.env["bti.consent.paper.wizard"].with_user(self.kg_teacher)
        for forged in ("x", "1; SELECT 1", 1.5, True, [self.draft.id], None):
            with self.subTest(forged=forged):
                values = Wizard.with_context(default_consent_id=forged).default_get(
                    ["signed_by_partner_ids"]
                )
                self.assertEqual(values.get("signed_by_partner_ids"), [(6, 0, [])])

    def test_register_signed_paper_gives_consent(self):
        wizard = (
            self.env["bti.consent.paper.wizard"]
            .with_user(self.kg_teacher)
            .with_context(default_consent_id=self.draft.id)
            .create(
                {
                    "document": SCAN,
                    "document_name": "signed.pdf",
                    "received_date": self.today - relativedelta(days=2),
                }
            )
        )
        self.assertEqual(wizard.signed_by_partner_ids, self.mother | self.father)
        self.assertEqual(wizard.received_by_id, self.kg_teacher)
        wizard.action_confirm()
        consent = self.draft
        self.assertEqual(consent.state, "given")
        self.assertEqual(consent.given_by_partner_ids, self.mother | self.father)
        self.assertEqual(consent.received_by_id, self.kg_teacher)
        self.assertEqual(consent.received_date, self.today - relativedelta(days=2))
        self.assertEqual(consent.date, self.today - relativedelta(days=2))
        self.assertEqual(consent.form, "written")
        self.assertEqual(
            base64.b64decode(consent.document), b"%PDF-1.4 signed consent form"
        )
        self.assertEqual(consent.exclusions, "Nothing about the older sibling")
        self.assertEqual(self.case.consent_state, "given")
        self.assertIn("Signed consent form registered", self.case.message_ids[0].body)
        self._add_participant(self.case, self.school, self.school_teacher)
        self.assertTrue(self._school_sees_case())

    def test_refusal_from_paper(self):
        self._register(outcome="refused", signed_by=self.father)
        self.assertEqual(self.draft.state, "refused")
        self.assertEqual(self.draft.given_by_partner_ids, self.father)
        with self.assertRaises(ValidationError):
            self._add_participant(self.case, self.school, self.school_teacher)

    def test_bad_paper_is_refused_and_nothing_written(self):
        cases = {
            "no scan": {"document": False},
            "no receiver": {"received_by": self.env["res.users"]},
            "future date": {"received_date": self.today + relativedelta(days=1)},
            "no date": {"received_date": False},
            "a guardian missing": {"signed_by": self.mother},
            "nobody signed": {"signed_by": self.env["res.partner"]},
            "a stranger signed": {
                "signed_by": self.mother
                | self.father
                | self.env["res.partner"].create({"name": "Neighbour"})
            },
        }
        for what, kwargs in cases.items():
            with self.subTest(what), self.assertRaises(ValidationError):
                self._register(**kwargs)
            self.assertEqual(self.draft.state, "draft", what)
            self.assertFalse(self.draft.document, what)
            self.assertFalse(self.draft.received_by_id, what)

    def test_only_a_draft_is_registered(self):
        self._register()
        with self.assertRaises(UserError):
            self._register(signed_by=self.mother | self.father)
        given = self._give_consent(self.case, self.ppt)
        with self.assertRaises(UserError):
            self._register(consent=given)

    def test_who_registers(self):
        """Registering grants access: only the owning service, the stafettholder
        and leaders; never a participating service or a stranger."""
        self._give_consent(self.case, self.school)
        self._add_participant(self.case, self.school, self.school_teacher)
        for user in (self.school_teacher, self.cws_worker, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._register(user=user)
            self.assertEqual(self.draft.state, "draft")
        with self.assertRaises(AccessError):
            self.draft.with_user(self.school_teacher).action_cancel_draft()

    def test_cancel_draft(self):
        self.draft.with_user(self.kg_teacher).action_cancel_draft()
        self.assertEqual(self.draft.state, "cancelled")
        self.assertEqual(self.case.consent_state, "none")
        with self.assertRaises(UserError):
            self._register()
        with self.assertRaises(UserError):
            self.draft.with_user(self.kg_teacher).action_withdraw()

    def test_forged_states_refused(self):
        for state in ("given", "withdrawn", "expired", "cancelled"):
            with self.subTest(state), self.assertRaises(AccessError):
                self.draft.with_user(self.kg_teacher).write({"state": state})
        with self.assertRaises(UserError):
            self._give_consent(self.case, self.school, state="cancelled")
        self.assertEqual(self.draft.state, "draft")
