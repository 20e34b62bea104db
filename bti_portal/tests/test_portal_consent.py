import re

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.bti_core.tests.common import BtiJsonRpcMixin

from .common import PortalCommon

CSRF = re.compile(r'(?:name="csrf_token" value=|csrf_token: )"([^"]+)"')


@tagged("post_install", "-at_install", "bti")
class TestPortalConsent(PortalCommon, BtiJsonRpcMixin, HttpCase):
    """Consents online, over HTTP as real portal sessions: the family
    withdraws a consent (the services lose access at once) and each one who
    must consent answers a consent form; nobody else can, on any id."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_consent = cls._give_consent(cls.other_case, cls.school)

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _get(self, url):
        # Refused requests are logged by odoo.http: expected here.
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False)

    def _post(self, url, data, token=True):
        data = dict(data)
        if token:
            page = self._get("/my")
            data["csrf_token"] = CSRF.search(page.text).group(1)
        with mute_logger("odoo.http"):
            return self.url_open(url, data=data, allow_redirects=False)

    def _withdraw_url(self, case, consent):
        return f"/my/bti/{case.id}/consent/{consent.id}/withdraw"

    def _answer_url(self, case, consent):
        return f"/my/bti/{case.id}/consent/{consent.id}/answer"

    def _school_reads_case(self, case=None):
        self.env.invalidate_all()
        return (
            self.env["bti.case"]
            .with_user(self.school_teacher)
            .search_count([("id", "=", (case or self.case).id)])
        )

    def _draft(self, case=None, services=None, user=None):
        return self._give_consent(
            case or self.case,
            services or self.health,
            user=user,
            state="draft",
            given_by_partner_ids=[Command.clear()],
            purpose="Consent Form November",
        )

    def _second_parent(self):
        partner = self.env["res.partner"].create({"name": "Second Parent"})
        self.case.with_user(self.kg_teacher).write(
            {
                "guardian_ids": [
                    Command.create({"partner_id": partner.id, "relation": "parent"})
                ]
            }
        )
        return partner, self._portal_user("family_second", partner)

    # ------------------------------------------------------------------
    # Withdraw
    # ------------------------------------------------------------------
    def test_withdraw_online_ends_access_at_once(self):
        self.assertTrue(self._school_reads_case())
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{self.case.id}")
        self.assertIn(self._withdraw_url(self.case, self.consent), page.text)
        self.assertIn('name="csrf_token"', page.text)
        response = self._post(
            self._withdraw_url(self.case, self.consent),
            {"reason": "We want to talk first"},
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("consent_done=withdrawn", response.headers["Location"])
        self.env.invalidate_all()
        self.assertEqual(self.consent.state, "withdrawn")
        self.assertEqual(self.consent.withdrawn_by_id, self.mother_user)
        self.assertEqual(self.consent.withdrawn_reason, "We want to talk first")
        self.assertFalse(self._school_reads_case(), "the school kept access")
        self.assertTrue(
            self.case.activity_ids.filtered(lambda a: a.user_id == self.kg_teacher),
            "the stafettholder is told",
        )
        page = self._get(f"/my/bti/{self.case.id}?consent_done=withdrawn")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers.get("Cache-Control"), "no-store")
        self.assertIn("The consent is withdrawn", page.text)
        # Once withdrawn, there is nothing left to withdraw.
        again = self._post(self._withdraw_url(self.case, self.consent), {})
        self.assertEqual(again.status_code, 400)
        self.assertEqual(self.consent.state, "withdrawn")

    def test_withdraw_forged_ids_are_not_found(self):
        attempts = [
            (self.other_user, self.case, self.consent, "another family, its case"),
            (
                self.other_user,
                self.other_case,
                self.consent,
                "another family, own case",
            ),
            (
                self.mother_user,
                self.case,
                self.other_consent,
                "a consent of another case",
            ),
            (
                self.mother_user,
                self.other_case,
                self.other_consent,
                "another family's case",
            ),
            (self.father_user, self.case, self.consent, "no parental responsibility"),
        ]
        for user, case, consent, what in attempts:
            self._login(user)
            response = self._post(self._withdraw_url(case, consent), {"reason": "x"})
            self.assertEqual(response.status_code, 404, what)
        self.env.invalidate_all()
        self.assertEqual(self.consent.state, "given")
        self.assertEqual(self.other_consent.state, "given")
        self.assertTrue(self._school_reads_case())
        # Nor over JSON-RPC.
        self._login(self.other_user)
        error, _result = self._call_kw(
            "bti.consent", "action_withdraw", [self.consent.id]
        )
        self.assertTrue(error)
        self.env.invalidate_all()
        self.assertEqual(self.consent.state, "given")

    def test_missing_csrf_is_refused(self):
        draft = self._draft()
        self._login(self.mother_user)
        for url, data in (
            (self._withdraw_url(self.case, self.consent), {"reason": "x"}),
            (self._answer_url(self.case, draft), {"answer": "given", "agree": "1"}),
        ):
            response = self._post(url, data, token=False)
            self.assertEqual(response.status_code, 400, url)
            forged = self._post(url, dict(data, csrf_token="forged"), token=False)
            self.assertEqual(forged.status_code, 400, url)
        self.env.invalidate_all()
        self.assertEqual(self.consent.state, "given")
        self.assertEqual(draft.state, "draft")
        self.assertFalse(draft.confirmation_ids)

    def test_nothing_while_violence_is_suspected(self):
        draft = self._draft()
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self._login(self.mother_user)
        response = self._post(self._withdraw_url(self.case, self.consent), {})
        self.assertEqual(response.status_code, 404)
        response = self._post(
            self._answer_url(self.case, draft), {"answer": "given", "agree": "1"}
        )
        self.assertEqual(response.status_code, 404)
        self.env.invalidate_all()
        self.assertEqual(self.consent.state, "given")
        self.assertFalse(draft.confirmation_ids)

    # ------------------------------------------------------------------
    # Answer a consent form
    # ------------------------------------------------------------------
    def test_given_when_both_guardians_have_confirmed(self):
        second, second_user = self._second_parent()
        draft = self._draft()
        self.assertEqual(draft.signer_partner_ids, self.mother | second)
        url = self._answer_url(self.case, draft)
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{self.case.id}")
        self.assertIn(url, page.text)
        self.assertIn("Consent Form November", page.text)
        # Without ticking "I consent": nothing.
        response = self._post(url, {"answer": "given"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(draft.confirmation_ids)
        response = self._post(url, {"answer": "given", "agree": "1"})
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("consent_done=confirmed", response.headers["Location"])
        self.env.invalidate_all()
        self.assertEqual(draft.state, "draft", "one of two guardians")
        answer = draft.confirmation_ids
        self.assertEqual(answer.partner_id, self.mother)
        self.assertEqual(answer.user_id, self.mother_user)
        self.assertEqual(answer.answer, "given")
        self.assertTrue(answer.date)
        # Twice: refused, nothing added.
        again = self._post(url, {"answer": "given", "agree": "1"})
        self.assertEqual(again.status_code, 400)
        self.assertIn("already answered", again.text)
        self.assertNotIn(url, self._get(f"/my/bti/{self.case.id}").text)
        # Nobody else answers in the family's stead.
        for user in (self.father_user, self.other_user):
            self._login(user)
            response = self._post(url, {"answer": "given", "agree": "1"})
            self.assertEqual(response.status_code, 404, user.login)
        self.env.invalidate_all()
        self.assertEqual(len(draft.confirmation_ids), 1)
        self.assertEqual(draft.state, "draft")
        # The second guardian: given.
        self._login(second_user)
        response = self._post(url, {"answer": "given", "agree": "1"})
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("consent_done=given", response.headers["Location"])
        self.env.invalidate_all()
        self.assertEqual(draft.state, "given")
        self.assertEqual(draft.given_by_partner_ids, self.mother | second)
        self.assertEqual(draft.form, "portal")
        self.assertFalse(draft.youth_consented)
        self.assertEqual(draft.date, self.today)
        self.assertEqual(draft.valid_from, self.today)
        self.assertEqual(len(draft.confirmation_ids), 2)
        self.assertTrue(
            self.case.activity_ids.filtered(
                lambda a: (
                    a.user_id == self.kg_teacher
                    and "given in the portal" in (a.summary or "")
                )
            ),
            "the stafettholder is told",
        )
        self.assertTrue(
            self.case.message_ids.filtered(
                lambda m: "answered in the portal" in (m.body or "")
            )
        )
        # A given consent is not answered again.
        self._login(self.mother_user)
        response = self._post(url, {"answer": "refused"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(draft.state, "given")

    def test_a_refusal_refuses(self):
        self._second_parent()
        draft = self._draft()
        self._login(self.mother_user)
        response = self._post(self._answer_url(self.case, draft), {"answer": "refused"})
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.env.invalidate_all()
        self.assertEqual(draft.state, "refused")
        self.assertEqual(draft.given_by_partner_ids, self.mother)
        self.assertEqual(draft.form, "portal")
        self.assertEqual(draft.confirmation_ids.answer, "refused")
        self.assertTrue(
            self.case.activity_ids.filtered(
                lambda a: "refused in the portal" in (a.summary or "")
            )
        )

    def test_the_young_person_of_15_must_confirm_too(self):
        case, youth, parent = self._youth_case(15)
        draft = self._draft(case, self.school, user=self.nurse)
        self.assertEqual(draft.signer_partner_ids, youth | parent)
        youth_user = self._portal_user("family_youth15", youth)
        parent_user = self._portal_user("family_parent15", parent)
        url = self._answer_url(case, draft)
        self._login(parent_user)
        response = self._post(url, {"answer": "given", "agree": "1"})
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.env.invalidate_all()
        self.assertEqual(draft.state, "draft", "the young person has not answered")
        self._login(youth_user)
        self.assertIn(url, self._get(f"/my/bti/{case.id}").text)
        response = self._post(url, {"answer": "given", "agree": "1"})
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.env.invalidate_all()
        self.assertEqual(draft.state, "given")
        self.assertTrue(draft.youth_consented)
        self.assertEqual(draft.given_by_partner_ids, youth | parent)

    def test_answers_are_the_systems_only(self):
        draft = self._draft()
        self._login(self.mother_user)
        attempts = {
            "create an answer": (
                "bti.consent.confirmation",
                "create",
                [
                    {
                        "consent_id": draft.id,
                        "partner_id": self.mother.id,
                        "user_id": self.mother_user.id,
                        "answer": "given",
                    }
                ],
            ),
            "answer another case's form": (
                "bti.consent",
                "action_confirm_online",
                [self.other_consent.id],
            ),
        }
        for what, (model, method, *args) in attempts.items():
            error, _result = self._call_kw(model, method, *args)
            self.assertTrue(error, what)
        self.env.invalidate_all()
        self.assertFalse(draft.confirmation_ids)
        # A staff member cannot pass a consent off as confirmed in the portal.
        with self.assertRaises(UserError):
            self._give_consent(self.case, self.bup, form="portal")
        # Nor confirm a form as the family: the action is the family's.
        Consent = self.env["bti.consent"].with_user(self.kg_teacher)
        self.assertFalse(Consent.browse(draft.id)._bti_may("action_confirm_online"))
        # An answer given stays as given.
        self._post(
            self._answer_url(self.case, draft), {"answer": "given", "agree": "1"}
        )
        answer = draft.confirmation_ids
        self.assertTrue(answer)
        with self.assertRaises(UserError):
            answer.write({"answer": "refused"})
        with self.assertRaises(UserError):
            answer.unlink()
