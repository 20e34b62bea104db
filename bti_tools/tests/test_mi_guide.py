import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ToolsCommon

MODEL = "bti.tool.mi_guide"
REPORT = "bti_tools.report_tool_mi_guide"
OWN_WORDS = "WORDS-MARK I want to be on time for the morning circle"
PLAN = "PLAN-MARK an alarm at seven, and mum checks the bag the night before"
WHY_IMPORTANT = "IMPORTANT-MARK the others start playing without me"
WHY_CONFIDENT = "CONFIDENT-MARK I managed it all of last week"


@tagged("post_install", "-at_install")
class TestMiGuide(ToolsCommon):
    """The motivational conversation: the change talked about, importance and
    confidence 0-10 (0 is an answer, anything else outside 0-10 is refused
    with a clear message), made with the child or a guardian of the case;
    the scores of repeated conversations over time."""

    @classmethod
    def _mi(cls, case=None, user=None, final=False, **vals):
        case = cls.case if case is None else case
        values = {
            "person_partner_id": case.guardian_ids.partner_id[:1].id,
            "change": "Get to kindergarten before the morning circle",
            "phase": "evoke",
            "agenda": "<p>Mornings at home; what helps.</p>",
            "importance": "7",
            "importance_why": WHY_IMPORTANT,
            "confidence": "4",
            "confidence_why": WHY_CONFIDENT,
            "own_words": f"<p>{OWN_WORDS}</p>",
            "plan": f"<p>{PLAN}</p>",
        }
        values.update(vals)
        return cls._tool(MODEL, case, user, final, **values)

    def _assert_hidden(self, record, user):
        self._new_request()
        with self.assertRaises(AccessError):
            record.with_user(user).read(["own_words"])
        self.assertFalse(
            self.env[MODEL].with_user(user).search([("id", "=", record.id)])
        )

    # ------------------------------------------------------------------
    # The conversation
    # ------------------------------------------------------------------
    def test_a_conversation(self):
        conv = self._mi()
        self.assertEqual(conv.author_id, self.kg_teacher)
        self.assertEqual(conv.author_service_id, self.kindergarten)
        self.assertEqual(conv.state, "draft")
        self.assertEqual(conv.importance_score, 7)
        self.assertEqual(conv.confidence_score, 4)
        self.assertIn("Get to kindergarten", conv.display_name)
        conv.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(conv.state, "final")
        self.assertTrue(conv.final_date)
        # Made with the family: it may be shared with them (with consent).
        entry = conv.with_user(self.kg_teacher)._bti_share("family")
        self.assertEqual(entry.visibility, "family")
        self.assertEqual(conv.visibility, "family")
        self.assertEqual(conv.log_entry_id, entry)

    def test_zero_is_an_answer(self):
        conv = self._mi(importance="0", confidence="0", importance_why=False)
        self.assertEqual(conv.importance, "0")
        self.assertEqual(conv.importance_score, 0)
        conv.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(conv.state, "final")
        # An RPC client sending numbers gets them stored as the answers.
        other = self._mi(importance=10, confidence=0)
        self.assertEqual(other.importance, "10")
        self.assertEqual(other.confidence, "0")
        self.assertEqual(other.importance_score, 10)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_scores_outside_0_to_10_refused(self):
        before = self.env[MODEL].search_count([])
        bad_values = ("11", "-1", "x", "5.5", 11, -1, 5.5, True, [3])
        for field in ("importance", "confidence"):
            for value in bad_values:
                with self.subTest(field=field, value=value, on="create"):
                    with self.assertRaises(ValidationError) as caught:
                        self._mi(**{field: value})
                    self.assertIn("whole number from 0 to 10", str(caught.exception))
        self.assertEqual(self.env[MODEL].search_count([]), before)
        conv = self._mi()
        for field in ("importance", "confidence"):
            for value in bad_values:
                with self.subTest(field=field, value=value, on="write"):
                    with self.assertRaises(ValidationError) as caught:
                        conv.with_user(self.kg_teacher).write({field: value})
                    self.assertIn("whole number from 0 to 10", str(caught.exception))
        self.assertEqual(conv.importance, "7")
        self.assertEqual(conv.confidence, "4")
        # A good score with a bad one: nothing half-written.
        with self.assertRaises(ValidationError):
            conv.with_user(self.kg_teacher).write(
                {"importance": "9", "confidence": "12"}
            )
        self.assertEqual(conv.importance, "7")
        # Clearing an answer is no bad input (it is needed again to finalise).
        conv.with_user(self.kg_teacher).write({"confidence": False})
        self.assertFalse(conv.confidence)
        self.assertEqual(conv.confidence_score, 0)

    def test_finalize_needs_person_change_and_both_scores(self):
        for vals in (
            {"change": False},
            {"change": "   "},
            {"importance": False},
            {"confidence": False},
            {"importance": False, "confidence": False},
            {"person_partner_id": False},
        ):
            with self.subTest(vals=vals):
                conv = self._mi(**vals)
                with self.assertRaises(ValidationError):
                    conv.with_user(self.kg_teacher).action_finalize()
                self.assertEqual(conv.state, "draft")
                self.assertFalse(conv.final_date)
        # "Why not lower" and the rest may stay empty.
        conv = self._mi(
            importance_why=False,
            confidence_why=False,
            own_words=False,
            plan=False,
            agenda=False,
        )
        conv.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(conv.state, "final")

    def test_person_of_the_case(self):
        case = self.case
        child = self._mi(person_partner_id=case.subject_partner_id.id)
        self.assertEqual(child.person_partner_id, case.subject_partner_id)
        guardian = self._mi(person_partner_id=case.guardian_ids.partner_id[0].id)
        self.assertEqual(guardian.person_partner_id, case.guardian_ids.partner_id[0])
        stranger = self.env["res.partner"].create({"name": "Not of this case"})
        other_case = self._new_case()
        before = self.env[MODEL].search_count([])
        for partner in (stranger, other_case.guardian_ids.partner_id):
            with self.subTest(partner=partner.name):
                with self.assertRaises(ValidationError):
                    self._mi(person_partner_id=partner.id)
                with self.assertRaises(ValidationError):
                    child.with_user(self.kg_teacher).write(
                        {"person_partner_id": partner.id}
                    )
        self.assertEqual(self.env[MODEL].search_count([]), before)
        self.assertEqual(child.person_partner_id, case.subject_partner_id)

    # ------------------------------------------------------------------
    # Over time
    # ------------------------------------------------------------------
    def test_scores_over_time(self):
        case = self._new_case()
        month_ago = self.today - datetime.timedelta(days=30)
        self._mi(case, final=True, date=month_ago, importance="4", confidence="2")
        self._mi(case, final=True, importance="7", confidence="5")
        self._mi(case, final=True, importance="9", confidence="6")
        Mi = self.env[MODEL].with_user(self.kg_teacher2)
        groups = Mi.read_group(
            [("case_id", "=", case.id)],
            ["importance_score:avg", "confidence_score:avg"],
            ["date:day"],
            orderby="date:day",
            lazy=False,
        )
        self.assertEqual(len(groups), 2)
        self.assertEqual(
            [(g["importance_score"], g["confidence_score"]) for g in groups],
            [(4, 2), (8, 5.5)],
        )
        # The graph: a line over the days, the two scores as its measures.
        arch = self.env[MODEL].get_view(view_type="graph")["arch"]
        self.assertIn('type="line"', arch)
        self.assertIn('name="importance_score"', arch)
        self.assertIn('name="confidence_score"', arch)
        self.assertIn('interval="day"', arch)
        self.assertIn(
            "graph", self.env.ref("bti_tools.action_bti_tool_mi_guide").view_mode
        )
        # The case opens its conversations with the graph.
        window = self.env[MODEL]._bti_tool_window(case)
        self.assertIn("graph", window["view_mode"])
        self.assertEqual(window["domain"], [("case_id", "=", case.id)])
        # A reader of another service, or an outsider, gets nothing of them.
        self.assertEqual(
            self.env[MODEL]
            .with_user(self.school_teacher)
            .read_group(
                [("case_id", "=", case.id)], ["importance_score:avg"], ["date:day"]
            ),
            [],
        )
        with self.assertRaises(AccessError):
            self.env[MODEL].with_user(self.outsider).read_group(
                [], ["importance_score:avg"], ["date:day"]
            )

    # ------------------------------------------------------------------
    # Readers
    # ------------------------------------------------------------------
    def test_other_service_and_outsider(self):
        conv = self._mi(final=True)
        self._assert_hidden(conv, self.school_teacher)
        with self.assertRaises(AccessError):
            conv.with_user(self.school_teacher).action_print()
        with self.assertRaises(AccessError):
            conv.with_user(self.outsider).read(["importance"])
        with self.assertRaises(AccessError):
            self.env[MODEL].with_user(self.outsider).search([])
        with self.assertRaises(AccessError):
            self._mi(user=self.outsider)
        self._new_request()
        conv.with_user(self.kg_teacher2).read(["own_words", "importance"])
        # Shared with the participating services, the school reads it.
        conv.with_user(self.kg_teacher)._bti_share("participants")
        self._new_request()
        conv.with_user(self.school_teacher).read(["own_words"])

    def test_draft_is_the_authors(self):
        conv = self._mi()
        for user in (self.kg_teacher2, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                self._assert_hidden(conv, user)
        with self.assertRaises(AccessError):
            conv.with_user(self.kg_teacher2).action_finalize()
        self.assertEqual(conv.state, "draft")

    # ------------------------------------------------------------------
    # Final, versions
    # ------------------------------------------------------------------
    def test_final_is_frozen(self):
        conv = self._mi(final=True)
        for vals in (
            {"importance": "9"},
            {"confidence": False},
            {"change": "Something else"},
            {"own_words": "<p>Changed</p>"},
            {"phase": "plan"},
            {"date": "2026-01-01"},
        ):
            with self.subTest(vals=list(vals)):
                with self.assertRaises(UserError):
                    conv.with_user(self.kg_teacher).write(vals)
        with self.assertRaises(UserError):
            conv.with_user(self.kg_teacher).unlink()
        self.assertEqual(conv.importance, "7")
        self.assertEqual(conv.phase, "evoke")

    def test_new_version_keeps_the_old_untouched(self):
        conv = self._mi(final=True)
        action = conv.with_user(self.kg_teacher2).action_new_version()
        new = self.env[MODEL].browse(action["res_id"])
        self.assertEqual(new.previous_id, conv)
        self.assertEqual(new.importance, "7")
        self.assertEqual(new.person_partner_id, conv.person_partner_id)
        self.assertEqual(new.author_id, self.kg_teacher2)
        new.with_user(self.kg_teacher2).write({"importance": "8", "phase": "plan"})
        new.with_user(self.kg_teacher2).action_finalize()
        self._new_request()
        self.assertTrue(conv.is_superseded)
        self.assertEqual(conv.importance, "7")
        self.assertEqual(conv.phase, "evoke")
        self.assertEqual(new.importance_score, 8)

    # ------------------------------------------------------------------
    # Print
    # ------------------------------------------------------------------
    def test_print(self):
        conv = self._mi(final=True)
        action = conv.with_user(self.kg_teacher).action_print()
        self.assertEqual(action["report_name"], REPORT)
        self._new_request()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher2)
            ._render_qweb_html(REPORT, conv.ids)[0]
            .decode()
        )
        for text in (
            "Get to kindergarten before the morning circle",
            "How important is this change to you?",
            "Why not lower?",
            OWN_WORDS,
            PLAN,
            WHY_IMPORTANT,
            WHY_CONFIDENT,
            conv.person_partner_id.name,
            self.case.name,
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        self.assertNotIn("never shown to the family", html)
        self.assertTrue(
            self.env["bti.access.log"].search(
                [
                    ("user_id", "=", self.kg_teacher2.id),
                    ("model", "=", MODEL),
                    ("action", "=", "print"),
                ]
            )
        )
