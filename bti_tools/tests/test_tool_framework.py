from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ToolsCommon


@tagged("post_install", "-at_install")
class TestToolFramework(ToolsCommon):
    """What every tool shares: drafts of their author, final forms frozen,
    new versions, sharing in the log with consent, prints and reads logged."""

    def test_draft_is_the_authors(self):
        obs = self._observation()
        self.assertEqual(obs.author_id, self.kg_teacher)
        self.assertEqual(obs.author_service_id, self.kindergarten)
        self.assertEqual(obs.visibility, "service")
        for user in (self.kg_teacher2, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    obs.with_user(user).read(["setting"])
        obs.with_user(self.kg_teacher).action_finalize()
        # Final: the author's service reads it; the school not (own service).
        obs.with_user(self.kg_teacher2).read(["setting"])
        obs.with_user(self.kg_leader).read(["setting"])
        with self.assertRaises(AccessError):
            obs.with_user(self.school_teacher).read(["setting"])

    def test_only_the_author_finalizes(self):
        obs = self._observation(visibility="participants")
        with self.assertRaises(AccessError):
            obs.with_user(self.kg_teacher2).action_finalize()
        self.assertEqual(obs.state, "draft")

    def test_final_is_frozen(self):
        obs = self._observation(final=True)
        self.assertEqual(obs.state, "final")
        self.assertTrue(obs.final_date)
        for vals in (
            {"setting": "Changed"},
            {"state": "draft"},
            {"date": "2026-01-01"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    obs.with_user(self.kg_teacher).write(vals)
        with self.assertRaises(UserError):
            obs.line_ids.with_user(self.kg_teacher).write({"interpretation": "x"})
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher).unlink()
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(obs.setting, "Free play outdoors")

    def test_new_version_points_to_the_old(self):
        obs = self._observation(final=True)
        action = obs.with_user(self.kg_teacher2).action_new_version()
        new = self.env["bti.tool.observation"].browse(action["res_id"])
        self.assertEqual(new.previous_id, obs)
        self.assertEqual(new.version, 2)
        self.assertEqual(new.state, "draft")
        self.assertEqual(new.author_id, self.kg_teacher2)
        self.assertEqual(new.setting, obs.setting)
        self.assertEqual(len(new.line_ids), len(obs.line_ids))
        self.assertNotEqual(new.line_ids, obs.line_ids)
        self.assertFalse(obs.is_superseded)
        new.with_user(self.kg_teacher2).action_finalize()
        self.assertTrue(obs.is_superseded)
        self.assertEqual(obs.state, "final")
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher2).action_new_version()

    def test_system_fields_refused(self):
        obs = self._observation()
        forged = {
            "state": "final",
            "author_id": self.kg_teacher2.id,
            "author_service_id": self.school.id,
            "version": 7,
            "is_superseded": True,
            "case_id": self._new_case().id,
        }
        for name, value in forged.items():
            with self.subTest(field=name):
                with self.assertRaises(UserError):
                    obs.with_user(self.kg_teacher).write({name: value})
        with self.assertRaises(UserError):
            self._observation(state="final")
        self.assertEqual(obs.state, "draft")

    def test_share_in_the_log(self):
        obs = self._observation(final=True)
        # An internal tool never reaches the family.
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher)._bti_share("family")
        with self.assertRaises(ValidationError):
            self._observation(visibility="family")
        entry = obs.with_user(self.kg_teacher)._bti_share(
            "participants", "<p>See the observation.</p>"
        )
        self.assertEqual(entry.state, "published")
        self.assertEqual(entry.visibility, "participants")
        self.assertEqual(entry.tool_model, "bti.tool.observation")
        self.assertEqual(entry.tool_res_id, obs.id)
        self.assertEqual(obs.log_entry_id, entry)
        self.assertEqual(obs.visibility, "participants")
        # The school reads the entry and opens the form it shares.
        obs.with_user(self.school_teacher).read(["setting"])
        action = entry.with_user(self.school_teacher).action_open_tool()
        self.assertEqual(action["res_id"], obs.id)
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher)._bti_share("participants")

    def test_share_needs_consent(self):
        case = self._new_case()  # level 0, no consent
        obs = self._observation(case, final=True)
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher)._bti_share("participants")
        self.assertFalse(obs.log_entry_id)
        self.assertEqual(obs.visibility, "service")
        self.assertFalse(self.env["bti.log.entry"].search([("case_id", "=", case.id)]))

    def test_share_wizard_checks_the_tool(self):
        obs = self._observation(final=True)
        wizard = (
            self.env["bti.tool.share.wizard"]
            .with_user(self.kg_teacher)
            .create(
                {
                    "res_model": "bti.tool.observation",
                    "res_id": obs.id,
                    "visibility": "participants",
                }
            )
        )
        self.assertFalse(wizard.may_reach_family)
        wizard.action_confirm()
        self.assertTrue(obs.log_entry_id)
        # Somebody else's tool, or another model: refused.
        other = self._observation(final=True)
        for vals in (
            {"res_model": "bti.tool.observation", "res_id": other.id},
            {"res_model": "res.partner", "res_id": self.kg_teacher.partner_id.id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    self.env["bti.tool.share.wizard"].with_user(
                        self.school_teacher
                    ).create(dict(vals, visibility="participants")).action_confirm()
        self.assertFalse(other.log_entry_id)
        # Without the tool's id (an integer: stored NULL when absent), refused
        # naming the field before PostgreSQL's NOT NULL (bench/fuzz.py).
        with self.assertRaisesRegex(UserError, "must be filled in"):
            self.env["bti.tool.share.wizard"].with_user(self.kg_teacher).create(
                {"res_model": "bti.tool.observation", "visibility": "participants"}
            )

    def test_a_case_the_user_cannot_open(self):
        case = self._new_case()
        for user in (self.school_teacher, self.outsider, self.bti_admin):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._observation(case, user=user)
        self.assertFalse(
            self.env["bti.tool.observation"].search([("case_id", "=", case.id)])
        )

    def test_closed_case_is_read_only(self):
        case = self._new_case()
        obs = self._observation(case)
        case.with_user(self.kg_teacher)._bti_close("no_concern")
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher).write({"setting": "Indoors"})
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher).action_finalize()
        with self.assertRaises(UserError):
            self._observation(case)

    def test_consent_withdrawal_ends_access(self):
        case = self.case
        consent = self._give_consent(case, self.health)
        self._add_participant(case, self.health, self.nurse)
        obs = self._observation(case, user=self.nurse, visibility="participants")
        obs.with_user(self.nurse).action_finalize()
        obs.with_user(self.kg_teacher).read(["setting"])
        consent.with_user(self.kg_teacher).action_withdraw()
        self._new_request()
        for user in (self.nurse,):
            with self.assertRaises(AccessError):
                obs.with_user(user).read(["setting"])
        self.assertFalse(
            self.env["bti.tool.observation"]
            .with_user(self.nurse)
            .search([("case_id", "=", case.id)])
        )

    def test_own_only_read_scope(self):
        """A service that reads only its own content does not read another
        service's shared form."""
        obs = self._observation(visibility="participants", final=True)
        self.school.read_scope = "own"
        self._new_request()
        with self.assertRaises(AccessError):
            obs.with_user(self.school_teacher).read(["setting"])
        self.assertEqual(
            self.env["bti.tool.observation"]
            .with_user(self.school_teacher)
            .search_count([("case_id", "=", self.case.id)]),
            0,
        )

    def test_reads_and_prints_are_logged(self):
        obs = self._observation(final=True)
        Log = self.env["bti.access.log"]
        self._new_request()
        obs.with_user(self.kg_teacher2).read(["setting"])
        rows = Log.search(
            [("user_id", "=", self.kg_teacher2.id), ("model", "=", obs._name)]
        )
        self.assertEqual(rows.mapped("action"), ["read"])
        self.assertEqual(rows.case_id, self.case)
        self._new_request()
        action = obs.with_user(self.kg_teacher2).action_print()
        self.assertEqual(action["report_name"], "bti_tools.report_tool_observation")
        self.env["ir.actions.report"].with_user(self.kg_teacher2)._render_qweb_html(
            "bti_tools.report_tool_observation", obs.ids
        )
        self.assertIn(
            "print",
            Log.search(
                [("user_id", "=", self.kg_teacher2.id), ("model", "=", obs._name)]
            ).mapped("action"),
        )
        # Who may not read it, may not print it.
        with self.assertRaises(AccessError):
            obs.with_user(self.school_teacher).action_print()
