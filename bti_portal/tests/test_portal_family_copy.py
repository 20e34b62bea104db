import shutil
import socket
import subprocess
import tempfile

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import PortalCommon

HIDDEN = (
    "Services Entry Bravo",
    "Own Service Entry Charlie",
    "Draft Entry Delta",
    "Service Goal Foxtrot",
)


@tagged("post_install", "-at_install", "bti")
class TestPortalFamilyCopy(PortalCommon, HttpCase):
    """The family downloads its copy of the log as a PDF from the portal:
    only what was shared with the family; never another family, nobody
    without parental responsibility, nothing while violence or abuse is
    suspected or once the case is closed; not through Odoo's report routes.

    wkhtmltopdf fetches the style sheets from the server, whose one test
    cursor the PDF request holds: the report URL points at a closed port,
    so it renders the (unstyled) text at once instead of waiting."""

    def setUp(self):
        super().setUp()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{port}"
        )
        self.assertTrue(
            shutil.which("pdftotext"), "pdftotext missing: setup/ installs poppler"
        )

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _get(self, url):
        # Refused requests are logged by odoo.http; wkhtmltopdf warns that it
        # could not load the style sheets (see above).
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_actions_report"):
            return self.url_open(url, allow_redirects=False, timeout=120)

    def _url(self, case=None):
        return f"/my/bti/{(case or self.case).id}/copy.pdf"

    @staticmethod
    def _text(pdf):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            return subprocess.run(
                ["pdftotext", handle.name, "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout

    def _assert_pdf(self, response, case=None):
        case = case or self.case
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers.get("Content-Type"), "application/pdf")
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertEqual(
            response.headers.get("Content-Disposition"),
            f"attachment; filename*=UTF-8''stafettlogg-{case.name}.pdf",
        )
        self.assertTrue(response.content.startswith(b"%PDF"), "a PDF")
        return self._text(response.content)

    def _assert_no_copy(self, response):
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(response.content.startswith(b"%PDF"))
        self.assertNotIn(b"Shared Entry Alpha", response.content)

    # ------------------------------------------------------------------
    def test_mother_downloads_the_family_copy(self):
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{self.case.id}/log")
        self.assertIn(self._url(), page.text, "the log page links to the copy")
        self.assertIn("Download the log as PDF", page.text)
        text = self._assert_pdf(self._get(self._url()))
        self.assertIn("Shared Entry Alpha", text)
        self.assertIn("Family Goal Echo", text)
        for hidden in HIDDEN:
            self.assertNotIn(hidden, text)
        # The child's name is in the document, never in the file name.
        child = self.case.subject_partner_id.name
        self.assertNotIn(child, self._get(self._url()).headers["Content-Disposition"])
        # The access log: the family printed its own copy.
        rows = (
            self.env["bti.access.log"]
            .sudo()
            .search(
                [
                    ("case_id", "=", self.case.id),
                    ("user_id", "=", self.mother_user.id),
                    ("action", "=", "print"),
                ]
            )
        )
        self.assertTrue(rows, "the print is logged as the mother's")
        self.assertFalse(rows.service_id)

    def test_others_get_no_copy(self):
        for user in (self.father_user, self.other_user):
            self._login(user)
            with self.subTest(user=user.login):
                response = self._get(self._url())
                self.assertEqual(response.status_code, 404)
                self._assert_no_copy(response)
        # A staff member reading the case is not its family either.
        self._login(self.kg_teacher)
        self._assert_no_copy(self._get(self._url()))
        with self.assertRaises(AccessError):
            self.case.with_user(self.kg_teacher)._bti_family_copy_pdf()
        with self.assertRaises(AccessError):
            self.case.with_user(self.other_user)._bti_family_copy_pdf()

    def test_anonymous_gets_no_copy(self):
        response = self._get(self._url())
        self._assert_no_copy(response)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_no_copy_while_violence_is_suspected(self):
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self._login(self.mother_user)
        response = self._get(self._url())
        self.assertEqual(response.status_code, 404)
        self._assert_no_copy(response)
        with self.assertRaises(AccessError):
            self.case.with_user(self.mother_user)._bti_family_copy_pdf()

    def test_no_copy_of_a_closed_case(self):
        self._decide(self.case, "close")
        self.assertEqual(self.case.state, "closed")
        self._login(self.mother_user)
        response = self._get(self._url())
        self.assertEqual(response.status_code, 404)
        self._assert_no_copy(response)

    def test_not_through_the_report_routes(self):
        """Odoo's report routes render as the user: the family reads neither
        the services nor the participations the report shows."""
        self._login(self.mother_user)
        for converter in ("pdf", "html"):
            for report in (
                "bti_stafettlogg.report_stafettlogg_family",
                "bti_stafettlogg.report_stafettlogg",
            ):
                with self.subTest(converter=converter, report=report):
                    response = self._get(f"/report/{converter}/{report}/{self.case.id}")
                    self._assert_no_copy(response)

    def test_young_person_copy_keeps_own_health_information(self):
        """The parents' copy of a 16-year-old's log leaves out the health
        notes; the young person's own copy has them."""
        case, youth, parent = self._youth_case(16)
        self._entry(
            case=case,
            user=self.nurse,
            subject="Health Sierra",
            visibility="family",
            info_category_id=self.cat_health.id,
        )
        self._entry(
            case=case, user=self.nurse, subject="General Tango", visibility="family"
        )
        youth_user = self._portal_user("family_youth", youth)
        parent_user = self._portal_user("family_parent", parent)
        self._login(parent_user)
        text = self._assert_pdf(self._get(self._url(case)), case)
        self.assertIn("General Tango", text)
        self.assertNotIn("Health Sierra", text)
        self._login(youth_user)
        text = self._assert_pdf(self._get(self._url(case)), case)
        self.assertIn("General Tango", text)
        self.assertIn("Health Sierra", text)
        # The services' paper copy goes to the parents: without it.
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.nurse)
            ._render_qweb_html(
                "bti_stafettlogg.action_report_stafettlogg_family", case.ids
            )
        )
        self.assertNotIn("Health Sierra", html.decode())
