import re

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.bti_core.tests.common import BtiJsonRpcMixin
from odoo.addons.bti_stafettlogg.tests.common import FORGED_CONTEXT

from ..models.bti_measure import FAMILY_COMMENT_MAX_CHARS
from .common import PortalCommon
from .test_accessibility import PortalAxeMixin

FAMILY_FIELDS = ("family_done_date", "family_comment", "family_comment_partner_id")


@tagged("post_install", "-at_install", "bti")
class TestFamilyMeasures(PortalCommon, BtiJsonRpcMixin, HttpCase):
    """The family's own measures, over HTTP as real portal sessions and over
    the ORM: the family says it has done one and comments on it; the
    stafettholder gets a to-do without content, the measure a note; the
    staff state does not change. Nobody else reports, and nobody writes the
    family's fields directly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        family = {
            "responsible_kind": "family",
            "responsible_service_id": False,
            "responsible_user_id": False,
            "arena": "home",
            "visibility": "family",
        }
        cls.measure = cls._measure(
            cls.family_goal, name="Reading at home Kilo", **family
        )
        cls.service_measure = cls._measure(
            cls.family_goal, name="Language group Lima", visibility="family"
        )
        # Another family's case, with its own family measure.
        cls._decide(cls.other_case, "level_2")
        cls._give_consent(cls.other_case, cls.school)
        other_goal = cls._goal(
            case=cls.other_case, name="Other Goal November", visibility="family"
        )
        cls.other_measure = cls._measure(
            other_goal, name="Other family measure Oscar", **family
        )

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _get(self, url):
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False)

    def _url(self, case=None, measure=None):
        case = case or self.case
        measure = measure or self.measure
        return f"/my/bti/{case.id}/measure/{measure.id}/report"

    def _post(self, done=False, comment="", case=None, measure=None, csrf=True):
        data = {"comment": comment}
        if done:
            data["done"] = "1"
        if csrf:
            # The session's token, as every page of the portal carries it.
            page = self._get("/my/bti")
            match = re.search(r'csrf_token: "([^"]+)"', page.text)
            data["csrf_token"] = match.group(1) if match else ""
        # Refused requests are logged by odoo.http: expected here.
        with mute_logger("odoo.http"):
            return self.url_open(
                self._url(case, measure), data=data, allow_redirects=False
            )

    def _todos(self):
        return self.case.activity_ids.filtered(
            lambda a: "reported on one of its measures" in (a.summary or "")
        )

    def _notes(self, measure=None):
        measure = measure or self.measure
        return measure.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_note")
                and m.author_id.user_ids.share
            )
        )

    def _assert_untouched(self, *measures):
        self.env.invalidate_all()
        for measure in measures or (self.measure,):
            for name in FAMILY_FIELDS:
                self.assertFalse(measure[name], f"{name} of {measure.name}")
            self.assertFalse(self._notes(measure), f"no note on {measure.name}")
        self.assertFalse(self._todos(), "no to-do")

    # ------------------------------------------------------------------
    def test_family_marks_done_and_comments(self):
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{self.case.id}/log")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self._url(), page.text, "a form for the family's measure")
        self.assertNotIn(
            self._url(measure=self.service_measure),
            page.text,
            "no form for a service's measure",
        )
        response = self._post(done=True, comment="We read every evening Mike")
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            f"/my/bti/{self.case.id}/log?reported=1", response.headers["Location"]
        )
        self.env.invalidate_all()
        self.assertEqual(self.measure.family_done_date, self.today)
        self.assertEqual(self.measure.family_comment, "We read every evening Mike")
        self.assertEqual(self.measure.family_comment_partner_id, self.mother)
        # Evaluating the measure is the services' work: the state stays.
        self.assertEqual(self.measure.state, "planned")
        # The stafettholder is told: a to-do without content.
        todo = self._todos()
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.kg_teacher)
        self.assertIn(self.case.name, todo.summary)
        for content in ("Mike", "Kilo"):
            self.assertNotIn(content, todo.summary)
            self.assertNotIn(content, str(todo.note or ""))
        # The measure keeps the report as an internal note by the mother, who
        # does not follow the measure (no mail reaches her from it).
        note = self._notes()
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.mother)
        self.assertIn("Mike", note.body)
        self.assertIn("has done this", note.body)
        self.assertFalse(note.partner_ids, "mailed to nobody")
        self.assertNotIn(self.mother, self.measure.message_partner_ids)
        # The staff read it on the measure.
        Measure = self.env["bti.measure"].with_user(self.kg_teacher)
        self.assertEqual(
            Measure.browse(self.measure.id).family_comment,
            "We read every evening Mike",
        )
        # The page says thank you, and what the family said.
        page = self._get(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers.get("Cache-Control"), "no-store")
        self.assertIn("Thank you", page.text)
        self.assertIn("We read every evening Mike", page.text)
        self.assertIn("that you have done it", page.text)
        self.assertNotIn(f'id="bti_measure_done_{self.measure.id}"', page.text)
        # A later comment replaces the latest one; the day it was done stays.
        response = self._post(comment="Still reading November")
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(self.measure.family_comment, "Still reading November")
        self.assertEqual(self.measure.family_done_date, self.today)
        self.assertEqual(len(self._notes()), 2, "every report is kept")
        self.assertEqual(len(self._todos()), 2)

    def test_done_without_comment_while_running(self):
        self.measure.with_user(self.kg_teacher).action_start()
        self.assertEqual(self.measure.state, "running")
        result = self.measure.with_user(self.mother_user).action_family_report(
            done=True
        )
        self.assertIs(result, True, "XML-RPC needs a value")
        self.assertEqual(self.measure.family_done_date, self.today)
        self.assertEqual(
            self.measure.state, "running", "still the services' to evaluate"
        )
        self.assertFalse(self.measure.family_comment)
        self.assertFalse(self.measure.family_comment_partner_id)
        # Done twice says nothing new: a comment is needed then.
        with self.assertRaises(UserError):
            self.measure.with_user(self.mother_user).action_family_report(done=True)

    def test_comment_is_text_not_markup(self):
        self.measure.with_user(self.mother_user).action_family_report(
            comment="<script>alert(1)</script> Quebec"
        )
        note = self._notes()
        self.assertNotIn("<script", note.body)
        self.assertIn("Quebec", note.body)
        self.assertFalse(self.measure.family_done_date, "not marked done")
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{self.case.id}/log")
        self.assertIn("Quebec", page.text)
        self.assertNotIn("<script>alert(1)", page.text)

    def test_empty_or_too_long_comment_is_refused(self):
        self._login(self.mother_user)
        response = self._post(comment="   ")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertIn("Write a comment", response.text)
        too_long = "y" * (FAMILY_COMMENT_MAX_CHARS + 1)
        response = self._post(done=True, comment=too_long)
        self.assertEqual(response.status_code, 400)
        self.assertIn("too long", response.text)
        self.assertIn(too_long, response.text, "the text is kept for another try")
        self.assertIn(f'id="bti_measure_error_{self.measure.id}"', response.text)
        self._assert_untouched()
        # A truthy string over RPC is no ticked box.
        with self.assertRaises(UserError):
            self.measure.with_user(self.mother_user).action_family_report(done="false")
        self._assert_untouched()

    def test_missing_csrf_is_refused(self):
        self._login(self.mother_user)
        response = self._post(done=True, comment="No token", csrf=False)
        self.assertEqual(response.status_code, 400)
        self._assert_untouched()

    def test_others_are_refused_over_http(self):
        # The father without parental responsibility, another family: the
        # case or the measure is "not found".
        for user in (self.father_user, self.other_user):
            self._login(user)
            with self.subTest(user=user.login):
                response = self._post(done=True, comment="Forged")
                self.assertEqual(response.status_code, 404)
        # Another family's measure under the mother's own case, and the
        # mother's measure under the other case.
        self._login(self.mother_user)
        response = self._post(done=True, comment="Forged", measure=self.other_measure)
        self.assertEqual(response.status_code, 404)
        response = self._post(done=True, comment="Forged", case=self.other_case)
        self.assertEqual(response.status_code, 404)
        self._login(self.other_user)
        response = self._post(
            done=True,
            comment="Forged",
            case=self.other_case,
            measure=self.measure,
        )
        self.assertEqual(response.status_code, 404)
        self._assert_untouched(self.measure, self.other_measure)

    def test_anonymous_is_refused(self):
        response = self._post(done=True, comment="Anonymous", csrf=False)
        self.assertNotEqual(response.status_code, 200)
        if response.status_code == 303:
            self.assertIn("/web/login", response.headers["Location"])
        self.assertNotIn("Reading at home Kilo", response.text)
        page = self._get(f"/my/bti/{self.case.id}/log")
        self.assertEqual(page.status_code, 303)
        self.assertIn("/web/login", page.headers["Location"])
        self._assert_untouched()

    def test_others_are_refused_over_the_orm(self):
        for user in (
            self.father_user,
            self.other_user,
            self.kg_teacher,
            self.school_teacher,
        ):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.measure.with_user(user).action_family_report(
                    done=True, comment="Forged"
                )
        self._assert_untouched()

    def test_others_are_refused_over_jsonrpc(self):
        for user in (self.other_user, self.father_user, self.kg_teacher):
            self._login(user)
            error, _result = self._call_kw(
                "bti.measure", "action_family_report", [self.measure.id], True, "RPC"
            )
            self.assertTrue(error, user.login)
        self._assert_untouched()

    def test_measure_of_a_service_is_refused(self):
        with self.assertRaises(UserError):
            self.service_measure.with_user(self.mother_user).action_family_report(
                done=True, comment="Not ours"
            )
        self._login(self.mother_user)
        response = self._post(
            done=True, comment="Not ours", measure=self.service_measure
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("family itself is responsible", response.text)
        self._assert_untouched(self.service_measure)

    def test_evaluated_or_stopped_measure_is_refused(self):
        stopped = self._measure(
            self.family_goal,
            name="Stopped Papa",
            responsible_kind="family",
            responsible_service_id=False,
            responsible_user_id=False,
            visibility="family",
        )
        self.measure.with_user(self.kg_teacher)._bti_evaluate("good", "<p>Fine</p>")
        stopped.with_user(self.kg_teacher).action_stop("No longer needed")
        self.assertEqual(self.measure.state, "evaluated")
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{self.case.id}/log")
        for measure in (self.measure, stopped):
            with (
                self.subTest(measure=measure.name),
                self.assertRaises(UserError),
            ):
                measure.with_user(self.mother_user).action_family_report(
                    done=True, comment="Too late"
                )
            self.assertNotIn(self._url(measure=measure), page.text, "no form")
            response = self._post(done=True, comment="Too late", measure=measure)
            self.assertEqual(response.status_code, 400)
            self.assertIn("present state", response.text)
        self._assert_untouched(self.measure, stopped)

    def test_nothing_while_violence_is_suspected(self):
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        with self.assertRaises(AccessError):
            self.measure.with_user(self.mother_user).action_family_report(
                done=True, comment="Hidden"
            )
        self._login(self.mother_user)
        self.assertEqual(self._post(done=True, comment="Hidden").status_code, 404)
        self._assert_untouched()

    def test_forged_writes_of_the_family_fields_are_refused(self):
        forged = {
            "family_done_date": fields.Date.to_string(self.today),
            "family_comment": "Forged comment",
            "family_comment_partner_id": self.mother.id,
        }
        for name, value in forged.items():
            vals = {name: value}
            with self.subTest(user="holder", field=name), self.assertRaises(UserError):
                self.measure.with_user(self.kg_teacher).write(vals)
            with (
                self.subTest(user="holder, forged context", field=name),
                self.assertRaises(UserError),
            ):
                self.measure.with_user(self.kg_teacher).with_context(
                    **FORGED_CONTEXT
                ).write(vals)
            with (
                self.subTest(user="mother", field=name),
                self.assertRaises(AccessError),
            ):
                self.measure.with_user(self.mother_user).write(vals)
            with self.subTest(create=name), self.assertRaises(UserError):
                self._measure(self.family_goal, name="Forged create", **vals)
        # Over JSON-RPC, as the holder and as the mother.
        for user in (self.kg_teacher, self.mother_user):
            self._login(user)
            error, _result = self._call_kw(
                "bti.measure", "write", [self.measure.id], forged
            )
            self.assertTrue(error, user.login)
        self._assert_untouched()


@tagged("post_install", "-at_install", "bti")
class TestFamilyMeasuresAccessibility(PortalAxeMixin, HttpCase):
    """The log page with a measure of the family's own (the demo: Ella's
    parents read a picture book with her every evening) and its form, on a
    desktop, checked with axe-core."""

    login = "sara"

    def setUp(self):
        super().setUp()
        self.case = self.env.ref("bti_core.demo_case_ella")
        self.measure = self.env.ref("bti_stafettlogg.demo_measure_ella_reading_home")

    def test_pages(self):
        url = f"/my/bti/{self.case.id}/log"
        self.authenticate(self.login, self.login)
        page = self.url_open(url)
        self.assertIn(
            f"/my/bti/{self.case.id}/measure/{self.measure.id}/report",
            page.text,
            "the demo shows the family's form",
        )
        self._axe("log page with the family's measure", url)
