import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ToolsCommon

MODEL = "bti.tool.observation"
LINE = "bti.tool.observation.line"
PERIOD = {"period_start": "2026-11-01", "period_end": "2026-11-05"}


@tagged("post_install", "-at_install")
class TestObservation(ToolsCommon):
    """The observation form: lines of when / what the child does | my
    interpretation inside a set period, a summary; an internal working tool
    of the service, frozen when final, read only by whom the policy says."""

    def _line(self, time="2026-11-02 09:30:00", what="Plays alone.", **vals):
        values = {"time": time, "what_child_does": what}
        values.update(vals)
        return Command.create(values)

    def _count(self, case=None):
        case = self.case if case is None else case
        return self.env[MODEL].search_count([("case_id", "=", case.id)])

    def _assert_hidden(self, record, user):
        """``user`` neither reads ``record`` nor finds it."""
        self._new_request()
        with self.assertRaises(AccessError):
            record.with_user(user).read(["setting"])
        self.assertFalse(
            self.env[record._name].with_user(user).search([("id", "=", record.id)])
        )

    # ------------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------------
    def test_lines_keep_the_observation_apart_from_the_interpretation(self):
        obs = self._observation(
            purpose="How she enters play with the others.",
            line_ids=[
                self._line(
                    "2026-11-03 10:00:00",
                    "Asks Emil if she may join; he says no. She sits down.",
                    interpretation="Gives up quickly after a refusal.",
                ),
                self._line(
                    "2026-11-02 09:30:00",
                    "Watches the others from the fence for ten minutes.",
                ),
            ],
            **PERIOD,
        )
        self.assertEqual(obs.author_id, self.kg_teacher)
        self.assertEqual(len(obs.line_ids), 2)
        # Read back (a new request), in the order they happened, each with
        # its case.
        self._new_request()
        first, second = obs.line_ids
        self.assertIn("fence", first.what_child_does)
        self.assertFalse(first.interpretation)
        self.assertIn("Emil", second.what_child_does)
        self.assertEqual(second.interpretation, "Gives up quickly after a refusal.")
        self.assertEqual(obs.line_ids.case_id, self.case)
        # The author adds a line to the draft, and corrects one.
        self.env[LINE].with_user(self.kg_teacher).create(
            {
                "observation_id": obs.id,
                "time": "2026-11-04 11:15:00",
                "what_child_does": "Builds a tower with Sara, laughing.",
                "interpretation": "At ease with one friend.",
            }
        )
        second.with_user(self.kg_teacher).write({"interpretation": "Discouraged."})
        self.assertEqual(len(obs.line_ids), 3)
        self.assertEqual(second.interpretation, "Discouraged.")
        obs.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(obs.state, "final")

    def test_line_needs_a_time(self):
        before = self._count()
        # Through the form's one2many command: nothing is written at all.
        with self.assertRaises(ValidationError):
            self._observation(
                line_ids=[Command.create({"what_child_does": "Cries at drop-off."})]
            )
        self.assertEqual(self._count(), before)
        obs = self._observation()
        Line = self.env[LINE].with_user(self.kg_teacher)
        with self.assertRaises(ValidationError) as caught:
            Line.create({"observation_id": obs.id, "what_child_does": "Cries."})
        self.assertIn("needs the time", str(caught.exception))
        with self.assertRaises(ValidationError):
            obs.line_ids.with_user(self.kg_teacher).write({"time": False})
        with self.assertRaises(ValidationError):
            obs.with_user(self.kg_teacher).write(
                {"line_ids": [Command.update(obs.line_ids.id, {"time": False})]}
            )
        self.assertEqual(len(obs.line_ids), 1)
        self.assertTrue(obs.line_ids.time)

    def test_line_needs_what_the_child_does(self):
        before = self._count()
        for what in (False, "", "   \n "):
            with self.subTest(what=what):
                with self.assertRaises(ValidationError):
                    self._observation(line_ids=[self._line(what=what)])
        self.assertEqual(self._count(), before)
        obs = self._observation()
        with self.assertRaises(ValidationError):
            self.env[LINE].with_user(self.kg_teacher).create(
                {
                    "observation_id": obs.id,
                    "time": "2026-11-02 10:00:00",
                    "interpretation": "An interpretation without an observation.",
                }
            )
        with self.assertRaises(ValidationError):
            obs.line_ids.with_user(self.kg_teacher).write({"what_child_does": " "})
        self.assertEqual(len(obs.line_ids), 1)
        self.assertIn("fence", obs.line_ids.what_child_does)

    def test_period_cannot_end_before_it_starts(self):
        before = self._count()
        # The error names what is wrong: the period, not its line.
        with self.assertRaises(ValidationError) as caught:
            self._observation(period_start="2026-11-05", period_end="2026-11-01")
        self.assertIn("cannot end before it starts", str(caught.exception))
        self.assertEqual(self._count(), before)
        obs = self._observation(**PERIOD)
        with self.assertRaises(ValidationError) as caught:
            obs.with_user(self.kg_teacher).write({"period_end": "2026-10-31"})
        self.assertIn("cannot end before it starts", str(caught.exception))
        self.assertEqual(str(obs.period_end), "2026-11-05")
        # A single day is a period.
        obs.with_user(self.kg_teacher).write(
            {"period_start": "2026-11-02", "period_end": "2026-11-02"}
        )

    def test_line_outside_the_period(self):
        before = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._observation(line_ids=[self._line("2026-11-10 09:00:00")], **PERIOD)
        self.assertIn("outside the observation period", str(caught.exception))
        with self.assertRaises(ValidationError):
            self._observation(line_ids=[self._line("2026-10-31 09:00:00")], **PERIOD)
        self.assertEqual(self._count(), before)
        obs = self._observation(**PERIOD)
        Line = self.env[LINE].with_user(self.kg_teacher)
        with self.assertRaises(ValidationError):
            Line.create(
                {
                    "observation_id": obs.id,
                    "time": "2026-11-06 09:00:00",
                    "what_child_does": "Outside the period.",
                }
            )
        # The municipality's day decides: 23:30 UTC on the last day is
        # already the next day in Norway.
        with self.assertRaises(ValidationError):
            obs.line_ids.with_user(self.kg_teacher).write(
                {"time": "2026-11-05 23:30:00"}
            )
        obs.line_ids.with_user(self.kg_teacher).write({"time": "2026-11-05 20:00:00"})
        # Narrowing the period so that a line falls outside it is refused too.
        with self.assertRaises(ValidationError):
            obs.with_user(self.kg_teacher).write({"period_end": "2026-11-04"})
        with self.assertRaises(ValidationError) as caught:
            obs.with_user(self.kg_teacher).write(
                {"period_start": "2026-11-06", "period_end": "2026-11-08"}
            )
        self.assertIn("outside the observation period", str(caught.exception))
        self.assertEqual(str(obs.period_end), "2026-11-05")
        self.assertEqual(len(obs.line_ids), 1)

    def test_finalize_needs_a_line(self):
        obs = self._observation(line_ids=[])
        self.assertFalse(obs.line_ids)
        with self.assertRaises(ValidationError):
            obs.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(obs.state, "draft")
        self.assertFalse(obs.final_date)

    def test_final_lines_are_frozen(self):
        obs = self._observation(final=True)
        line = obs.line_ids
        Line = self.env[LINE].with_user(self.kg_teacher)
        with self.assertRaises(UserError) as caught:
            line.with_user(self.kg_teacher).write({"interpretation": "Changed."})
        # The message names the form, not a technical reference of the line.
        self.assertIn(obs.display_name, str(caught.exception))
        self.assertNotIn(LINE, str(caught.exception))
        with self.assertRaises(UserError):
            line.with_user(self.kg_teacher).write({"time": "2026-11-03 09:30:00"})
        with self.assertRaises(UserError):
            line.with_user(self.kg_teacher).unlink()
        with self.assertRaises(UserError):
            Line.create(
                {
                    "observation_id": obs.id,
                    "time": "2026-11-02 11:00:00",
                    "what_child_does": "Added afterwards.",
                }
            )
        # Nor through the form's one2many commands.
        for command in (
            self._line("2026-11-02 11:00:00", "Added afterwards."),
            Command.update(line.id, {"interpretation": "Changed."}),
            Command.delete(line.id),
            Command.unlink(line.id),
            Command.clear(),
        ):
            with self.subTest(command=command[0]):
                with self.assertRaises(UserError):
                    obs.with_user(self.kg_teacher).write({"line_ids": [command]})
        self._new_request()
        self.assertEqual(obs.line_ids, line)
        self.assertEqual(line.interpretation, "Wants to join but does not know how.")
        self.assertEqual(str(line.time), "2026-11-02 09:30:00")

    def test_editing_a_final_form_is_refused(self):
        obs = self._observation(final=True, summary="<p>Needs support to join.</p>")
        for vals in (
            {"setting": "Indoors"},
            {"summary": "<p>Nothing to worry about.</p>"},
            {"purpose": "Something else"},
            {"period_start": "2026-11-01"},
            {"visibility": "participants"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    obs.with_user(self.kg_teacher).write(vals)
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher).unlink()
        self.assertEqual(obs.setting, "Free play outdoors")
        self.assertIn("Needs support", obs.summary)
        self.assertEqual(obs.visibility, "service")

    def test_new_version_keeps_the_old_untouched(self):
        obs = self._observation(
            final=True, purpose="Joining play", summary="<p>First view.</p>", **PERIOD
        )
        old_line = obs.line_ids
        action = obs.with_user(self.kg_teacher).action_new_version()
        new = self.env[MODEL].browse(action["res_id"])
        self.assertEqual(new.previous_id, obs)
        self.assertEqual(new.state, "draft")
        self.assertEqual(new.purpose, "Joining play")
        self.assertEqual(new.period_start, obs.period_start)
        self.assertEqual(new.line_ids.what_child_does, old_line.what_child_does)
        self.assertNotEqual(new.line_ids, old_line)
        new.line_ids.with_user(self.kg_teacher).write({"interpretation": "Shy."})
        new.with_user(self.kg_teacher).write(
            {
                "summary": "<p>Second view.</p>",
                "line_ids": [self._line("2026-11-04 09:00:00", "Joins the game.")],
            }
        )
        new.with_user(self.kg_teacher).action_finalize()
        self._new_request()
        self.assertTrue(obs.is_superseded)
        self.assertEqual(obs.state, "final")
        self.assertEqual(obs.line_ids, old_line)
        self.assertEqual(
            old_line.interpretation, "Wants to join but does not know how."
        )
        self.assertIn("First view", obs.summary)
        self.assertEqual(len(new.line_ids), 2)

    # ------------------------------------------------------------------
    # Never the family
    # ------------------------------------------------------------------
    def test_never_the_family(self):
        before = self._count()
        with self.assertRaises(ValidationError):
            self._observation(visibility="family")
        self.assertEqual(self._count(), before)
        draft = self._observation()
        with self.assertRaises(ValidationError):
            draft.with_user(self.kg_teacher).write({"visibility": "family"})
        self.assertEqual(draft.visibility, "service")
        obs = self._observation(final=True)
        with self.assertRaises(UserError):
            obs.with_user(self.kg_teacher)._bti_share("family")
        self.assertFalse(obs.log_entry_id)
        self.assertEqual(obs.visibility, "service")
        self.assertFalse(
            self.env["bti.log.entry"].search(
                [("tool_model", "=", MODEL), ("tool_res_id", "=", obs.id)]
            )
        )
        action = obs.with_user(self.kg_teacher).action_share_in_log()
        self.assertFalse(action["context"]["bti_tool_family"])
        # With the participating services it may be shared.
        entry = obs.with_user(self.kg_teacher)._bti_share("participants")
        self.assertEqual(entry.visibility, "participants")
        self.assertEqual(obs.visibility, "participants")

    # ------------------------------------------------------------------
    # Print
    # ------------------------------------------------------------------
    def test_print_renders_both_columns_and_is_logged(self):
        obs = self._observation(
            final=True,
            purpose="How she enters play.",
            summary="<p>Needs an adult to help her in.</p>",
            line_ids=[
                self._line(
                    "2026-11-02 09:30:00",
                    "Stands by the fence, watches the others.",
                    interpretation="Wants to join but does not know how.",
                ),
                self._line("2026-11-03 09:30:00", "Rides the tricycle alone."),
            ],
            **PERIOD,
        )
        Log = self.env["bti.access.log"]
        self._new_request()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher2)
            ._render_qweb_html("bti_tools.report_tool_observation", obs.ids)[0]
            .decode()
        )
        for text in (
            "What the child does",
            "My interpretation",
            "Stands by the fence, watches the others.",
            "Wants to join but does not know how.",
            "Rides the tricycle alone.",
            "Needs an adult to help her in.",
            "How she enters play.",
            "Free play outdoors",
            self.case.name,
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        # The observation comes before the interpretation on its row.
        self.assertLess(
            html.index("Stands by the fence"), html.index("Wants to join but")
        )
        self.assertIn("never shown to the family", html)
        prints = Log.search(
            [
                ("user_id", "=", self.kg_teacher2.id),
                ("model", "=", MODEL),
                ("action", "=", "print"),
            ]
        )
        self.assertEqual(len(prints), 1)
        self.assertEqual(prints.case_id, self.case)
        # The print action names the report; who may not read may not print.
        action = obs.with_user(self.kg_teacher).action_print()
        self.assertEqual(action["report_name"], "bti_tools.report_tool_observation")
        for user in (self.school_teacher, self.outsider):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    obs.with_user(user).action_print()

    # ------------------------------------------------------------------
    # Who reads it
    # ------------------------------------------------------------------
    def test_other_service_neither_reads_nor_finds_it(self):
        obs = self._observation(final=True, summary="<p>Summary</p>")
        line = obs.line_ids
        user = self.school_teacher
        self._assert_hidden(obs, user)
        with self.assertRaises(AccessError):
            line.with_user(user).read(["what_child_does"])
        Line = self.env[LINE].with_user(user)
        Obs = self.env[MODEL].with_user(user)
        self.assertFalse(Line.search([("observation_id", "=", obs.id)]))
        self.assertFalse(Line.search([("case_id", "=", self.case.id)]))
        self.assertFalse(Obs.search([("case_id", "=", self.case.id)]))
        self.assertFalse(
            Line.search([("what_child_does", "ilike", "fence")]),
        )
        self.assertEqual(
            Line.read_group(
                [("case_id", "=", self.case.id)], ["observation_id"], ["observation_id"]
            ),
            [],
        )
        self.assertEqual(
            Obs.read_group([("case_id", "=", self.case.id)], ["state"], ["state"]), []
        )
        with mute_logger("odoo.models"):
            self.assertNotIn(
                line.id, [rid for rid, _name in Line.name_search("", [], limit=None)]
            )
            self.assertNotIn(
                obs.id, [rid for rid, _name in Obs.name_search("", [], limit=None)]
            )
        # The colleagues of the author's service do read it, lines included.
        self._new_request()
        self.assertIn("fence", line.with_user(self.kg_teacher2).what_child_does)
        self.assertEqual(
            self.env[LINE]
            .with_user(self.kg_teacher2)
            .search([("observation_id", "=", obs.id)]),
            line,
        )

    def test_reading_lines_is_logged_under_the_case(self):
        obs = self._observation(final=True)
        Log = self.env["bti.access.log"]
        self._new_request()
        obs.line_ids.with_user(self.kg_teacher2).read(["what_child_does"])
        rows = Log.search([("user_id", "=", self.kg_teacher2.id), ("model", "=", LINE)])
        self.assertEqual(rows.mapped("action"), ["read"])
        self.assertEqual(rows.case_id, self.case)
        self.assertEqual(rows.service_id, self.kindergarten)
        # A line's label names its form and reads no content: no new row.
        self._new_request()
        self.assertEqual(
            obs.line_ids.with_user(self.kg_teacher2).display_name, obs.display_name
        )
        self.assertFalse(
            Log.search(
                [
                    ("user_id", "=", self.kg_teacher2.id),
                    ("model", "=", LINE),
                    ("id", "not in", rows.ids),
                ]
            )
        )

    def test_lines_follow_the_draft_rule(self):
        obs = self._observation()
        line = obs.line_ids
        for user in (self.kg_teacher2, self.kg_leader):
            with self.subTest(user=user.login):
                self._new_request()
                with self.assertRaises(AccessError):
                    line.with_user(user).read(["what_child_does"])
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"interpretation": "Not mine."})
                with self.assertRaises(AccessError):
                    self.env[LINE].with_user(user).create(
                        {
                            "observation_id": obs.id,
                            "time": "2026-11-02 10:00:00",
                            "what_child_does": "Not my draft.",
                        }
                    )
                self.assertFalse(
                    self.env[LINE]
                    .with_user(user)
                    .search([("observation_id", "=", obs.id)])
                )
        self.assertEqual(obs.line_ids, line)
        # The author reads and writes their own draft's lines.
        self._new_request()
        line.with_user(self.kg_teacher).read(["what_child_does", "interpretation"])
        obs.with_user(self.kg_teacher).action_finalize()
        self._new_request()
        line.with_user(self.kg_teacher2).read(["what_child_does", "interpretation"])

    def test_own_only_read_scope(self):
        obs = self._observation(visibility="participants", final=True)
        # A shared observation is read by the school, while its scope is shared.
        self._new_request()
        obs.with_user(self.school_teacher).read(["setting"])
        obs.line_ids.with_user(self.school_teacher).read(["what_child_does"])
        self.school.read_scope = "own"
        self._assert_hidden(obs, self.school_teacher)
        with self.assertRaises(AccessError):
            obs.line_ids.with_user(self.school_teacher).read(["what_child_does"])
        self.assertFalse(
            self.env[LINE]
            .with_user(self.school_teacher)
            .search([("observation_id", "=", obs.id)])
        )

    def test_outsider_reads_nothing(self):
        obs = self._observation(visibility="participants", final=True)
        for record, model in ((obs, MODEL), (obs.line_ids, LINE)):
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    record.with_user(self.outsider).read(["id"])
                with self.assertRaises(AccessError):
                    self.env[model].with_user(self.outsider).search([])
        with self.assertRaises(AccessError):
            self._observation(user=self.outsider)

    def test_consent_withdrawal_ends_access(self):
        consent = self._give_consent(self.case, self.health)
        self._add_participant(self.case, self.health, self.nurse)
        obs = self._observation(user=self.nurse, visibility="participants")
        obs.with_user(self.nurse).action_finalize()
        self._new_request()
        obs.with_user(self.nurse).read(["setting"])
        obs.with_user(self.school_teacher).read(["setting"])
        consent.with_user(self.kg_teacher).action_withdraw()
        self._assert_hidden(obs, self.nurse)
        with self.assertRaises(AccessError):
            obs.line_ids.with_user(self.nurse).read(["what_child_does"])
        # The school still reads it under its own consent; the form is kept.
        self._new_request()
        obs.with_user(self.school_teacher).read(["setting"])
        self.assertEqual(obs.state, "final")

    def test_school_consent_withdrawn(self):
        obs = self._observation(visibility="participants", final=True)
        self._new_request()
        obs.with_user(self.school_teacher).read(["setting"])
        self.consent.with_user(self.kg_teacher).action_withdraw()
        self._assert_hidden(obs, self.school_teacher)
        self._new_request()
        obs.with_user(self.kg_teacher2).read(["setting"])

    def test_dates_of_a_new_draft(self):
        obs = self._observation()
        self.assertEqual(obs.date, self.today)
        self.assertEqual(obs.version, 1)
        self.assertFalse(obs.previous_id)
        # An observation of last week, written today.
        last_week = self.today - datetime.timedelta(days=7)
        older = self._observation(date=last_week)
        self.assertEqual(older.date, last_week)
