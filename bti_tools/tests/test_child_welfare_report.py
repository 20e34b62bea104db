import base64
import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.bti_core.models.bti_protected_mixin import load_action_table
from odoo.addons.bti_core.tests.common import make_national_id

from .common import ToolsCommon

MODEL = "bti.tool.child_welfare_report"
REPORT = "bti_tools.report_tool_child_welfare_report"
RECEIPT = "bti_tools.mail_activity_type_bti_cwr_receipt"
FEEDBACK = "bti_tools.mail_activity_type_bti_cwr_feedback"
OBSERVED = "OBSERVED-MARK He came hungry and without a coat on four mornings"


@tagged("post_install", "-at_install")
class TestChildWelfareReport(ToolsCommon):
    """The report to child welfare: the duty to inform, personal and without
    consent; the identity of the child and the parents carried by the report;
    the parents told unless violence or abuse is suspected; sent, it is final
    and read by the receiving child welfare service, and by nobody else
    outside the author's service: never the case for that service, never the
    log, never the other services or the family."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cws.is_child_welfare = True
        cls.cws_leader = new_test_user(
            cls.env,
            login="cws_leader",
            groups="bti_core.group_bti_leader",
            name="Cws Leader",
        )
        cls.cws.write(
            {
                "member_ids": [Command.link(cls.cws_leader.id)],
                "leader_ids": [Command.link(cls.cws_leader.id)],
            }
        )
        # A second child welfare service takes part in the case (it has the
        # child welfare role there): the report is not sent to it.
        cls.other_cws = cls.env["bti.service"].create(
            {"name": "Other Child Welfare", "kind": "help", "is_child_welfare": True}
        )
        cls.other_cws_worker = new_test_user(
            cls.env, login="other_cws_worker", groups="bti_core.group_bti_user"
        )
        cls.other_cws.member_ids = [Command.link(cls.other_cws_worker.id)]
        cls._give_consent(cls.case, cls.other_cws)
        cls._add_participant(cls.case, cls.other_cws, cls.other_cws_worker)
        cls.case.sudo()._bti_system_write(
            {"national_id": make_national_id(cls.case.birth_date, 531)}
        )
        cls.guardian = cls.case.guardian_ids[:1]
        cls.guardian.partner_id.sudo().write({"phone": "+47 911 11 111"})
        cls.case.subject_partner_id.sudo().write(
            {"street": "Solsikkevegen 9", "zip": "2999", "city": "Bedre"}
        )
        cls.parent_user = new_test_user(
            cls.env,
            login="cwr_parent",
            groups="base.group_portal",
            name="Cwr Parent",
            partner_id=cls.guardian.partner_id.id,
        )

    @classmethod
    def _report(cls, case=None, user=None, send=False, **vals):
        values = {
            "ground_mistreated": True,
            "observations": f"<p>{OBSERVED}</p>",
            "duration": "Four weeks",
            "reporter_phone": "+47 400 00 000",
            "recipient_service_id": cls.cws.id,
            "parents_told": True,
            "parents_told_date": cls.today,
        }
        values.update(vals)
        report = cls._tool(MODEL, case, user, **values)
        if send:
            report.with_user(user or cls.kg_teacher).action_send()
        return report

    def _upload(self, user, name="photo.txt"):
        """A file uploaded in the form before the report is saved (the
        binary widget's upload: bound to no record yet)."""
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(b"ATTACHED-MARK bruise on the arm"),
                    "res_model": MODEL,
                    "res_id": 0,
                }
            )
        )

    def _receipt_activities(self, report):
        activity_type = self.env.ref(RECEIPT)
        return report.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )

    def _assert_unchanged_draft(self, report):
        report.invalidate_recordset()
        self.assertEqual((report.state, report.status), ("draft", "draft"))
        self.assertFalse(report.recipient_granted)
        self.assertFalse(report.recipient_date)
        self.assertFalse(report.final_date)
        self.assertFalse(self._receipt_activities(report))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", MODEL), ("res_id", "=", report.id)]
            )
        )

    def _assert_cannot_read(self, record, user, fields=("id",)):
        """Neither read, nor found by search, read_group or name_search (a
        user without the right to the model gets an AccessError instead)."""
        self._new_request()
        Model = self.env[record._name].with_user(user)
        with self.assertRaises(AccessError, msg=f"{user.login} reads {record}"):
            record.with_user(user).read(list(fields))
        domain = [("id", "=", record.id)]

        def found(channel):
            try:
                # Models without a name field warn that they search by id only.
                with mute_logger("odoo.models"):
                    return channel()
            except AccessError:
                return []

        self.assertFalse(
            found(lambda: Model.search(domain).ids), f"{user.login} finds {record}"
        )
        groups = found(lambda: Model.read_group(domain, ["__count"], []))
        self.assertFalse(
            groups and groups[0]["__count"], f"{user.login} counts {record}"
        )
        named = found(lambda: [rid for rid, _n in Model.name_search("", domain)])
        self.assertNotIn(record.id, named, f"{user.login} finds {record} by name")

    # ------------------------------------------------------------------
    # Writing the report
    # ------------------------------------------------------------------
    def test_identity_copied_from_the_case(self):
        report = self._report()
        case = self.case
        self.assertEqual(report.author_id, self.kg_teacher)
        self.assertEqual(report.author_service_id, self.kindergarten)
        self.assertEqual(report.visibility, "service")
        self.assertEqual(report.status, "draft")
        self.assertEqual(report.case_reference, case.name)
        self.assertEqual(report.child_name, case.subject_partner_id.name)
        self.assertEqual(report.child_birth_date, case.birth_date)
        self.assertEqual(report.child_national_id, case.national_id)
        self.assertEqual(report.child_address, "Solsikkevegen 9, 2999 Bedre")
        self.assertIn(self.guardian.partner_id.name, report.guardian_info)
        self.assertIn("+47 911 11 111", report.guardian_info)
        # The form shows them before saving.
        defaults = (
            self.env[MODEL]
            .with_user(self.kg_teacher)
            .with_context(default_case_id=case.id)
            .default_get(["child_name", "guardian_info", "child_national_id"])
        )
        self.assertEqual(defaults["child_name"], case.subject_partner_id.name)
        self.assertEqual(defaults["child_national_id"], case.national_id)
        # What the author corrects stays.
        corrected = self._report(child_address="Fjellvegen 2, 2999 Bedre")
        self.assertEqual(corrected.child_address, "Fjellvegen 2, 2999 Bedre")
        # A tool of its own: the case's tool list and the level-0 decision
        # cards name it.
        tool_type = self.env.ref("bti_tools.tool_type_child_welfare_report")
        self.assertEqual(tool_type.model, MODEL)
        self.assertIn(tool_type, self.env.ref("bti_tools.card_ks_0_4").tool_type_ids)

    def test_send(self):
        report = self._report()
        entries = self.env["bti.log.entry"].search_count([])
        action = report.with_user(self.kg_teacher).action_send()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], REPORT)
        self.assertEqual((report.state, report.status), ("final", "sent"))
        self.assertTrue(report.final_date)
        self.assertTrue(report.recipient_granted)
        self.assertTrue(report.recipient_date)
        # The copy as sent, kept on the report.
        pdf = self.env["ir.attachment"].search(
            [("res_model", "=", MODEL), ("res_id", "=", report.id)]
        )
        self.assertEqual(len(pdf), 1)
        # Tests render HTML instead of running wkhtmltopdf (stored as text for
        # a user who may not write views).
        self.assertTrue(pdf.name.endswith(" - as sent.html"))
        self.assertIn(OBSERVED, pdf.raw.decode())
        self.assertTrue(
            report.message_ids.filtered(lambda m: self.cws.name in (m.body or ""))
        )
        # The receiving service's leader confirms receipt within 7 days.
        activity = self._receipt_activities(report)
        self.assertEqual(activity.user_id, self.cws_leader)
        self.assertEqual(
            activity.date_deadline, self.today + datetime.timedelta(days=7)
        )
        self.assertEqual(
            activity.summary, "New report to child welfare: confirm receipt"
        )
        # Never a log entry, nor shared later.
        self.assertEqual(self.env["bti.log.entry"].search_count([]), entries)
        self.assertFalse(report.log_entry_id)
        self.assertFalse(report.tool_may_share)
        for user in (self.kg_teacher, self.kg_leader):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    report.with_user(user).action_share_in_log()
                with self.assertRaises(UserError):
                    report.with_user(user)._bti_share("participants")
        self.assertEqual(self.env["bti.log.entry"].search_count([]), entries)
        # Sent, never changed: a new report is a new form.
        with self.assertRaises(UserError):
            report.with_user(self.kg_teacher).action_new_version()
        with self.assertRaises(UserError):
            report.with_user(self.kg_teacher).action_send()

    def test_leaders_else_members_confirm_receipt(self):
        self.cws.leader_ids = [Command.clear()]
        report = self._report(send=True)
        self.assertEqual(
            self._receipt_activities(report).user_id, self.cws_worker | self.cws_leader
        )

    def test_making_final_is_sending(self):
        report = self._report(ground_mistreated=False)
        with self.assertRaises(ValidationError):
            report.with_user(self.kg_teacher).action_finalize()
        self._assert_unchanged_draft(report)
        report.with_user(self.kg_teacher).write({"ground_behaviour": True})
        report.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(report.status, "sent")
        self.assertTrue(report.recipient_granted)

    # ------------------------------------------------------------------
    # Bad input: a clear error, nothing half-written
    # ------------------------------------------------------------------
    def test_bad_input_refused(self):
        cases = {
            "no ground": {"ground_mistreated": False},
            "no observations": {"observations": "<p><br></p>"},
            "no phone": {"reporter_phone": "  "},
            "no service": {"recipient_service_id": False},
            "not child welfare": {"recipient_service_id": self.school.id},
            "parents not told": {"parents_told": False, "parents_told_date": False},
            "no date told": {"parents_told_date": False},
            "no guardians": {"guardian_info": " "},
        }
        messages = {
            "no ground": "at least one ground",
            "no observations": "concrete observations",
            "no phone": "never anonymous",
            "no service": "Choose the child welfare service",
            "not child welfare": "is not a child welfare service",
            "parents not told": "Tell the parents",
            "no date told": "Tell the parents",
        }
        for label, vals in cases.items():
            with self.subTest(label):
                report = self._report(**vals)
                if label == "no guardians":
                    # Copied from the case when empty: the case has one.
                    report.with_user(self.kg_teacher).action_send()
                    self.assertIn(self.guardian.partner_id.name, report.guardian_info)
                    continue
                with self.assertRaises(ValidationError) as caught:
                    report.with_user(self.kg_teacher).action_send()
                self.assertIn(messages[label], str(caught.exception))
                self._assert_unchanged_draft(report)
        # A case without guardians: they must be named on the report.
        lone = self._new_case(guardian_ids=[])
        report = self._report(lone)
        with self.assertRaises(ValidationError):
            report.with_user(self.kg_teacher).action_send()
        self._assert_unchanged_draft(report)
        # A date told in the future.
        with self.assertRaises(ValidationError):
            self._report(parents_told_date=self.today + datetime.timedelta(days=1))

    def test_parents_not_told_when_violence_suspected(self):
        case = self._level2_case()
        # Both at once: refused, nothing written, the case not marked.
        before = self.env[MODEL].search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._report(case, violence_suspected=True)
        self.assertIn("do not tell the parents first", str(caught.exception))
        self.assertEqual(self.env[MODEL].search_count([]), before)
        self.assertFalse(case.violence_suspicion)
        # The suspicion on the report marks the case, through its action.
        report = self._report(
            case, violence_suspected=True, parents_told=False, parents_told_date=False
        )
        self.assertTrue(case.violence_suspicion)
        self.assertTrue(report.violence_warning)
        with self.assertRaises(ValidationError):
            report.with_user(self.kg_teacher).write({"parents_told": True})
        self.assertFalse(report.parents_told)
        # Sent without telling the parents.
        report.with_user(self.kg_teacher).action_send()
        self.assertEqual(report.status, "sent")
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, report.ids)[0]
        self.assertIn("have not been told", html.decode())

    def test_case_marked_after_the_parents_were_ticked(self):
        case = self._level2_case()
        report = self._report(case)
        case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self.assertTrue(report.violence_warning)
        with self.assertRaises(ValidationError):
            report.with_user(self.kg_teacher).action_send()
        self._assert_unchanged_draft(report)
        # Unticked, it is sent; the report carries the suspicion.
        report.with_user(self.kg_teacher).write(
            {"parents_told": False, "parents_told_date": False}
        )
        report.with_user(self.kg_teacher).action_send()
        self.assertTrue(report.violence_suspected)

    # ------------------------------------------------------------------
    # Who reads it
    # ------------------------------------------------------------------
    def test_recipient_reads_the_report_and_its_files_only(self):
        upload = self._upload(self.kg_teacher)
        report = self._report(attachment_ids=[Command.set(upload.ids)])
        self.assertEqual((upload.res_model, upload.res_id), (MODEL, report.id))
        # A draft: not even for the service it is addressed to.
        self._assert_cannot_read(report, self.cws_worker)
        self._assert_cannot_read(upload, self.cws_worker, ["datas"])
        entry = self._entry(visibility="participants")
        note = self._note(final=True, visibility="participants")
        report.with_user(self.kg_teacher).action_send()

        self._new_request()
        values = report.with_user(self.cws_worker).read(
            ["observations", "child_name", "child_national_id", "guardian_info"]
        )[0]
        self.assertIn(OBSERVED, values["observations"])
        self.assertEqual(values["child_national_id"], self.case.national_id)
        Report = self.env[MODEL].with_user(self.cws_worker)
        self.assertEqual(Report.search([("id", "=", report.id)]), report)
        self.assertEqual(
            Report.read_group([("id", "=", report.id)], ["__count"], [])[0]["__count"],
            1,
        )
        with mute_logger("odoo.models"):  # no name field: searched by id
            named = Report.name_search("", [("id", "=", report.id)])
        self.assertIn(report.id, [rid for rid, _n in named])
        # In the receiving service's list of reports received.
        received = self.env.ref(
            "bti_tools.action_bti_tool_child_welfare_report_received"
        )
        domain = safe_eval(received.domain, {"uid": self.cws_worker.id})
        self.assertIn(report, Report.search(domain))
        # The form as the receiving service opens it: the case by its
        # reference only.
        form = report.with_user(self.cws_worker).web_read(
            {
                "case_id": {"fields": {"display_name": {}}},
                "case_reference": {},
                "author_id": {"fields": {"display_name": {}}},
                "attachment_ids": {"fields": {"name": {}}},
                "violence_warning": {},
                "user_is_recipient": {},
                "status": {},
            }
        )[0]
        self.assertEqual(form["case_id"]["display_name"], self.case.name)
        # Every field of the form opens for it.
        form_fields = Report.get_views([(False, "form")])["models"][MODEL]["fields"]
        report.with_user(self.cws_worker).web_read({name: {} for name in form_fields})
        self.assertTrue(form["user_is_recipient"])
        self.assertIn(upload.id, [a["id"] for a in form["attachment_ids"]])
        # Its files, and the copy as sent.
        self._new_request()
        self.assertIn(
            b"ATTACHED-MARK", base64.b64decode(upload.with_user(self.cws_worker).datas)
        )
        files = (
            self.env["ir.attachment"]
            .with_user(self.cws_worker)
            .search([("res_model", "=", MODEL), ("res_id", "=", report.id)])
        )
        self.assertEqual(len(files), 2)
        self.assertIn(OBSERVED, (files - upload).raw.decode())
        # Printed, and the print is in the access log.
        self._new_request()
        report.with_user(self.cws_worker).action_print()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.cws_worker)
            ._render_qweb_html(REPORT, report.ids)[0]
            .decode()
        )
        self.assertIn(OBSERVED, html)
        self.assertIn("photo.txt", html)
        self.assertIn(self.case.name, html)
        logged = self.env["bti.access.log"].search(
            [("user_id", "=", self.cws_worker.id), ("model", "=", MODEL)]
        )
        self.assertIn("print", logged.mapped("action"))
        self.assertEqual(logged.case_id, self.case)
        # Nothing else of the case: not the case, its log, its other forms,
        # the guardians or the child.
        self._assert_cannot_read(self.case, self.cws_worker, ["name"])
        self._assert_cannot_read(entry, self.cws_worker, ["body"])
        self._assert_cannot_read(note, self.cws_worker, ["seen_heard"])
        self._assert_cannot_read(self.guardian, self.cws_worker, ["partner_id"])
        self._assert_cannot_read(
            self.case.subject_partner_id, self.cws_worker, ["name"]
        )
        with self.assertRaises(AccessError):
            self.case.with_user(self.cws_worker).action_open_decision()

    def test_nobody_else_reads_it(self):
        upload = self._upload(self.kg_teacher)
        report = self._report(attachment_ids=[Command.set(upload.ids)], send=True)
        draft = self._report()
        # The author's service reads the sent report, not the draft.
        for user in (self.kg_teacher2, self.kg_leader):
            with self.subTest(user=user.login):
                self._new_request()
                report.with_user(user).read(["observations"])
                self._assert_cannot_read(draft, user, ["observations"])
        others = (
            self.school_teacher,  # taking part by consent
            self.other_cws_worker,  # a child welfare service taking part
            self.ppt_advisor,  # covered by the consent, not joined
            self.nurse,  # an unrelated service
            self.bup_doctor,
            self.bti_admin,  # an administrator
            self.outsider,  # an internal user without BTI
            self.parent_user,  # the family
        )
        pdf = self.env["ir.attachment"].search(
            [
                ("res_model", "=", MODEL),
                ("res_id", "=", report.id),
                ("id", "!=", upload.id),
            ]
        )
        self.assertEqual(len(pdf), 1, "the copy as sent")
        for user in others:
            with self.subTest(user=user.login):
                self._assert_cannot_read(report, user, ["observations"])
                for attachment in upload | pdf:
                    self._new_request()
                    with self.assertRaises(AccessError):
                        attachment.with_user(user).read(["datas"])
        # The chatter reaches no one of the family, even named.
        message = report.with_user(self.kg_teacher).message_post(
            body="Named the family",
            partner_ids=(self.guardian.partner_id | self.kg_teacher2.partner_id).ids,
            subtype_xmlid="mail.mt_note",
        )
        self.assertEqual(message.partner_ids, self.kg_teacher2.partner_id)

    def test_files_of_other_records_refused(self):
        entry = self._entry()
        # A file of the log (which the author reads): bound to its entry.
        theirs = self.env["ir.attachment"].create(
            {
                "name": "entry.txt",
                "raw": b"of the log",
                "res_model": "bti.log.entry",
                "res_id": entry.id,
            }
        )
        colleague = self._upload(self.kg_teacher2, "colleague.txt")
        for attachment in (theirs, colleague):
            with self.subTest(attachment=attachment.name):
                with self.assertRaises(UserError):
                    self._report(attachment_ids=[Command.set(attachment.ids)])
                report = self._report()
                with self.assertRaises(UserError):
                    report.with_user(self.kg_teacher).write(
                        {"attachment_ids": [Command.link(attachment.id)]}
                    )
                self.assertFalse(report.attachment_ids)
        self.assertEqual((theirs.res_model, theirs.res_id), ("bti.log.entry", entry.id))
        self.assertFalse(colleague.res_id)

    # ------------------------------------------------------------------
    # Receipt and feedback
    # ------------------------------------------------------------------
    def test_receipt_and_feedback_by_the_recipient_only(self):
        report = self._report(send=True)
        forgers = (
            self.kg_teacher,
            self.kg_leader,
            self.school_teacher,
            self.other_cws_worker,
        )
        for user in forgers:
            with self.subTest(user=user.login, action="receipt"):
                self._new_request()
                with self.assertRaises(AccessError):
                    report.with_user(user).action_confirm_receipt()
        self.assertEqual(report.status, "sent")
        self.assertFalse(report.received_date)
        # Feedback comes after the receipt.
        with self.assertRaises(UserError):
            report.with_user(self.cws_worker).action_give_feedback()

        report.with_user(self.cws_worker).action_confirm_receipt()
        self.assertEqual(report.status, "received")
        self.assertEqual(report.received_by_id, self.cws_worker)
        self.assertTrue(report.received_date)
        self.assertFalse(self._receipt_activities(report), "the reminder is done")
        self.assertTrue(
            report.message_ids.filtered(
                lambda m: self.kg_teacher.partner_id in m.partner_ids
            ),
            "the author is told of the receipt",
        )
        with self.assertRaises(UserError):
            report.with_user(self.cws_leader).action_confirm_receipt()

        Wizard = self.env["bti.tool.cwr.feedback.wizard"]
        for user in forgers:
            with self.subTest(user=user.login, action="feedback"):
                self._new_request()
                with self.assertRaises(AccessError):
                    report.with_user(user).action_give_feedback()
                with self.assertRaises(AccessError):
                    Wizard.with_user(user).create(
                        {"report_id": report.id, "outcome": "no_investigation"}
                    )
        self.assertFalse(report.feedback_date)

        action = report.with_user(self.cws_worker).action_give_feedback()
        self.assertEqual(action["res_model"], Wizard._name)
        wizard = Wizard.with_user(self.cws_worker).create(
            {
                "report_id": report.id,
                "outcome": "investigation",
                "note": "We open an investigation.",
            }
        )
        wizard.action_confirm()
        self.assertEqual(report.status, "feedback")
        self.assertEqual(report.feedback_outcome, "investigation")
        self.assertEqual(report.feedback_note, "We open an investigation.")
        self.assertEqual(report.feedback_by_id, self.cws_worker)
        feedback = report.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(FEEDBACK)
        )
        self.assertEqual(feedback.user_id, self.kg_teacher | self.kg_leader)
        # Given once.
        with self.assertRaises(UserError):
            report.with_user(self.cws_worker)._bti_give_feedback("other")

    # ------------------------------------------------------------------
    # The action table, walked on the report's way
    # ------------------------------------------------------------------
    def test_action_table_walked(self):
        """Each action of the report, each status, each persona: allowed
        exactly when the action table says so (the roles declared here)."""
        table = load_action_table(["bti_core", "bti_stafettlogg", "bti_tools"])
        rows = {
            action: table[(model, action)] for model, action in table if model == MODEL
        }
        self.assertEqual(
            set(rows),
            {
                "action_send",
                "action_finalize",
                "action_print",
                "action_confirm_receipt",
                "action_give_feedback",
                "action_new_version",
                "action_share_in_log",
            },
        )
        on_case = {
            self.kg_teacher: {"owner_member", "participant", "holder"},
            self.kg_teacher2: {"owner_member", "participant"},
            self.kg_leader: {"owner_member", "participant", "leader"},
            self.school_teacher: {"participant"},
            self.other_cws_worker: {"participant", "child_welfare"},
            self.cws_worker: set(),
            self.outsider: set(),
        }
        policy = self.env["bti.access.policy"]
        for user, roles in on_case.items():
            self.assertEqual(policy._case_roles(self.case, user), roles, user.login)
        draft = self._report()
        sent = self._report(send=True)
        received = self._report(send=True)
        received.with_user(self.cws_worker).action_confirm_receipt()
        given = self._report(send=True)
        given.with_user(self.cws_worker).action_confirm_receipt()
        given.with_user(self.cws_worker)._bti_give_feedback("investigation")
        walked = 0
        for report, status in (
            (draft, "draft"),
            (sent, "sent"),
            (received, "received"),
            (given, "feedback"),
        ):
            self.assertEqual(report._bti_action_state(), status)
            for user, case_roles in on_case.items():
                roles = set(case_roles)
                if user == self.kg_teacher:
                    roles.add("author")
                if user == self.cws_worker and status != "draft":
                    roles.add("recipient")
                for action, action_rows in rows.items():
                    expected = any(
                        ("*" in states or status in states) and allowed & roles
                        for allowed, states in action_rows
                    )
                    self._new_request()
                    with self.subTest(action=action, status=status, user=user.login):
                        self.assertEqual(
                            report.with_user(user)._bti_may(action), expected
                        )
                    walked += 1
        self.assertEqual(walked, 4 * len(on_case) * len(rows))
        # The recipient's role is the grant's, not the service's kind.
        self.assertNotIn(
            "recipient", draft._bti_action_roles(self.cws_worker), "a draft"
        )
        self.assertIn("recipient", sent._bti_action_roles(self.cws_leader))
        self.assertNotIn("recipient", sent._bti_action_roles(self.other_cws_worker))

    # ------------------------------------------------------------------
    # Forged writes
    # ------------------------------------------------------------------
    def test_forged_values_refused(self):
        Report = self.env[MODEL].with_user(self.kg_teacher)
        base = {
            "case_id": self.case.id,
            "observations": "<p>Forged</p>",
        }
        for vals in (
            {"visibility": "participants"},
            {"visibility": "family"},
            {"recipient_granted": True},
            {"recipient_date": "2026-01-01 00:00:00"},
            {"received_date": "2026-01-01 00:00:00"},
            {"feedback_outcome": "investigation"},
            {"state": "final"},
            {"case_reference": "BTI-FORGED"},
        ):
            with self.subTest(create=vals):
                with self.assertRaises(UserError):
                    Report.with_context(default_case_id=self.case.id).create(
                        dict(base, **vals)
                    )
        draft = self._report()
        for vals in (
            {"visibility": "participants"},
            {"recipient_granted": True},
            {"status": "sent"},
            {"received_by_id": self.kg_teacher.id},
        ):
            with self.subTest(draft=vals):
                with self.assertRaises(UserError):
                    draft.with_user(self.kg_teacher).write(vals)
        self._assert_unchanged_draft(draft)
        self.assertEqual(draft.visibility, "service")
        # Not even the system widens who reads it.
        with self.assertRaises(ValidationError):
            draft.sudo()._bti_system_write({"visibility": "participants"})

        sent = self._report(send=True)
        # Sent: closed to the author's writes (a business refusal), and the
        # receiving service writes nothing (it reads the report only).
        for user, vals, error in (
            (self.kg_teacher, {"recipient_service_id": self.other_cws.id}, UserError),
            (self.kg_teacher, {"recipient_granted": False}, UserError),
            (self.kg_teacher, {"observations": "<p>Changed</p>"}, UserError),
            (self.kg_teacher, {"visibility": "participants"}, UserError),
            (self.cws_worker, {"received_date": "2026-01-01 00:00:00"}, AccessError),
            (self.cws_worker, {"feedback_outcome": "investigation"}, AccessError),
            (self.cws_worker, {"recipient_granted": False}, AccessError),
        ):
            with self.subTest(user=user.login, sent=vals):
                self._new_request()
                with self.assertRaises(error) as caught:
                    sent.with_user(user).write(vals)
                if error is UserError:
                    self.assertNotIsInstance(caught.exception, AccessError)
        self.assertEqual(sent.recipient_service_id, self.cws)
        self.assertTrue(sent.recipient_granted)
        self.assertFalse(sent.received_date)
        self._new_request()
        with self.assertRaises(AccessError):
            sent.with_user(self.kg_teacher).unlink()
