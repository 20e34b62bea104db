"""Privacy of the stafettlogg, each test from the side of who must NOT see.

The access paths: search, read, browse, read_group, name_search, export, web_read
(with many2one labels), one2many and computed counts, searches that filter on
hidden content, chatter notifications, notification e-mails and followers.
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import StafettloggCommon

LOG_MODELS = ("bti.log.entry", "bti.goal", "bti.measure", "bti.meeting")


class TestStafettloggPrivacy(StafettloggCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        case = cls.case
        cls.portal_user = new_test_user(
            cls.env, login="portal_family", groups="base.group_portal"
        )
        # Like Odoo's default internal user ("Access to export feature"): the
        # rules, not a missing standard right, must hide the log.
        export = cls.env.ref("base.group_allow_export")
        for user in (
            cls.kg_teacher,
            cls.kg_teacher2,
            cls.kg_leader,
            cls.school_teacher,
            cls.nurse,
            cls.cws_worker,
            cls.bti_admin,
            cls.outsider,
        ):
            user.groups_id = [Command.link(export.id)]
        cls.guardian = case.guardian_ids.partner_id[:1]
        cls.guardian.email = "guardian@example.com"
        # Entries: shared, kindergarten-only, and the school's own.
        cls.shared_entry = cls._entry(
            subject="Shared news", body="<p>Shared with the school</p>"
        )
        cls.service_entry = cls._entry(
            subject="Kindergarten internal",
            body="<p>SECRET-KG-ENTRY about the child</p>",
            visibility="service",
        )
        cls.school_entry = cls._entry(
            user=cls.school_teacher,
            body="<p>The school's own note</p>",
            visibility="service",
        )
        # Goals, measures, meetings: shared ones and kindergarten-only ones.
        cls.goal_shared = cls._goal(name="Shared goal")
        cls.goal_own = cls._goal(
            name="SECRET-GOAL of the kindergarten", visibility="service"
        )
        cls.measure_shared = cls._measure(cls.goal_shared, name="Shared measure")
        cls.measure_school = cls._measure(
            cls.goal_own,
            name="Reading support at school",
            visibility="service",
            arena="school",
            responsible_service_id=cls.school.id,
            responsible_user_id=cls.school_teacher.id,
        )
        cls.measure_own = cls._measure(
            cls.goal_shared,
            name="SECRET-MEASURE of the kindergarten",
            visibility="service",
        )
        cls.meeting_shared = cls._meeting(
            staff_ids=[Command.set(cls.kg_teacher.ids)], location="Shared room"
        )
        cls.meeting_invited = cls._meeting(
            visibility="service",
            location="Room with the school invited",
            staff_ids=[Command.set((cls.kg_teacher | cls.school_teacher).ids)],
        )
        cls.meeting_own = cls._meeting(
            visibility="service",
            location="SECRET-ROOM of the kindergarten",
            staff_ids=[Command.set(cls.kg_teacher.ids)],
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _seen(self, user, model, domain=None):
        return (
            self.env[model]
            .with_user(user)
            .search([("case_id", "=", self.case.id)] + (domain or []))
        )

    def _count(self, user, model):
        groups = (
            self.env[model]
            .with_user(user)
            .read_group([("case_id", "=", self.case.id)], ["__count"], [])
        )
        return groups[0]["__count"] if groups else 0

    def _name_search_ids(self, user, model, name=""):
        return [
            rid
            for rid, _label in self.env[model]
            .with_user(user)
            .name_search(name, limit=None)
        ]

    def _assert_hidden(self, user, record, name=""):
        """``record`` is found and read through no channel by ``user``."""
        Model = self.env[record._name].with_user(user)
        login = user.login
        self.assertNotIn(record, self._seen(user, record._name), login)
        self.assertFalse(Model.search([("id", "=", record.id)]), login)
        self.assertFalse(Model.search_count([("id", "=", record.id)]), login)
        groups = Model.read_group([("id", "=", record.id)], ["__count"], [])
        self.assertFalse(groups and groups[0]["__count"], f"{login} counts it")
        self.assertNotIn(
            record.id, self._name_search_ids(user, record._name, name), login
        )
        with self.assertRaises(AccessError, msg=login):
            Model.browse(record.id).read(["case_id"])
        with self.assertRaises(AccessError, msg=login):
            Model.browse(record.id).export_data(["case_id"])
        self.assertFalse(record.with_user(user).has_access("read"), login)

    def _assert_visible(self, user, record):
        Model = self.env[record._name].with_user(user)
        self.assertIn(record, self._seen(user, record._name), user.login)
        self.assertEqual(Model.browse(record.id).read(["case_id"])[0]["id"], record.id)

    def _withdraw_school(self):
        consent = self.case.consent_ids.filtered(lambda c: self.school in c.service_ids)
        consent.with_user(self.kg_teacher).action_withdraw("The family withdrew it")

    # ------------------------------------------------------------------
    # Visibility 'service'
    # ------------------------------------------------------------------
    def test_service_entry_hidden_from_other_services(self):
        self._assert_hidden(self.school_teacher, self.service_entry)
        self.assertEqual(
            self._seen(self.school_teacher, "bti.log.entry"),
            self.shared_entry | self.school_entry,
        )
        self.assertEqual(self._count(self.school_teacher, "bti.log.entry"), 2)
        # The same service reads it.
        self._assert_visible(self.kg_teacher2, self.service_entry)
        self.assertEqual(
            self._seen(self.kg_teacher2, "bti.log.entry"),
            self.shared_entry | self.service_entry,
        )
        self.assertEqual(self._count(self.kg_teacher2, "bti.log.entry"), 2)

    def test_service_content_hidden_through_the_case(self):
        """The case's one2many fields and counters show the reader's part only."""
        case = self.case.with_user(self.school_teacher)
        self.assertEqual(case.log_entry_ids, self.shared_entry | self.school_entry)
        self.assertEqual(case.goal_ids, self.goal_shared)
        self.assertEqual(case.measure_ids, self.measure_shared | self.measure_school)
        self.assertEqual(case.meeting_ids, self.meeting_shared | self.meeting_invited)
        self.assertEqual(
            (
                case.log_entry_count,
                case.goal_count,
                case.measure_count,
                case.meeting_count,
            ),
            (2, 1, 2, 2),
        )
        values = case.web_read(
            {
                "log_entry_ids": {"fields": {"body": {}}},
                "goal_ids": {"fields": {"name": {}}},
                "measure_ids": {"fields": {"name": {}}},
                "meeting_ids": {"fields": {"location": {}}},
            }
        )
        text = str(values)
        for secret in (
            "SECRET-KG-ENTRY",
            "SECRET-GOAL",
            "SECRET-MEASURE",
            "SECRET-ROOM",
        ):
            self.assertNotIn(secret, text)
        # The goal the school reads counts only the measures the school reads.
        goal = self.goal_shared.with_user(self.school_teacher)
        self.assertEqual(goal.measure_ids, self.measure_shared)
        self.assertEqual(goal.measure_count, 1)

    def test_hidden_content_is_no_search_oracle(self):
        """Filtering readable records on the text of hidden ones finds nothing."""
        user = self.school_teacher
        for model, domain in (
            ("bti.measure", [("goal_id.name", "ilike", "SECRET-GOAL")]),
            ("bti.goal", [("measure_ids.name", "ilike", "SECRET-MEASURE")]),
            ("bti.log.entry", [("body", "ilike", "SECRET-KG-ENTRY")]),
            ("bti.meeting", [("location", "ilike", "SECRET-ROOM")]),
        ):
            self.assertFalse(self._seen(user, model, domain), f"{model} {domain}")
        cases = (
            self.env["bti.case"]
            .with_user(user)
            .search([("log_entry_ids.body", "ilike", "SECRET-KG-ENTRY")])
        )
        self.assertFalse(cases)
        # The kindergarten finds them (the domains are right).
        self.assertTrue(
            self._seen(
                self.kg_teacher2,
                "bti.measure",
                [("goal_id.name", "ilike", "SECRET-GOAL")],
            )
        )

    def test_service_goal_measure_meeting_hidden(self):
        for record, name in (
            (self.goal_own, self.goal_own.name),
            (self.measure_own, self.measure_own.name),
            (self.meeting_own, ""),
        ):
            with self.subTest(record=record):
                self._assert_hidden(self.school_teacher, record, name)
                self._assert_visible(self.kg_teacher2, record)
        # Responsible, or invited: the school reads these kindergarten-only ones.
        self._assert_visible(self.school_teacher, self.measure_school)
        self._assert_visible(self.school_teacher, self.meeting_invited)

    # ------------------------------------------------------------------
    # Read scope 'own'
    # ------------------------------------------------------------------
    def test_read_scope_own(self):
        school_goal = self._goal(user=self.school_teacher, name="The school's goal")
        self.school.read_scope = "own"
        user = self.school_teacher
        self.assertEqual(self._seen(user, "bti.log.entry"), self.school_entry)
        self.assertEqual(self._seen(user, "bti.goal"), school_goal)
        # What it is responsible for, whatever its read scope.
        self.assertEqual(self._seen(user, "bti.measure"), self.measure_school)
        # The meetings its member is invited to, whatever its read scope.
        self.assertEqual(self._seen(user, "bti.meeting"), self.meeting_invited)
        for record in (
            self.shared_entry,
            self.goal_shared,
            self.measure_shared,
            self.meeting_shared,
        ):
            with self.subTest(record=record):
                self._assert_hidden(user, record)
        self.assertEqual(self._count(user, "bti.log.entry"), 1)
        # The kindergarten still reads what is shared by the school.
        self.assertIn(school_goal, self._seen(self.kg_teacher2, "bti.goal"))

    # ------------------------------------------------------------------
    # Information categories
    # ------------------------------------------------------------------
    def test_health_information_hidden_without_the_category(self):
        self._give_consent(self.case, self.health)
        self._add_participant(self.case, self.health, self.nurse)
        health_entry = self._entry(
            user=self.nurse,
            body="<p>SECRET-HEALTH finding</p>",
            info_category_id=self.cat_health.id,
        )
        self.assertNotIn(self.cat_health, self.school.info_category_ids)
        self.assertNotIn(self.cat_health, self.kindergarten.info_category_ids)
        for user in (self.school_teacher, self.kg_teacher2, self.kg_leader):
            with self.subTest(user=user.login):
                self._assert_hidden(user, health_entry)
        self._assert_visible(self.nurse, health_entry)
        self.assertNotIn(
            health_entry, self.case.with_user(self.school_teacher).log_entry_ids
        )
        # A service given the category reads it.
        self.school.info_category_ids = [Command.link(self.cat_health.id)]
        self._assert_visible(self.school_teacher, health_entry)

    # ------------------------------------------------------------------
    # Withdrawal of consent
    # ------------------------------------------------------------------
    def test_withdrawal_hides_the_whole_log_at_once(self):
        user = self.school_teacher
        readable = (
            self.shared_entry,
            self.school_entry,
            self.goal_shared,
            self.measure_shared,
            self.measure_school,
            self.meeting_shared,
            self.meeting_invited,
        )
        for record in readable:
            self.assertTrue(record.with_user(user).has_access("read"), record)
        label = self.goal_shared.with_user(user).display_name
        self.assertEqual(label, "Shared goal")
        self._withdraw_school()
        # In the same transaction: nothing cached survives.
        for record in readable:
            with self.subTest(record=record):
                self._assert_hidden(user, record)
        for model in LOG_MODELS:
            self.assertFalse(self._seen(user, model), model)
            self.assertEqual(self._count(user, model), 0, model)
        with self.assertRaises(AccessError):
            self.case.with_user(user).read(["name"])
        # Labels reached through a many2one (read with sudo) are neutral now.
        self.assertNotIn("Shared goal", self.goal_shared.with_user(user).display_name)
        # The kindergarten still reads all of it (but the school's own entry).
        for record in (*readable, self.service_entry, self.goal_own, self.measure_own):
            if record != self.school_entry:
                self._assert_visible(self.kg_teacher2, record)
        self._assert_hidden(self.kg_teacher2, self.school_entry)

    # ------------------------------------------------------------------
    # Drafts
    # ------------------------------------------------------------------
    def test_draft_only_to_its_author(self):
        draft = self._entry(publish=False, body="<p>SECRET-DRAFT half written</p>")
        for user in (self.kg_teacher2, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                self._assert_hidden(user, draft)
                self.assertNotIn(draft, self.case.with_user(user).log_entry_ids)
                with self.assertRaises(AccessError):
                    draft.with_user(user).write({"body": "<p>Changed</p>"})
                with self.assertRaises(AccessError):
                    draft.with_user(user).unlink()
        self._assert_visible(self.kg_teacher, draft)

    # ------------------------------------------------------------------
    # Outside BTI
    # ------------------------------------------------------------------
    def test_outsider_and_portal_see_nothing(self):
        records = {
            "bti.log.entry": self.shared_entry,
            "bti.goal": self.goal_shared,
            "bti.measure": self.measure_shared,
            "bti.meeting": self.meeting_shared,
            "bti.log.archive": self.env["bti.log.archive"],
        }
        for user in (self.outsider, self.portal_user):
            for model, record in records.items():
                with self.subTest(user=user.login, model=model):
                    Model = self.env[model].with_user(user)
                    for attempt in (
                        lambda Model=Model: Model.search([]),
                        lambda Model=Model: Model.search_count([]),
                        lambda Model=Model: Model.read_group([], ["__count"], []),
                        lambda Model=Model: Model.name_search(""),
                    ):
                        try:
                            found = attempt()
                        except AccessError:
                            continue
                        self.fail(f"{user.login} reached {model}: {found!r}")
                    if record:
                        with self.assertRaises(AccessError):
                            Model.browse(record.id).read(["case_id"])
                        self.assertFalse(record.with_user(user).has_access("read"))
        for model in ("bti.measure.catalogue", "bti.development.area"):
            for user in (self.outsider, self.portal_user):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])

    # ------------------------------------------------------------------
    # Labels through many2one fields
    # ------------------------------------------------------------------
    def test_many2one_labels_are_neutral(self):
        """The measure is the school's to read, its goal is not: the goal's
        label (read with sudo by web_read, read, read_group, export) is neutral."""
        user = self.school_teacher
        measure = self.measure_school.with_user(user)
        secret = "SECRET-GOAL"
        values = measure.web_read({"goal_id": {"fields": {"display_name": {}}}})
        self.assertEqual(values[0]["goal_id"]["id"], self.goal_own.id)
        self.assertNotIn(secret, str(values))
        self.assertNotIn(secret, str(measure.read(["goal_id"])))
        # Exporting the goal column: Odoo reads the co-records first, so the
        # export is refused as a whole, or holds the neutral label.
        try:
            exported = measure.export_data(["name", "goal_id"])
        except AccessError:
            exported = {}
        self.assertNotIn(secret, str(exported))
        groups = (
            self.env["bti.measure"]
            .with_user(user)
            .read_group([("id", "=", measure.id)], ["__count"], ["goal_id"])
        )
        self.assertEqual(len(groups), 1)
        self.assertNotIn(secret, str(groups))
        with self.assertRaises(AccessError):
            measure.goal_id.mapped("name")
        with self.assertRaises(AccessError):
            measure.export_data(["goal_id/name"])
        # The kindergarten reads the real label.
        values = self.measure_school.with_user(self.kg_teacher2).web_read(
            {"goal_id": {"fields": {"display_name": {}}}}
        )
        self.assertEqual(values[0]["goal_id"]["display_name"], self.goal_own.name)

    def test_entry_labels_are_neutral(self):
        """A shared entry pointing at hidden content (the kindergarten-only
        measure, a corrected kindergarten-only entry) shows neutral labels."""
        entry = self._entry(
            body="<p>Shared follow-up</p>",
            measure_id=self.measure_own.id,
            corrects_id=self.service_entry.id,
        )
        values = entry.with_user(self.school_teacher).web_read(
            {
                "measure_id": {"fields": {"display_name": {}}},
                "corrects_id": {"fields": {"display_name": {}}},
            }
        )
        text = str(values)
        self.assertNotIn("SECRET-MEASURE", text)
        self.assertNotIn("Kindergarten internal", text)
        self.assertNotIn(
            "Kindergarten internal",
            str(entry.with_user(self.school_teacher).read(["corrects_id"])),
        )
        kg_values = entry.with_user(self.kg_teacher2).web_read(
            {"corrects_id": {"fields": {"display_name": {}}}}
        )
        self.assertIn(
            "Kindergarten internal", kg_values[0]["corrects_id"]["display_name"]
        )

    # ------------------------------------------------------------------
    # Chatter and e-mail
    # ------------------------------------------------------------------
    def _notified(self, message):
        # sudo: the test looks at every notification of the message.
        return (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "=", message.id)])
            .res_partner_id
        )

    def _post(self, record, user=None, **kwargs):
        user = user or self.kg_teacher
        return (
            record.with_user(user)
            .with_context(mail_notify_force_send=False)
            .message_post(
                body=kwargs.pop("body", "<p>A word on the log</p>"),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                **kwargs,
            )
        )

    def test_followers_without_access_get_nothing(self):
        school = self.school_teacher.partner_id
        colleague = self.kg_teacher2.partner_id
        # sudo: as if they had followed it once; following is not reading.
        self.service_entry.sudo().message_subscribe(
            partner_ids=[school.id, colleague.id]
        )
        self.shared_entry.sudo().message_subscribe(
            partner_ids=[school.id, colleague.id]
        )
        notified = self._notified(self._post(self.service_entry))
        self.assertIn(colleague, notified)
        self.assertNotIn(school, notified, "the school cannot read the entry")
        # A follower who loses access loses the notifications with it.
        self.assertIn(school, self._notified(self._post(self.shared_entry)))
        self._withdraw_school()
        notified = self._notified(self._post(self.shared_entry))
        self.assertIn(colleague, notified)
        self.assertNotIn(school, notified, "the school's consent was withdrawn")

    def test_explicit_strangers_get_nothing_family_does(self):
        strangers = self.outsider.partner_id | self.cws_worker.partner_id
        family_entry = self._entry(
            body="<p>For the family too</p>", visibility="family"
        )
        for record in (self.case, family_entry, self.service_entry):
            with self.subTest(record=record):
                message = self._post(
                    record, partner_ids=(strangers | self.guardian).ids
                )
                notified = self._notified(message)
                self.assertFalse(notified & strangers, "a stranger was notified")
                self.assertIn(self.guardian, notified, "the family is told")

    def test_explicit_strangers_cannot_read_the_message(self):
        """Odoo lets the recipients (partner_ids) of a message read it; a stranger
        named as recipient must not get the content that way either: the
        message itself must not list them, not only its notifications."""
        strangers = self.outsider.partner_id | self.cws_worker.partner_id
        for record in (self.case, self.service_entry):
            message = self._post(
                record,
                body="<p>SECRET-MESSAGE about the child</p>",
                partner_ids=(strangers | self.guardian).ids,
            )
            for user in (self.outsider, self.cws_worker):
                with self.subTest(record=record, user=user.login):
                    Message = self.env["mail.message"].with_user(user)
                    found = Message.search([("partner_ids", "in", user.partner_id.ids)])
                    self.assertNotIn(message, found)
                    with self.assertRaises(AccessError):
                        Message.browse(message.id).read(["body"])

    def test_notification_mail_carries_no_content(self):
        secret = "SECRET-WORD"
        family_entry = self._entry(
            body="<p>For the family too</p>", visibility="family"
        )
        for record in (self.case, family_entry):
            with self.subTest(record=record):
                message = self._post(
                    record,
                    body=f"<p>{secret} about the child</p>",
                    subject=f"{secret} subject",
                    attachments=[("report.txt", f"{secret} in a file".encode())],
                    partner_ids=self.guardian.ids,
                )
                # sudo: the queued e-mails of the message, as the mail queue sees them.
                mails = (
                    self.env["mail.mail"]
                    .sudo()
                    .search([("mail_message_id", "=", message.id)])
                )
                self.assertTrue(mails, "the family is mailed")
                for mail in mails:
                    self.assertTrue(mail.bti_content_free)
                    self.assertNotIn(secret, mail.body_html or "")
                    self.assertNotIn(secret, mail.subject or "")
                    self.assertIn(self.case.name, mail.subject)
                    for email in mail._prepare_outgoing_list():
                        self.assertEqual(email["attachments"], [])
                        self.assertNotIn(secret, email["body"] or "")
                        self.assertNotIn(secret, email.get("body_alternative") or "")
                        self.assertNotIn(secret, email["subject"] or "")

    def test_followers_not_listed_to_others(self):
        Followers = self.env["mail.followers"]
        domain = [
            ("res_model", "=", "bti.log.entry"),
            ("res_id", "=", self.service_entry.id),
        ]
        self.assertTrue(Followers.with_user(self.kg_teacher2).search(domain))
        for user in (
            self.outsider,
            self.school_teacher,
            self.cws_worker,
            self.bti_admin,
        ):
            with self.subTest(user=user.login):
                self.assertFalse(Followers.with_user(user).search(domain))
                self.assertFalse(
                    Followers.with_user(user)
                    .search([("res_model", "=", "bti.log.entry")])
                    .filtered(lambda f: f.res_id == self.service_entry.id)
                )
        with self.assertRaises(AccessError):
            self.service_entry.with_user(self.school_teacher).mapped(
                "message_follower_ids"
            )
        # The followers of a shared entry are listed to the school.
        shared = [
            ("res_model", "=", "bti.log.entry"),
            ("res_id", "=", self.shared_entry.id),
        ]
        self.assertTrue(Followers.with_user(self.school_teacher).search(shared))
        self.assertFalse(Followers.with_user(self.cws_worker).search(shared))
        self.assertFalse(Followers.with_user(self.outsider).search(shared))
