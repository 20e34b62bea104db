import base64
import re
import shutil
import subprocess
import tempfile

from odoo.tests import HttpCase, tagged

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from .common import StafettloggCommon

# Today's pages weigh ~12 kB with fonts embedded as text; drawn as outlines by
# an unpatched wkhtmltopdf they weighed ~1 MB each.
MAX_BYTES_PER_PAGE = 150_000
SEARCH_MARK = "Arkivsøkbar merknad om henting"


@tagged("post_install", "-at_install", "bti")
class TestPdfArchive(StafettloggCommon, HttpCase):
    """The printed stafettlogg and the archive copy are PDFs an archive takes:
    every page names the case, says it is confidential and which page of how
    many it is; the text is text (searchable), the file small, and no two
    names run together.

    An HttpCase: wkhtmltopdf fetches the report's style sheets and fonts from
    the running server; force_report_rendering makes Odoo run wkhtmltopdf in
    tests instead of returning HTML.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        goal = cls._goal(name="Comes to kindergarten rested")
        # responsible service and person side by side in the table
        cls._measure(
            goal,
            name="Fixed pick-up list",
            responsible_service_id=cls.school.id,
            responsible_user_id=cls.school_teacher.id,
        )
        cls._meeting()
        paragraph = (
            "<p>Mor og barnehagen snakket om morgenene, om henting og om hvem "
            "som har ansvar for hva når planen endres i løpet av uken.</p>"
        )
        # enough log for several pages
        for i in range(14):
            cls._entry(
                subject=f"Samtale {i + 1}",
                body=paragraph * 3 + (f"<p>{SEARCH_MARK}</p>" if i == 5 else ""),
            )

    def setUp(self):
        super().setUp()
        self.assertTrue(
            shutil.which("pdftotext") and shutil.which("pdfinfo"),
            "pdftotext/pdfinfo missing: setup/ installs poppler-utils",
        )
        wkhtmltopdf = _get_wkhtmltopdf_bin()
        self.assertTrue(
            wkhtmltopdf, "no wkhtmltopdf found: run setup/ (it installs one)"
        )
        version = subprocess.run(
            [wkhtmltopdf, "--version"], capture_output=True, text=True, check=False
        ).stdout
        self.assertIn(
            "with patched qt",
            version,
            f"Odoo uses {wkhtmltopdf} ({version.strip()}): without patched Qt it "
            "drops the header and footer; setup/ installs the patched build",
        )

    # ------------------------------------------------------------------
    def _pages(self, pdf):
        """The text of each page of ``pdf``, as pdftotext reads it."""
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            info = subprocess.run(
                ["pdfinfo", f.name], capture_output=True, text=True, check=True
            ).stdout
            count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
            return [
                subprocess.run(
                    ["pdftotext", "-f", str(i), "-l", str(i), f.name, "-"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                for i in range(1, count + 1)
            ]

    def _assert_archivable(self, pdf):
        self.assertTrue(pdf.startswith(b"%PDF-"), "not a PDF")
        pages = self._pages(pdf)
        count = len(pages)
        self.assertGreaterEqual(count, 2, "the test log should fill several pages")
        for number, text in enumerate(pages, start=1):
            self.assertIn(self.case.name, text, f"case reference on page {number}")
            self.assertRegex(
                text, r"Konfidensielt|Confidential", f"marking on page {number}"
            )
            self.assertRegex(
                text,
                rf"(?<!\d){number}\s*/\s*{count}(?!\d)",
                f"'{number} / {count}' on page {number}",
            )
        text = "\n".join(pages)
        # searchable: the text is text, not outlines
        self.assertIn(SEARCH_MARK, text)
        self.assertIn("Fixed pick-up list", text)
        # the responsible service and person do not run together
        service, person = self.school.name, self.school_teacher.name
        self.assertIn(service, text)
        self.assertIn(person, text)
        self.assertNotRegex(text, re.escape(service) + r"[ \t]*" + re.escape(person))
        self.assertLess(
            len(pdf) / count,
            MAX_BYTES_PER_PAGE,
            f"{len(pdf)} bytes for {count} pages",
        )
        return pages

    # ------------------------------------------------------------------
    def test_printed_stafettlogg(self):
        report = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher)
            .with_context(force_report_rendering=True)
        )
        pdf, kind = report._render_qweb_pdf(
            "bti_stafettlogg.action_report_stafettlogg", res_ids=self.case.ids
        )
        self.assertEqual(kind, "pdf")
        self._assert_archivable(pdf)

    def test_archive_copy(self):
        self.case.with_user(self.kg_teacher).with_context(
            force_report_rendering=True
        )._bti_close("goal_reached")
        archive = (
            self.env["bti.log.archive"].sudo().search([("case_id", "=", self.case.id)])
        )
        self.assertEqual(len(archive), 1)
        self.assertEqual(archive.mimetype, "application/pdf")
        self.assertEqual(archive.document_name, f"{self.case.name}-stafettlogg.pdf")
        self._assert_archivable(base64.b64decode(archive.document))
