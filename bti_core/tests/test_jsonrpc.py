"""The case and the baton through JSON-RPC, as the web client and integrations.

Every call authenticates as the real user and goes through
``/web/dataset/call_kw`` or ``/web/dataset/call_button``: the record rules and
the checks of the transitions must hold there exactly as in the ORM.
"""

from odoo.tests import HttpCase, tagged

from .common import BtiCommon, BtiJsonRpcMixin

ACCESS_ERROR = "odoo.exceptions.AccessError"
USER_ERROR = "odoo.exceptions.UserError"


@tagged("post_install", "-at_install")
class TestJsonRpc(BtiJsonRpcMixin, BtiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._level2_case()
        # The kindergarten teacher (holder) hands the baton to the school teacher.
        cls.baton = (
            cls.env["bti.baton"]
            .with_user(cls.kg_teacher)
            ._bti_propose(cls.case, cls.school_teacher, cls.school, "Please take over")
        )
        cls.active_baton = cls.case.baton_ids.filtered(lambda b: b.state == "active")

    def _baton_state(self):
        self.env.invalidate_all()
        return (self.baton.state, self.active_baton.state, self.case.holder_id)

    def test_ids_that_are_no_ids_refused_in_words(self):
        """Ids a client forges (a string, a list in the list, beyond
        PostgreSQL's integer) are a UserError, not a database error."""
        self.authenticate("kg_teacher", "kg_teacher")
        for ids in ("x", [[self.case.id]], [2**40]):
            for route in (self._call_kw, self._call_button):
                error, result = route("bti.case", "action_view_access_log", ids)
                self.assertEqual(error, USER_ERROR, f"{route.__name__} {ids}")
                self.assertIsNone(result)
            error, _result = self._call_kw(
                "bti.case", "web_read", ids, specification={"name": {}}
            )
            self.assertEqual(error, USER_ERROR, f"web_read {ids}")

    # ------------------------------------------------------------------
    # A user of another service
    # ------------------------------------------------------------------
    def test_other_service_web_read_refused(self):
        self.authenticate("cws_worker", "cws_worker")
        error, result = self._call_kw(
            "bti.case",
            "web_read",
            [self.case.id],
            specification={"name": {}, "holder_id": {}},
        )
        self.assertEqual(error, ACCESS_ERROR)
        self.assertIsNone(result)

    def test_other_service_web_search_read_empty(self):
        self.authenticate("cws_worker", "cws_worker")
        for domain in (
            [],
            [("id", "=", self.case.id)],
            [("name", "=", self.case.name)],
        ):
            error, result = self._call_kw(
                "bti.case", "web_search_read", domain=domain, specification={"name": {}}
            )
            self.assertIsNone(error)
            self.assertEqual(result, {"length": 0, "records": []}, f"domain {domain}")

    def test_other_service_cannot_forge_baton(self):
        before = self._baton_state()
        self.authenticate("cws_worker", "cws_worker")
        for baton, values in (
            (self.baton, {"state": "active"}),
            (self.active_baton, {"state": "ended"}),
            (self.baton, {"holder_id": self.cws_worker.id}),
        ):
            error, _result = self._call_kw("bti.baton", "write", [baton.id], values)
            self.assertEqual(error, ACCESS_ERROR, f"forged {values} on {baton}")
        self.assertEqual(self._baton_state(), before)

    def test_other_service_cannot_accept_baton(self):
        before = self._baton_state()
        self.authenticate("cws_worker", "cws_worker")
        error, _result = self._call_button(
            "bti.baton", "action_accept", [self.baton.id]
        )
        self.assertEqual(error, ACCESS_ERROR)
        error, _result = self._call_button(
            "bti.case", "action_accept_baton", [self.case.id]
        )
        self.assertEqual(error, ACCESS_ERROR)
        self.assertEqual(self._baton_state(), before)

    def test_colleague_cannot_accept_someone_elses_baton(self):
        """Seeing the case is not enough: only the proposed holder answers."""
        before = self._baton_state()
        self.authenticate("kg_teacher2", "kg_teacher2")
        error, _result = self._call_button(
            "bti.baton", "action_accept", [self.baton.id]
        )
        self.assertEqual(error, ACCESS_ERROR)
        error, _result = self._call_button(
            "bti.baton", "action_refuse", [self.baton.id]
        )
        self.assertEqual(error, ACCESS_ERROR)
        self.assertEqual(self._baton_state(), before)

    # ------------------------------------------------------------------
    # The proposed holder and a participant
    # ------------------------------------------------------------------
    def test_proposed_holder_accepts_through_call_button(self):
        self.authenticate("school_teacher", "school_teacher")
        error, result = self._call_button("bti.baton", "action_accept", [self.baton.id])
        self.assertIsNone(error)
        # call_button answers an action dict, or False for "nothing to open";
        # never null, which the web client cannot handle.
        self.assertIsNotNone(result)
        self.assertTrue(result is False or isinstance(result, dict), result)
        self.assertEqual(
            self._baton_state(),
            ("active", "ended", self.school_teacher),
            "the baton passed",
        )

    def test_proposed_holder_accepts_from_the_case(self):
        self.authenticate("school_teacher", "school_teacher")
        error, result = self._call_button(
            "bti.case", "action_accept_baton", [self.case.id]
        )
        self.assertIsNone(error)
        self.assertTrue(result is False or isinstance(result, dict), result)
        self.assertEqual(self._baton_state(), ("active", "ended", self.school_teacher))

    def test_proposed_holder_accepts_through_call_kw(self):
        self.authenticate("school_teacher", "school_teacher")
        error, result = self._call_kw("bti.baton", "action_accept", [self.baton.id])
        self.assertIsNone(error)
        self.assertIs(result, True)
        self.assertEqual(self._baton_state(), ("active", "ended", self.school_teacher))

    def test_participant_web_read_logs_access(self):
        Log = self.env["bti.access.log"]
        domain = [
            ("case_id", "=", self.case.id),
            ("user_id", "=", self.school_teacher.id),
            ("model", "=", "bti.case"),
        ]
        logged = Log.search_count(domain)
        self.authenticate("school_teacher", "school_teacher")
        error, result = self._call_kw(
            "bti.case",
            "web_read",
            [self.case.id],
            specification={"name": {}, "state": {}, "wondering": {}},
        )
        self.assertIsNone(error)
        self.assertEqual(result[0]["name"], self.case.name)
        self.assertEqual(result[0]["state"], "active")
        self.env.invalidate_all()
        rows = Log.search(domain)
        self.assertEqual(len(rows), logged + 1)
        self.assertEqual(rows[0].action, "read")
        self.assertEqual(rows[0].service_id, self.school)

    def test_forged_context_does_not_skip_the_access_log(self):
        """A client that forges the context (the old list marker, a label of
        its own) is logged all the same: the context labels a row, it never
        suppresses one."""
        Log = self.env["bti.access.log"]
        domain = [
            ("case_id", "=", self.case.id),
            ("user_id", "=", self.school_teacher.id),
            ("model", "=", "bti.case"),
        ]
        logged = Log.search_count(domain)
        self.authenticate("school_teacher", "school_teacher")
        forged = {"bti_no_access_log": True, "bti_access_action": "nothing"}
        error, _result = self._call_kw(
            "bti.case", "read", [self.case.id], ["name", "wondering"], context=forged
        )
        self.assertIsNone(error)
        error, _result = self._call_kw(
            "bti.case",
            "search_read",
            domain=[("id", "=", self.case.id)],
            fields=["name", "subject_partner_id"],
            context=forged,
        )
        self.assertIsNone(error)
        self.env.invalidate_all()
        self.assertEqual(Log.search_count(domain), logged + 2)
        self.assertEqual(set(Log.search(domain, limit=2).mapped("action")), {"read"})

    def test_participant_search_read_logs_access(self):
        """Integrations read with search_read: that opens the case too."""
        Log = self.env["bti.access.log"]
        domain = [
            ("case_id", "=", self.case.id),
            ("user_id", "=", self.school_teacher.id),
            ("model", "=", "bti.case"),
        ]
        logged = Log.search_count(domain)
        self.authenticate("school_teacher", "school_teacher")
        error, result = self._call_kw(
            "bti.case",
            "search_read",
            domain=[("id", "=", self.case.id)],
            fields=["name", "wondering"],
        )
        self.assertIsNone(error)
        self.assertEqual([row["id"] for row in result], [self.case.id])
        self.env.invalidate_all()
        self.assertEqual(Log.search_count(domain), logged + 1)
