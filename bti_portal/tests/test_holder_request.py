from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCommon


class HolderRequestCommon(PortalCommon):
    """A public request to the kindergarten (led by ``kg_leader``), and a
    wondering case of the mother's family."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["bti.holder.request"]
        cls.public_user = cls.env.ref("base.public_user")
        cls.wondering = cls._new_case(
            partner=cls.env["res.partner"].create({"name": "Wondering Child"}),
            guardian_ids=[
                Command.create({"partner_id": cls.mother.id, "relation": "mother"}),
                Command.create(
                    {
                        "partner_id": cls.father.id,
                        "relation": "father",
                        "parental_responsibility": False,
                    }
                ),
            ],
        )
        cls.school_leader = cls._user_led(cls.school, "school_leader")
        # The demo's requests are not the tests'.
        cls.demo_requests = cls.Request.sudo().search([])

    @classmethod
    def _user_led(cls, service, login):
        from odoo.tests import new_test_user

        user = new_test_user(cls.env, login=login, groups="bti_core.group_bti_leader")
        service.member_ids = [Command.link(user.id)]
        service.leader_ids = [Command.link(user.id)]
        return user

    def _values(self, **overrides):
        values = {
            "child_name": "Emil Public",
            "child_birth_date": "2021-05-10",
            "worry": "Emil cries every morning before kindergarten.",
            "service_id": str(self.kindergarten.id),
            "requester_name": "Maria Public",
            "requester_relation": "mother",
            "requester_email": "maria.public@example.com",
            "requester_phone": "+47 912 34 567",
        }
        values.update(overrides)
        return values

    def _submit(self, address="203.0.113.7", user=None, **overrides):
        Request = self.Request.with_user(user or self.public_user)
        return Request._bti_submit_public(self._values(**overrides), address)

    def _all_requests(self):
        self.env.invalidate_all()
        return self.Request.sudo().search([]) - self.demo_requests


@tagged("post_install", "-at_install", "bti")
class TestHolderRequestArrives(HolderRequestCommon):
    def test_public_request_lands_in_the_leaders_queue(self):
        request = self._submit().sudo()
        self.assertEqual(request.state, "new")
        self.assertEqual(request.channel, "public")
        self.assertTrue(request.name.startswith("REQ-"))
        self.assertFalse(request.case_id, "no case is looked up")
        self.assertFalse(request.requester_user_id)
        today = self.env["bti.access.policy"]._today()
        self.assertEqual(request.deadline, today + timedelta(days=14))
        activity = request.activity_ids
        self.assertEqual(activity.user_id, self.kg_leader)
        self.assertEqual(activity.date_deadline, request.deadline)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("bti_portal.mail_activity_type_bti_holder_request"),
        )
        self.assertNotIn("203.0.113.7", request.client_key)
        # The date as Norwegians write it.
        written = self._submit(child_birth_date="10.05.2021").sudo()
        self.assertEqual(written.child_birth_date, request.child_birth_date)

    def test_deadline_follows_the_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "bti_portal.holder_request_days", "5"
        )
        request = self._submit().sudo()
        today = self.env["bti.access.policy"]._today()
        self.assertEqual(request.deadline, today + timedelta(days=5))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"bti_holder_request_days": 0})

    def test_bad_input_is_refused_and_nothing_is_stored(self):
        no_leader = self.env["bti.service"].create({"name": "No Leader Service"})
        future = str(self.env["bti.access.policy"]._today() + timedelta(days=3))
        cases = {
            "no child name": {"child_name": "  "},
            "no birth date": {"child_birth_date": ""},
            "a birth date that is no date": {"child_birth_date": "31.02.2020"},
            "a birth date in the future": {"child_birth_date": future},
            "too old": {"child_birth_date": "1990-01-01"},
            "no worry": {"worry": ""},
            "a worry too long": {"worry": "x" * 4001},
            "no name": {"requester_name": ""},
            "an unknown relation": {"requester_relation": "neighbour"},
            "no way to reach them": {"requester_email": "", "requester_phone": ""},
            "a bad e-mail": {"requester_email": "not-an-address"},
            "a bad phone": {"requester_phone": "<script>"},
            "no service": {"service_id": ""},
            "a service id that is text": {"service_id": "1 OR 1=1"},
            "a service without leaders": {"service_id": str(no_leader.id)},
            "a list for a name": {"child_name": ["a", "b"]},
        }
        for label, overrides in cases.items():
            with self.subTest(label):
                with self.assertRaises(ValidationError):
                    self._submit(**overrides)
        self.assertFalse(self._all_requests())

    def test_rate_limit_per_sender(self):
        for _i in range(3):
            self._submit(address="198.51.100.1")
        with self.assertRaises(UserError) as refused:
            self._submit(address="198.51.100.1")
        self.assertNotIsInstance(refused.exception, ValidationError)
        self.assertEqual(len(self._all_requests()), 3)
        self._submit(address="198.51.100.2")
        self.assertEqual(len(self._all_requests()), 4)

    def test_a_known_child_is_not_revealed(self):
        """The same answer for a child with a case as for one without: no
        case is searched for, none linked."""
        known = self.case.sudo()
        request = self._submit(
            child_name=known.subject_partner_id.name,
            child_birth_date=str(known.birth_date),
        ).sudo()
        self.assertFalse(request.case_id)
        self.assertEqual(request.state, "new")

    def test_a_portal_user_sending_the_public_form_reads_it(self):
        request = self._submit(user=self.mother_user)
        self.assertEqual(request.sudo().requester_user_id, self.mother_user)
        self.assertEqual(
            self.Request.with_user(self.mother_user).search([]), request.sudo()
        )
        self.assertFalse(self.Request.with_user(self.other_user).search([]))


@tagged("post_install", "-at_install", "bti")
class TestHolderRequestVisibility(HolderRequestCommon):
    """Only the leaders of the service asked read a request; the family its
    own; nobody else, on every path."""

    def test_who_reads(self):
        request = self._submit().sudo()
        self.assertEqual(
            self.Request.with_user(self.kg_leader).search([]) - self.demo_requests,
            request,
        )
        for user in (
            self.kg_teacher,
            self.school_leader,
            self.nurse,
            self.bti_admin,
            self.outsider,
            self.mother_user,
            self.other_user,
            self.public_user,
        ):
            with self.subTest(user=user.login):
                Request = self.Request.with_user(user)
                if Request.has_access("read"):
                    self.assertFalse(Request.search([]))
                    self.assertFalse(Request.name_search(request.name))
                    self.assertFalse(Request.read_group([], ["state"], ["service_id"]))
                with self.assertRaises(AccessError):
                    request.with_user(user).read(["worry"])
                with self.assertRaises(UserError):
                    request.with_user(user).export_data(["worry"])

    def test_nobody_writes_creates_or_deletes(self):
        request = self._submit().sudo()
        for user in (self.kg_leader, self.kg_teacher, self.mother_user):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    request.with_user(user).write({"state": "accepted"})
                with self.assertRaises(UserError):
                    request.with_user(user).write({"worry": "forged"})
                with self.assertRaises(UserError):
                    request.with_user(user).unlink()
                with self.assertRaises(UserError):
                    self.Request.with_user(user).create(
                        {
                            "channel": "public",
                            "service_id": self.kindergarten.id,
                            "worry": "forged",
                        }
                    )
        self.assertEqual(request.worry, "Emil cries every morning before kindergarten.")

    def test_leader_reads_are_logged_once_linked(self):
        request = self._submit().sudo()
        request.with_user(self.kg_leader)._bti_accept(self.kg_teacher)
        self._new_request()
        self.env["bti.access.log"].sudo().search([]).with_context(
            bti_retention_purge=True
        ).unlink()
        request.with_user(self.kg_leader).read(["worry"])
        self.env["bti.access.log"].flush_model()
        rows = (
            self.env["bti.access.log"]
            .sudo()
            .search([("model", "=", "bti.holder.request")])
        )
        self.assertEqual(rows.user_id, self.kg_leader)
        self.assertEqual(rows.case_id, request.case_id)


@tagged("post_install", "-at_install", "bti")
class TestHolderRequestAnswer(HolderRequestCommon):
    def _mails_to(self, address):
        return self.env["mail.mail"].sudo().search([("email_to", "ilike", address)])

    def test_accept_opens_a_case_with_the_stafettholder(self):
        request = self._submit().sudo()
        case = request.with_user(self.kg_leader)._bti_accept(self.kg_teacher)
        case = case.sudo()
        self.assertEqual(request.state, "accepted")
        self.assertEqual(request.case_id, case)
        self.assertEqual(request.holder_id, self.kg_teacher)
        self.assertEqual(request.decided_by_id, self.kg_leader)
        self.assertEqual(case.state, "active")
        self.assertEqual(case.level_id.code, 1)
        self.assertEqual(case.holder_id, self.kg_teacher)
        self.assertEqual(case.service_id, self.kindergarten)
        self.assertEqual(case.subject_partner_id.name, "Emil Public")
        guardian = case.guardian_ids
        self.assertEqual(guardian.partner_id.name, "Maria Public")
        self.assertFalse(
            guardian.parental_responsibility,
            "parental responsibility is confirmed by staff, not taken from a form",
        )
        self.assertFalse(request.activity_ids, "the leaders' to-do is done")
        todo = case.activity_ids.filtered(lambda a: a.user_id == self.kg_teacher)
        self.assertTrue(todo)
        mail = self._mails_to("maria.public@example.com")
        self.assertEqual(len(mail), 1)
        self.assertIn("Test Kindergarten", mail.body_html)
        self.assertNotIn("cries", mail.body_html)
        self.assertNotIn("Emil", mail.body_html + (mail.subject or ""))

    def test_accept_links_an_existing_case_of_the_service(self):
        request = self._submit().sudo()
        wrong = self._new_case(user=self.school_leader, service=self.school)
        with self.assertRaises(ValidationError):
            request.with_user(self.kg_leader)._bti_accept(self.kg_teacher, case=wrong)
        # The active case's stafettholder is kg_teacher: another member is
        # proposed as the next one.
        request.with_user(self.kg_leader)._bti_accept(self.kg_teacher2, case=self.case)
        self.assertEqual(request.case_id, self.case)
        self.assertEqual(self.case.pending_holder_id, self.kg_teacher2)
        self.assertEqual(self.case.holder_id, self.kg_teacher)

    def test_the_stafettholder_is_a_member_of_the_service(self):
        request = self._submit().sudo()
        with self.assertRaises(ValidationError):
            request.with_user(self.kg_leader)._bti_accept(self.school_teacher)
        self.assertEqual(request.state, "new")

    def test_decline_with_a_reason_the_mail_does_not_carry(self):
        request = self._submit().sudo()
        with self.assertRaises(ValidationError):
            request.with_user(self.kg_leader)._bti_decline("no")
        reason = "The school health service is the right place: call them."
        wizard = (
            self.env["bti.holder.request.decline.wizard"]
            .with_user(self.kg_leader)
            .create({"request_id": request.id, "reason": reason})
        )
        wizard.action_confirm()
        self.assertEqual(request.state, "declined")
        self.assertEqual(request.decline_reason, reason)
        mail = self._mails_to("maria.public@example.com")
        self.assertEqual(len(mail), 1)
        self.assertNotIn("health service", mail.body_html)
        # Answered is final.
        with self.assertRaises(UserError):
            request.with_user(self.kg_leader).action_accept()

    def test_only_the_leaders_of_the_service_answer(self):
        request = self._submit().sudo()
        for user in (self.kg_teacher, self.school_leader, self.bti_admin):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    request.with_user(user)._bti_accept(self.kg_teacher)
                with self.assertRaises(UserError):
                    request.with_user(user)._bti_decline("A long enough reason here.")
                with self.assertRaises(UserError):
                    request.with_user(user).action_accept()
        self.assertEqual(request.state, "new")

    def test_accept_wizard(self):
        request = self._submit().sudo()
        action = request.with_user(self.kg_leader).action_accept()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.kg_leader)
            .with_context(**action["context"])
            .create({"holder_id": self.kg_teacher.id, "mode": "link"})
        )
        with self.assertRaises(ValidationError):
            wizard.action_confirm()
        wizard.mode = "new"
        result = wizard.action_confirm()
        self.assertEqual(result["res_model"], "bti.case")
        self.assertEqual(request.case_id.id, result["res_id"])


@tagged("post_install", "-at_install", "bti")
class TestHolderRequestFromThePortal(HolderRequestCommon):
    def test_the_family_asks_on_its_case_at_level_0(self):
        case = self.wondering.with_user(self.mother_user)
        self.assertTrue(case._bti_may("action_family_request_holder"))
        self.assertIs(case.action_family_request_holder(worry="Please help us."), True)
        request = self.Request.with_user(self.mother_user).search([])
        self.assertEqual(len(request), 1)
        request = request.sudo()
        self.assertEqual(request.channel, "portal")
        self.assertEqual(request.case_id, self.wondering)
        self.assertEqual(request.service_id, self.kindergarten)
        self.assertEqual(request.requester_relation, "mother")
        self.assertEqual(request.child_name, "Wondering Child")
        with self.assertRaises(UserError):
            case.action_family_request_holder(worry="Again.")
        # The leader accepts: the family's own case goes to level 1.
        request.with_user(self.kg_leader)._bti_accept(self.kg_teacher2)
        self.assertEqual(self.wondering.state, "active")
        self.assertEqual(self.wondering.holder_id, self.kg_teacher2)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("email_to", "ilike", self.mother_user.email)])
        )
        self.assertTrue(mail, "the family hears there is something new")
        self.assertNotIn("Please help us", mail[-1:].body_html)

    def test_who_may_not_ask(self):
        refused = {
            "a guardian without parental responsibility": (
                self.wondering,
                self.father_user,
            ),
            "another family": (self.wondering, self.other_user),
            "an active case": (self.case, self.mother_user),
            "staff": (self.wondering, self.kg_teacher),
        }
        for label, (case, user) in refused.items():
            with self.subTest(label):
                with self.assertRaises(UserError):
                    case.with_user(user).action_family_request_holder(worry="Help.")
        self.assertFalse(self._all_requests())

    def test_empty_worry(self):
        with self.assertRaises(ValidationError):
            self.wondering.with_user(self.mother_user).action_family_request_holder(
                worry="   "
            )
        self.assertFalse(self._all_requests())

    def test_violence_suspicion_keeps_the_answer_from_the_family(self):
        self.wondering.with_user(self.mother_user).action_family_request_holder(
            worry="Please help us."
        )
        request = self._all_requests()
        with mute_logger("odoo.models"):
            self.wondering.with_user(self.kg_leader).action_mark_violence_suspicion()
        before = self.env["mail.mail"].sudo().search_count([])
        request.with_user(self.kg_leader)._bti_decline(
            "We will contact you by phone about this."
        )
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), before)
