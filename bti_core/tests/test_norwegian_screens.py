"""A BTI user who works in Norwegian reads no English: the core terms Odoo 18
leaves untranslated in nb (bti_core/i18n_extra/nb.po), the labels of the BTI
models, and the texts BTI generates with a date in them (dd.mm.yyyy)."""

import base64
import json
import re

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_open

NB_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

# Core terms of the web client that BTI's screens show, overlaid in nb.
OVERLAY = {
    "Invalid Operation": "Ugyldig handling",
    "Create and edit...": "Opprett og rediger …",
    "In %s days": "Om %s dager",
    "selected": "valgt",
    "Today at %(time)s": "I dag kl. %(time)s",
}

# The models of BTI's main screens (the stafettlogg's when it is installed).
SCREEN_MODELS = (
    "bti.case",
    "bti.consent",
    "bti.baton",
    "bti.log.entry",
    "bti.goal",
    "bti.measure",
    "bti.meeting",
)
# Fields that other Odoo modules add where they are installed (sms) and that no
# BTI screen shows.
NOT_SHOWN = {"message_has_sms_error"}

# Labels that are the same word in English and Norwegian.
SAME_WORD = {
    "BTI",
    "ID",
    "PPT",
    "Status",
    "Start",
    "Form",
    "Partner",
    "Arena",
    "Person",
    # BTI's own Norwegian terms, the source strings themselves.
    "Stafettholder",
}


@tagged("post_install", "-at_install")
class TestNorwegianScreens(HttpCase):
    def test_webclient_translations_overlay(self):
        self.authenticate("kari", "kari")
        response = self.url_open("/web/webclient/translations/bti?lang=nb_NO")
        self.assertEqual(response.status_code, 200)
        terms = {}
        for module in response.json()["modules"].values():
            for message in module["messages"]:
                terms[message["id"]] = message["string"]
        for source, value in OVERLAY.items():
            self.assertEqual(terms.get(source), value, source)

    def test_activity_done_template_in_norwegian(self):
        view = self.env.ref("mail.message_activity_done").with_context(lang="nb_NO")
        self.assertIn("Tilbakemelding:", view.arch)

    def test_model_labels_in_norwegian(self):
        untranslated = []
        for model in SCREEN_MODELS:
            if model not in self.env:
                continue
            en = (
                self.env[model]
                .with_context(lang="en_US")
                .fields_get(attributes=["string", "selection"])
            )
            nb = (
                self.env[model]
                .with_context(lang="nb_NO")
                .fields_get(attributes=["string", "selection"])
            )
            for name in en:
                if name in NOT_SHOWN:
                    continue
                if en[name]["string"] == nb[name]["string"] and (
                    en[name]["string"] not in SAME_WORD
                ):
                    untranslated.append(f"{model}.{name}: {en[name]['string']!r}")
                for (_key, en_label), (_key2, nb_label) in zip(
                    en[name].get("selection") or [],
                    nb[name].get("selection") or [],
                    strict=True,
                ):
                    if en_label == nb_label and en_label not in SAME_WORD:
                        untranslated.append(f"{model}.{name} value {en_label!r}")
        self.assertFalse(untranslated, "\n".join(untranslated))

    def test_generated_texts_carry_norwegian_dates(self):
        env_nb = self.env(context=dict(self.env.context, lang="nb_NO"))
        consent = env_nb.ref("bti_core.demo_consent_noah_ppt").sudo()
        self.assertRegex(consent.name, NB_DATE)
        self.assertNotRegex(consent.name, ISO_DATE)
        self.assertIn("Samtykke", consent.name)
        self.assertNotIn("(Given)", consent.name)
        if "bti.meeting" in self.env:
            meeting = env_nb.ref("bti_stafettlogg.demo_meeting_ella_start").sudo()
            self.assertRegex(meeting._bti_label(), NB_DATE)
            self.assertNotRegex(meeting._bti_label(), ISO_DATE)
            entry = env_nb.ref("bti_stafettlogg.demo_entry_ella_agreement").sudo()
            self.assertRegex(entry._bti_label(), NB_DATE)
            # What the demo generated: agendas, minutes and calendar events.
            meetings = env_nb["bti.meeting"].sudo().search([])
            self.assertTrue(meetings.minutes_entry_id)
            for text in [
                *meetings.mapped("agenda"),
                *meetings.minutes_entry_id.mapped("body"),
                *meetings.calendar_event_id.mapped("name"),
            ]:
                self.assertNotRegex(str(text or ""), ISO_DATE)
            self.assertRegex(meetings[:1].display_name, NB_DATE)

    def test_demo_chatter_and_activities_in_norwegian(self):
        decision = self.env.ref("bti_core.mail_activity_type_bti_decision")
        summary_en = decision.with_context(lang="en_US").summary
        activities = self.env["mail.activity"].search([("res_model", "=", "bti.case")])
        self.assertTrue(activities)
        self.assertFalse(activities.filtered(lambda a: a.summary == summary_en))
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "bti.case"),
                "|",
                ("body", "ilike", summary_en),
                ("body", "ilike", "Consent recorded"),
            ]
        )
        self.assertFalse(messages, json.dumps(messages.mapped("body"))[:500])

    def test_demo_login_page_has_no_placeholder_logo(self):
        with file_open("base/static/img/res_company_logo.png", "rb") as file:
            placeholder = base64.b64encode(file.read())
        company = self.env.ref("base.main_company")
        self.assertTrue(company.logo)
        self.assertNotEqual(company.logo, placeholder)
