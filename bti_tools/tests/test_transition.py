import base64
import datetime

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.bti_stafettlogg.tests.common import FORGED_CONTEXT

from ..models.bti_tool_transition import CONTENT_FIELDS
from .common import ToolsCommon

MODEL = "bti.tool.transition"
REPORT = "bti_tools.report_tool_transition"
# Marks of the texts of the form, to find them anywhere they might be left.
FAMILY = "FAMILY-MARK he is afraid of the big boys on the bus"
CHILD = "CHILD-MARK I want to sit by the window"
KINDERGARTEN = "KG-MARK needs a fixed adult in the transitions"
LANGUAGES = "LANG-MARK Tigrinya and Norwegian"


@tagged("post_install", "-at_install")
class TestTransition(ToolsCommon):
    """The transition form kindergarten → school: signed by the guardians with
    parental responsibility and the kindergarten teacher, passed on to the
    school only with the parents' decision and a valid consent covering it,
    never while violence or abuse is suspected; the school then reads this
    form and nothing else of the case. A decline erases the content."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.school_leader = new_test_user(
            cls.env,
            login="school_leader",
            groups="bti_core.group_bti_leader",
            name="School Leader",
        )
        cls.school.member_ids = [Command.link(cls.school_leader.id)]
        cls.school.leader_ids = [Command.link(cls.school_leader.id)]
        cls.portal_parent = new_test_user(
            cls.env, login="transition_parent", groups="base.group_portal"
        )
        # A level-1 kindergarten case: the school does not take part, a consent
        # covers it for the transition only.
        cls.kg_case = cls._new_case()
        cls._decide(cls.kg_case, "level_1")
        cls.school_consent = cls._give_consent(cls.kg_case, cls.school)
        # What else the case holds, which the school never reads.
        cls.entry = cls._entry(cls.kg_case, visibility="participants")
        cls.other_tool = cls._tool(
            "bti.tool.conversation",
            cls.kg_case,
            final=True,
            visibility="participants",
            purpose="Talk with the parents",
            agreements="<p>We meet again.</p>",
        )

    @classmethod
    def _full(cls, case=None, user=None, final=True, **vals):
        values = {
            "family_wants_known": f"<p>{FAMILY}</p>",
            "family_thoughts": "<p>We look forward to it.</p>",
            "child_likes": "Playing football",
            "child_wants_known": CHILD,
            "kg_play": f"<p>{KINDERGARTEN}</p>",
            "kg_multilingual": True,
            "kg_languages": LANGUAGES,
            "kg_adaptation": "<p>Short sessions.</p>",
            "school_start_date": datetime.date.today() + datetime.timedelta(days=120),
            "closing_meeting_date": datetime.date.today(),
        }
        values.update(vals)
        case = cls.kg_case if case is None else case
        return cls._transition(case, user, final, **values)

    def _signed(self, **vals):
        return self._sign_transition(self._full(**vals))

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _assert_hidden(self, form, user):
        """``user`` finds ``form`` through no channel (a user without any
        right on the model gets an AccessError instead)."""
        self._new_request()
        Form = self.env[MODEL].with_user(user)
        with self.assertRaises(AccessError):
            form.with_user(user).read(["kg_play"])
        domain = [("id", "=", form.id)]
        channels = {
            "search": lambda: Form.search(domain).ids,
            "search_count": lambda: Form.search_count(domain),
            "read_group": lambda: [
                group["__count"] for group in Form.read_group(domain, ["__count"], [])
            ],
            "name_search": lambda: [row[0] for row in Form.name_search("", domain)],
        }
        for channel, found in channels.items():
            try:
                # A form has no name field: name_search warns it searches by id.
                with mute_logger("odoo.models"):
                    result = found()
            except AccessError:
                continue
            self.assertFalse(
                result and result != [0], f"{user.login} found it by {channel}"
            )

    def _assert_not_passed_on(self, form):
        self.assertFalse(form.recipient_granted)
        self.assertFalse(form.recipient_date)
        self.assertFalse(form.activity_ids)
        for user in (self.school_teacher, self.school_leader):
            self._assert_hidden(form, user)

    # ------------------------------------------------------------------
    # Passing on
    # ------------------------------------------------------------------
    def test_pass_on(self):
        form = self._full()
        self.assertEqual(form.visibility, "service")
        self.assertEqual(form.decision, "pending")
        self.assertFalse(form.signatures_complete)
        self._sign_transition(form)
        self.assertEqual(form.decision, "pass_on")
        self.assertEqual(form.decision_date, self.today)
        self.assertEqual(form.signed_partner_ids, self.kg_case.guardian_ids.partner_id)
        self.assertEqual(form.teacher_id, self.kg_teacher)
        self.assertTrue(form.signatures_complete)
        self.assertTrue(form.with_user(self.kg_teacher).user_may_pass_on)
        self.assertTrue(form.with_user(self.kg_teacher).action_pass_on())
        self.assertTrue(form.recipient_granted)
        self.assertTrue(form.recipient_date)
        # Passing on widens nobody else's reading: the visibility stays.
        self.assertEqual(form.visibility, "service")
        self.assertIn(self.school.name, form.message_ids[0].body)
        # The school's leader is told; the school's teacher reads it too.
        activity = form.activity_ids
        self.assertEqual(activity.user_id, self.school_leader)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("bti_tools.mail_activity_type_bti_transition"),
        )
        self.assertTrue(form.with_user(self.school_teacher).user_is_recipient)
        # Passed on once only.
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_pass_on()
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_decline()
        self.assertEqual(form.decision, "pass_on")

    def test_pass_on_with_the_signed_paper(self):
        form = self._full()
        scan = base64.b64encode(b"%PDF-1.4 signed transition form")
        form.with_user(self.kg_teacher)._bti_record_signatures(
            "paper", "pass_on", scan=scan, scan_name="signed.pdf"
        )
        self.assertTrue(form.signatures_complete)
        self.assertEqual(form.scan_received_by_id, self.kg_teacher)
        self.assertEqual(form.scan_date, self.today)
        self.assertFalse(form.signed_partner_ids)
        form.with_user(self.kg_teacher).action_pass_on()
        self.assertTrue(form.recipient_granted)
        # The school reads the signed paper form with it.
        self._new_request()
        values = form.with_user(self.school_teacher).read(["scan", "scan_name"])[0]
        self.assertEqual(values["scan_name"], "signed.pdf")
        self.assertTrue(values["scan"])

    def test_signatures_only_of_guardians_with_parental_responsibility(self):
        stranger = self.env["res.partner"].create({"name": "Neighbour Of Nobody"})
        case = self._new_case(
            guardian_ids=[
                Command.create({"partner_id": self.mother.id}),
                Command.create(
                    {
                        "partner_id": self.father.id,
                        "relation": "father",
                        "parental_responsibility": False,
                    }
                ),
            ]
        )
        form = self._full(case)
        self.assertEqual(form._bti_guardians(), self.mother)
        for partners in (stranger, self.father, self.mother | stranger):
            with self.subTest(partners=partners.mapped("name")):
                with self.assertRaises(ValidationError):
                    self._sign_transition(form, partners=partners)
        self.assertFalse(form.signed_partner_ids)
        self.assertEqual(form.decision, "pending")
        with self.assertRaises(ValidationError):
            form.with_user(self.kg_teacher)._bti_record_signatures(
                "system",
                "pass_on",
                partners=self.mother,
                date=self.today + datetime.timedelta(days=1),
            )
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher)._bti_record_signatures(
                "system", "pass_on", partners=None, teacher_signs=False
            )
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher)._bti_record_signatures("paper", "pass_on")
        self.assertFalse(form.signed_partner_ids)
        self.assertFalse(form.teacher_id)
        # Signed in two sittings: the mother, then the teacher.
        form.with_user(self.kg_teacher)._bti_record_signatures(
            "system", "pass_on", partners=self.mother
        )
        self.assertFalse(form.signatures_complete)
        form.with_user(self.kg_teacher)._bti_record_signatures(
            "system", "pass_on", teacher_signs=True
        )
        self.assertTrue(form.signatures_complete)
        self.assertIn(self.mother.name, form.signature_summary)

    def test_sign_through_the_wizard(self):
        form = self._full()
        Wizard = self.env["bti.tool.transition.sign.wizard"].with_user(self.kg_teacher)
        action = form.with_user(self.kg_teacher).action_sign()
        self.assertEqual(action["res_model"], Wizard._name)
        wizard = Wizard.with_context(**action["context"]).create({})
        self.assertEqual(wizard.method, "system")
        self.assertEqual(wizard.decision, "pass_on")
        self.assertEqual(wizard.partner_ids, form._bti_guardians())
        wizard.action_confirm()
        self.assertTrue(form.signatures_complete)
        self.assertEqual(form.decision, "pass_on")
        # On paper, a scan is required.
        paper = self._full()
        action = paper.with_user(self.kg_teacher).action_register_paper()
        wizard = Wizard.with_context(**action["context"]).create({})
        self.assertEqual(wizard.method, "paper")
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(paper.decision, "pending")
        # Only the kindergarten opens it; the buttons follow the roles.
        with self.assertRaises(AccessError):
            paper.with_user(self.school_teacher).action_sign()
        self.assertTrue(paper.with_user(self.kg_teacher).user_may_sign)
        self.assertTrue(paper.with_user(self.kg_teacher).user_may_decline)

    def test_sign_a_draft_to_pass_it_on_is_refused(self):
        form = self._full(final=False)
        with self.assertRaises(UserError):
            self._sign_transition(form)
        self.assertEqual(form.decision, "pending")
        self.assertFalse(form.signed_partner_ids)

    # ------------------------------------------------------------------
    # Bad input: a clear refusal, and nothing granted
    # ------------------------------------------------------------------
    def test_pass_on_without_a_consent_covering_the_school(self):
        no_consent = self._new_case()  # level 0, no consent at all
        ppt_only = self._new_case()
        self._decide(ppt_only, "level_1")
        self._give_consent(ppt_only, self.ppt)
        withdrawn = self._new_case()
        self._decide(withdrawn, "level_1")
        consent = self._give_consent(withdrawn, self.school)
        consent.with_user(self.kg_teacher).action_withdraw("The family withdrew it")
        expired = self._new_case()
        self._decide(expired, "level_1")
        self._give_consent(
            expired,
            self.school,
            valid_from=self.today - datetime.timedelta(days=60),
            valid_until=self.today - datetime.timedelta(days=1),
        )
        refused = self._new_case()
        self._decide(refused, "level_1")
        self._give_consent(refused, self.school, state="refused")
        for label, case in (
            ("no consent", no_consent),
            ("a consent for PPT only", ppt_only),
            ("a withdrawn consent", withdrawn),
            ("an expired consent", expired),
            ("a refusal", refused),
        ):
            with self.subTest(label):
                form = self._sign_transition(self._full(case))
                with self.assertRaises(UserError) as caught:
                    form.with_user(self.kg_teacher).action_pass_on()
                self.assertIn("consent", str(caught.exception))
                self._assert_not_passed_on(form)

    def test_pass_on_without_signatures(self):
        form = self._full()
        # Nothing signed, the decision pending.
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_pass_on()
        # Only the guardians, then only the teacher: still not signed.
        guardians_only = self._full()
        guardians_only.with_user(self.kg_teacher)._bti_record_signatures(
            "system", "pass_on", partners=guardians_only._bti_guardians()
        )
        teacher_only = self._full()
        teacher_only.with_user(self.kg_teacher)._bti_record_signatures(
            "system", "pass_on", teacher_signs=True
        )
        for missing in (guardians_only, teacher_only):
            with self.assertRaises(UserError) as caught:
                missing.with_user(self.kg_teacher).action_pass_on()
            self.assertIn("Missing", str(caught.exception))
        for unsigned in (form, guardians_only, teacher_only):
            self._assert_not_passed_on(unsigned)

    def test_pass_on_a_draft_is_refused(self):
        form = self._full(final=False)
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_pass_on()
        self.assertEqual(form.state, "draft")
        self.assertFalse(form.recipient_granted)

    def test_pass_on_a_declined_form_is_refused(self):
        form = self._sign_transition(self._full(), decision="declined")
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_pass_on()
        with self.assertRaises(UserError):
            self._sign_transition(form)
        self.assertEqual(form.decision, "declined")
        self._assert_not_passed_on(form)

    def test_recipient_must_be_a_school(self):
        before = self.env[MODEL].search_count([])
        for service in (self.ppt, self.kindergarten, self.health):
            with self.subTest(service=service.name):
                with self.assertRaises(ValidationError):
                    self._full(recipient_service_id=service.id, final=False)
        self.assertEqual(self.env[MODEL].search_count([]), before)
        form = self._full(final=False)
        with self.assertRaises(ValidationError):
            form.with_user(self.kg_teacher).write({"recipient_service_id": self.ppt.id})
        self.assertEqual(form.recipient_service_id, self.school)
        # A school that is no longer one receives nothing.
        form.with_user(self.kg_teacher).action_finalize()
        self._sign_transition(form)
        self.school.is_school = False
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_pass_on()
        self.school.is_school = True
        self._assert_not_passed_on(form)
        # Nor without a school.
        nowhere = self._sign_transition(self._full(recipient_service_id=False))
        with self.assertRaises(UserError):
            nowhere.with_user(self.kg_teacher).action_pass_on()
        self.assertFalse(nowhere.recipient_granted)

    def test_never_while_violence_is_suspected(self):
        form = self._signed()
        self.kg_case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self.assertTrue(form.with_user(self.kg_teacher).violence_suspicion)
        with self.assertRaises(UserError) as caught:
            form.with_user(self.kg_teacher).action_pass_on()
        self.assertIn("violence", str(caught.exception))
        self._assert_not_passed_on(form)
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher)._bti_share("family")

    def test_only_the_kindergarten_passes_it_on(self):
        form = self._signed(visibility="participants", case=self.case)
        # The school takes part in this case and reads the shared form, but
        # does not pass it on to itself; a colleague of the author neither.
        self._new_request()
        form.with_user(self.school_teacher).read(["kg_play"])
        for user in (self.school_teacher, self.kg_teacher2):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    form.with_user(user).action_pass_on()
                with self.assertRaises(AccessError):
                    form.with_user(user).action_decline()
        self.assertFalse(form.recipient_granted)
        # The stafettholder's leader may.
        form.with_user(self.kg_leader).action_pass_on()
        self.assertTrue(form.recipient_granted)

    # ------------------------------------------------------------------
    # Who reads it
    # ------------------------------------------------------------------
    def test_school_reads_this_form_only(self):
        form = self._signed()
        self._assert_not_passed_on(form)
        form.with_user(self.kg_teacher).action_pass_on()
        self._new_request()
        Form = self.env[MODEL].with_user(self.school_teacher)
        self.assertEqual(Form.search([("id", "=", form.id)]), form)
        values = form.with_user(self.school_teacher).read(
            ["family_wants_known", "child_wants_known", "kg_play", "kg_languages"]
        )[0]
        self.assertIn(FAMILY, values["family_wants_known"])
        self.assertEqual(values["child_wants_known"], CHILD)
        # The form as its view shows it (no field of the guardians on it).
        arch = Form.get_views([(False, "form")])["views"]["form"]["arch"]
        names = set(etree.fromstring(arch).xpath("//field/@name"))
        types = Form.fields_get(list(names), ["type"])
        spec = {
            name: {"fields": {"display_name": {}}}
            if types[name]["type"] in ("many2one", "one2many", "many2many")
            else {}
            for name in names
        }
        self.assertNotIn("signed_partner_ids", spec)
        shown = form.with_user(self.school_teacher).web_read(spec)[0]
        self.assertIn(self.kg_case.name, shown["case_id"]["display_name"])
        self.assertNotIn(
            self.kg_case.subject_partner_id.name, shown["case_id"]["display_name"]
        )
        guardian = self.kg_case.guardian_ids.partner_id
        self.assertIn(guardian.name, shown["signature_summary"])
        received = self.env.ref("bti_tools.action_bti_tool_transition_received")
        domain = [
            ("recipient_granted", "=", True),
            ("recipient_service_id.member_ids", "in", self.school_teacher.id),
        ]
        self.assertIn("recipient_service_id.member_ids", received.domain)
        self.assertEqual(Form.search(domain), form)
        # Nothing else of the case: not the case, its log, its other forms,
        # its consent, its guardians, its child.
        case = self.kg_case.with_user(self.school_teacher)
        with self.assertRaises(AccessError):
            case.read(["name"])
        self.assertFalse(
            self.env["bti.case"]
            .with_user(self.school_teacher)
            .search([("id", "=", self.kg_case.id)])
        )
        self.assertFalse(
            self.env["bti.log.entry"]
            .with_user(self.school_teacher)
            .search([("case_id", "=", self.kg_case.id)])
        )
        with self.assertRaises(AccessError):
            self.entry.with_user(self.school_teacher).read(["body"])
        with self.assertRaises(AccessError):
            self.other_tool.with_user(self.school_teacher).read(["purpose"])
        with self.assertRaises(AccessError):
            self.school_consent.with_user(self.school_teacher).read(["purpose"])
        for partner in self.kg_case.guardian_ids.partner_id | (
            self.kg_case.subject_partner_id
        ):
            with self.assertRaises(AccessError):
                partner.with_user(self.school_teacher).read(["name"])
        with self.assertRaises(AccessError):
            self.kg_case.guardian_ids.with_user(self.school_teacher).read(
                ["partner_id"]
            )
        # A second form of the case, not passed on, stays hidden.
        other = self._signed()
        self._assert_hidden(other, self.school_teacher)
        # Read only.
        with self.assertRaises(AccessError):
            form.with_user(self.school_teacher).write({"kg_play": "<p>Changed</p>"})
        with self.assertRaises(AccessError):
            form.with_user(self.school_teacher).unlink()
        with self.assertRaises(AccessError):
            form.with_user(self.school_teacher).action_pass_on()

    def test_school_prints_the_form(self):
        form = self._signed()
        form.with_user(self.kg_teacher).action_pass_on()
        self._new_request()
        action = form.with_user(self.school_teacher).action_print()
        self.assertEqual(action["report_name"], REPORT)
        # The PDF is rendered in a request of its own: nothing of the case in
        # the cache.
        self._new_request()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.school_teacher)
            ._render_qweb_html(REPORT, form.ids)[0]
            .decode()
        )
        self.assertIn(FAMILY, html)
        self.assertIn(CHILD, html)
        self.assertIn(self.kg_case.name, html)
        self.assertNotIn(self.kg_case.subject_partner_id.name, html)
        # The school's print is in the access log.
        log = self.env["bti.access.log"].search(
            [
                ("user_id", "=", self.school_teacher.id),
                ("model", "=", MODEL),
                ("action", "=", "print"),
            ]
        )
        self.assertTrue(log)

    def test_print_has_a_signature_line_for_each_guardian_and_the_teacher(self):
        case = self._new_case(
            guardian_ids=[
                Command.create({"partner_id": self.mother.id}),
                Command.create({"partner_id": self.father.id, "relation": "father"}),
            ]
        )
        form = self._full(case)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher)
            ._render_qweb_html(REPORT, form.ids)[0]
            .decode()
        )
        for text in (
            self.mother.name,
            self.father.name,
            "Kindergarten teacher",
            KINDERGARTEN,
            LANGUAGES,
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        self.assertEqual(len(form._bti_signature_rows()), 3)

    def test_other_services_family_and_outsiders_never_read_it(self):
        form = self._signed()
        others = (self.nurse, self.cws_worker, self.ppt_advisor, self.portal_parent)
        for user in others:
            with self.subTest(user=user.login, passed_on=False):
                self._assert_hidden(form, user)
        with self.assertRaises(AccessError):
            form.with_user(self.outsider).read(["kg_play"])
        form.with_user(self.kg_teacher).action_pass_on()
        for user in others:
            with self.subTest(user=user.login, passed_on=True):
                self._assert_hidden(form, user)
        with self.assertRaises(AccessError):
            form.with_user(self.outsider).read(["kg_play"])
        # The kindergarten reads its own form.
        self._new_request()
        form.with_user(self.kg_teacher2).read(["kg_play"])

    def test_draft_is_the_authors(self):
        form = self._full(final=False)
        for user in (self.kg_teacher2, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                self._assert_hidden(form, user)
                with self.assertRaises(AccessError):
                    form.with_user(user).action_decline()
        self.assertEqual(form.decision, "pending")
        self.assertIn(FAMILY, form.family_wants_known)

    # ------------------------------------------------------------------
    # Declining
    # ------------------------------------------------------------------
    def _content_left(self, form):
        """The marks of the content still stored anywhere about ``form``."""
        self.env.flush_all()
        self.env.invalidate_all()
        marks = (FAMILY, CHILD, KINDERGARTEN, LANGUAGES)
        columns = ", ".join(name for name in CONTENT_FIELDS if form._fields[name].store)
        self.env.cr.execute(
            f"SELECT {columns} FROM bti_tool_transition WHERE id = %s",  # noqa: S608
            [form.id],
        )
        stored = " ".join(str(value) for value in self.env.cr.fetchone())
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", MODEL),
                ("mail_message_id.res_id", "=", form.id),
            ]
        )
        tracking = " ".join(
            str(value)
            for row in tracked.read(
                ["old_value_char", "new_value_char", "old_value_text", "new_value_text"]
            )
            for value in row.values()
        )
        messages = self.env["mail.message"].search(
            [("model", "=", MODEL), ("res_id", "=", form.id)]
        )
        bodies = " ".join(str(body) for body in messages.mapped("body"))
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", MODEL), ("res_id", "=", form.id)]
        )
        return [
            mark
            for mark in marks
            for text in (stored, tracking, bodies, " ".join(attachments.mapped("name")))
            if mark in text
        ]

    def test_decline_erases_the_content(self):
        form = self._full()
        form.with_user(self.kg_teacher).message_post(
            body=f"<p>{FAMILY}</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachments=[(f"{CHILD}.txt", b"notes")],
        )
        form.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self.kg_teacher.id,
            note=f"<p>{KINDERGARTEN}</p>",
        )
        self.assertTrue(form.activity_ids)
        self.assertTrue(self._content_left(form))
        self._sign_transition(form, decision="declined")
        self.assertEqual(form.decision, "declined")
        self.assertEqual(form.decision_date, self.today)
        self.assertEqual(form.state, "final")
        # What is kept: the decision, its date and the signatures.
        self.assertEqual(form.signed_partner_ids, self.kg_case.guardian_ids.partner_id)
        self.assertEqual(form.teacher_id, self.kg_teacher)
        for name in CONTENT_FIELDS:
            with self.subTest(field=name):
                self.assertFalse(form[name], f"{name} is left")
        self.assertEqual(self._content_left(form), [])
        self.assertFalse(form.activity_ids)
        # Never passed on, signed again, versioned or shared.
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_pass_on()
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_sign()
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_new_version()
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).action_share_in_log()
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher)._bti_share("family")
        self._assert_not_passed_on(form)
        # The print says what is left.
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher)
            ._render_qweb_html(REPORT, form.ids)[0]
            .decode()
        )
        self.assertIn("The parents declined", html)
        self.assertNotIn(FAMILY, html)

    def test_decline_after_signing_to_pass_it_on(self):
        """The parents change their mind: what they signed to pass the form on
        is not their decline, and the scan of the paper form goes with it."""
        signed = self._signed()
        signed.with_user(self.kg_teacher).action_decline()
        self.assertEqual(signed.decision, "declined")
        self.assertFalse(signed.signed_partner_ids)
        self.assertFalse(signed.teacher_id)
        paper = self._full()
        paper.with_user(self.kg_teacher)._bti_record_signatures(
            "paper",
            "pass_on",
            scan=base64.b64encode(f"%PDF {FAMILY}".encode()),
            scan_name="signed.pdf",
        )
        self.assertTrue(paper.scan)
        # They decline by signing again, in the system: only that is kept.
        mother = paper._bti_guardians()
        self._sign_transition(paper, decision="declined", partners=mother)
        self.assertEqual(paper.decision, "declined")
        self.assertEqual(paper.signed_partner_ids, mother)
        self.assertEqual(paper.teacher_id, self.kg_teacher)
        self.assertFalse(paper.scan)
        self.assertFalse(paper.scan_date)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", MODEL),
                    ("res_id", "=", paper.id),
                    ("res_field", "=", "scan"),
                ]
            )
        )
        self.assertEqual(self._content_left(paper), [])

    def test_decline_a_draft_makes_it_final(self):
        form = self._full(final=False)
        form.with_user(self.kg_teacher).action_decline()
        self.assertEqual(form.state, "final")
        self.assertTrue(form.final_date)
        self.assertEqual(form.decision, "declined")
        self.assertEqual(form.decision_date, self.today)
        self.assertFalse(form.signed_partner_ids)
        self.assertEqual(self._content_left(form), [])
        with self.assertRaises(UserError):
            form.with_user(self.kg_teacher).write({"kg_play": "<p>Again</p>"})

    def test_decline_erases_earlier_versions_too(self):
        first = self._full()
        action = first.with_user(self.kg_teacher).action_new_version()
        second = self.env[MODEL].browse(action["res_id"])
        self.assertIn(FAMILY, second.family_wants_known)
        second.with_user(self.kg_teacher).action_finalize()
        self.assertTrue(first.is_superseded)
        with self.assertRaises(UserError):
            first.with_user(self.kg_teacher).action_decline()
        second.with_user(self.kg_teacher).action_decline()
        self.assertEqual(self._content_left(first), [])
        self.assertEqual(self._content_left(second), [])

    # ------------------------------------------------------------------
    # Forged writes
    # ------------------------------------------------------------------
    def test_forged_writes_are_refused(self):
        draft = self._full(final=False)
        signed = self._signed()
        forged = {
            "recipient_granted": True,
            "recipient_date": "2026-01-01 10:00:00",
            "decision": "pass_on",
            "decision_date": "2026-01-01",
            "signed_partner_ids": [
                Command.set(self.kg_case.guardian_ids.partner_id.ids)
            ],
            "teacher_id": self.kg_teacher.id,
            "signed_date": "2026-01-01",
            "scan": base64.b64encode(b"forged"),
            "scan_received_by_id": self.kg_teacher.id,
            "scan_date": "2026-01-01",
            "state": "final",
        }
        for name, value in forged.items():
            for form in (draft, signed):
                with self.subTest(field=name, state=form.state):
                    for env in (form, form.with_context(**FORGED_CONTEXT)):
                        with self.assertRaises(UserError):
                            env.with_user(self.kg_teacher).write({name: value})
                    with self.assertRaises(UserError):
                        self._full(final=False, **{name: value})
        self.assertEqual(draft.decision, "pending")
        self.assertFalse(draft.signed_partner_ids)
        self.assertFalse(draft.teacher_id)
        self.assertFalse(signed.recipient_granted)
        self.assertFalse(signed.recipient_date)
        # The school's members write nothing on a form passed on to them.
        signed.with_user(self.kg_teacher).action_pass_on()
        for name in ("recipient_granted", "recipient_date", "decision"):
            with self.assertRaises(AccessError):
                signed.with_user(self.school_teacher).write(
                    {name: forged[name] if name != "recipient_granted" else False}
                )
        self.assertTrue(signed.recipient_granted)
        self.assertEqual(signed.decision, "pass_on")

    def test_new_version_of_a_passed_on_form_starts_over(self):
        form = self._signed()
        form.with_user(self.kg_teacher).action_pass_on()
        action = form.with_user(self.kg_teacher).action_new_version()
        new = self.env[MODEL].browse(action["res_id"])
        self.assertEqual(new.previous_id, form)
        self.assertEqual(new.recipient_service_id, self.school)
        self.assertIn(FAMILY, new.family_wants_known)
        self.assertEqual(new.decision, "pending")
        self.assertFalse(new.recipient_granted)
        self.assertFalse(new.signed_partner_ids)
        self.assertFalse(new.teacher_id)
        self._assert_hidden(new, self.school_teacher)
        # The school keeps the form the parents signed.
        self._new_request()
        form.with_user(self.school_teacher).read(["kg_play"])

    # ------------------------------------------------------------------
    # Demo
    # ------------------------------------------------------------------
    def test_demo(self):
        noah = self.env.ref("bti_tools.demo_transition_noah", raise_if_not_found=False)
        if not noah:
            self.skipTest("installed without demo data")
        per = self.env.ref("bti_core.demo_user_per")
        self.assertEqual(
            noah.recipient_service_id, self.env.ref("bti_core.demo_service_school")
        )
        self.assertTrue(noah.recipient_granted)
        self.assertTrue(noah.signatures_complete)
        self.assertIn(per, noah.activity_ids.user_id)
        self._new_request()
        noah.with_user(per).read(["kg_play", "child_likes"])
        with self.assertRaises(AccessError):
            noah.case_id.with_user(per).read(["name"])
        jakob = self.env.ref("bti_tools.demo_transition_jakob")
        self.assertEqual(jakob.decision, "declined")
        self.assertTrue(jakob.decision_date)
        self.assertTrue(jakob.signed_partner_ids)
        for name in CONTENT_FIELDS:
            self.assertFalse(jakob[name], name)
        self._assert_hidden(jakob, per)
