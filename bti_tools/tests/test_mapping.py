from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ToolsCommon

MODEL = "bti.tool.mapping"
ANSWER = "bti.tool.mapping.answer"
TEMPLATE = "bti.tool.mapping.template"
QUESTION = "bti.tool.mapping.question"


def _question_rows(records, name_field):
    return [(r.sequence, r.section or False, r.factor, r[name_field]) for r in records]


@tagged("post_install", "-at_install")
class TestMapping(ToolsCommon):
    """The mapping form: the questions of a template copied into the form and
    answered for one child; the risk and protective factors side by side;
    internal templates never reach the family; templates are kept by the
    BTI administrators."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmpl_risk = cls.env.ref("bti_tools.mapping_template_risk_protective")
        cls.tmpl_kindergarten = cls.env.ref("bti_tools.mapping_template_kindergarten")
        cls.tmpl_school = cls.env.ref("bti_tools.mapping_template_school")
        cls.tmpl_next_of_kin = cls.env.ref("bti_tools.mapping_template_next_of_kin")
        # A template of our own, to change it under a written mapping.
        cls.tmpl_own = (
            cls.env[TEMPLATE]
            .with_user(cls.bti_admin)
            .create(
                {
                    "name": "Test template",
                    "kind": "risk_protective",
                    "question_ids": [
                        Command.create(
                            {
                                "sequence": 1,
                                "section": "The child",
                                "factor": "risk",
                                "name": "Own risk factor",
                            }
                        ),
                        Command.create(
                            {
                                "sequence": 2,
                                "section": "The child",
                                "factor": "protective",
                                "name": "Own protective factor",
                            }
                        ),
                        Command.create(
                            {
                                "sequence": 3,
                                "section": "Daily life",
                                "name": "How does the day start?",
                            }
                        ),
                    ],
                }
            )
            .with_env(cls.env)
        )

    @classmethod
    def _mapping(cls, case=None, user=None, **vals):
        return cls._tool(MODEL, case, user, False, **vals)

    def _answer(self, mapping, user=None, **vals):
        values = vals or {"answer": "Plays well with two friends."}
        line = mapping.answer_ids.filtered(lambda a: a.factor == "question")[:1]
        line = line or mapping.answer_ids[:1]
        line.with_user(user or mapping.author_id).write(values)
        return line

    def _final(self, user=None, **vals):
        mapping = self._mapping(user=user, **vals)
        self._answer(mapping)
        mapping.with_user(mapping.author_id).action_finalize()
        return mapping

    def _assert_hidden(self, record, user):
        self._new_request()
        with self.assertRaises(AccessError):
            record.with_user(user).read(["summary"])
        with self.assertRaises(AccessError):
            record.answer_ids.with_user(user).read(["answer"])
        self.assertFalse(
            self.env[MODEL].with_user(user).search([("id", "=", record.id)])
        )
        self.assertFalse(
            self.env[ANSWER].with_user(user).search([("mapping_id", "=", record.id)])
        )

    # ------------------------------------------------------------------
    # The template's questions
    # ------------------------------------------------------------------
    def test_template_questions_are_copied(self):
        for template in (self.tmpl_risk, self.tmpl_kindergarten, self.tmpl_own):
            with self.subTest(template=template.name):
                mapping = self._mapping(template_id=template.id)
                self.assertEqual(mapping.template_id, template)
                self.assertTrue(template.question_ids)
                self.assertEqual(
                    _question_rows(mapping.answer_ids, "question"),
                    _question_rows(template.question_ids, "name"),
                )
                self.assertFalse(any(mapping.answer_ids.mapped("present")))
                self.assertFalse(any(mapping.answer_ids.mapped("answer")))
                self.assertEqual(mapping.answer_ids.case_id, self.case)
                self.assertEqual(
                    mapping.has_factors, template.kind == "risk_protective"
                )

    def test_changing_the_template_of_a_draft_rebuilds_the_lines(self):
        mapping = self._mapping(template_id=self.tmpl_kindergarten.id)
        old_lines = mapping.answer_ids
        self._answer(mapping)
        mapping.with_user(self.kg_teacher).write({"template_id": self.tmpl_school.id})
        self.assertFalse(old_lines.exists())
        self.assertEqual(
            _question_rows(mapping.answer_ids, "question"),
            _question_rows(self.tmpl_school.question_ids, "name"),
        )
        self.assertFalse(any(mapping.answer_ids.mapped("answer")))
        # The same template again keeps the lines and their answers.
        line = self._answer(mapping, answer="Likes maths.")
        lines = mapping.answer_ids
        mapping.with_user(self.kg_teacher).write(
            {"template_id": self.tmpl_school.id, "summary": "<p>So far.</p>"}
        )
        self.assertEqual(mapping.answer_ids, lines)
        self.assertEqual(line.answer, "Likes maths.")

    def test_the_form_builds_and_rebuilds_the_lines(self):
        Mapping = (
            self.env[MODEL]
            .with_user(self.kg_teacher)
            .with_context(default_case_id=self.case.id)
        )
        form = Form(Mapping)
        self.assertEqual(form.template_id, self.tmpl_kindergarten)
        form.template_id = self.tmpl_own
        self.assertEqual(len(form.answer_ids), 3)
        with form.answer_ids.edit(0) as line:
            line.present = True
            line.answer = "Strong reactions at drop-off."
        mapping = form.save()
        self.assertEqual(
            _question_rows(mapping.answer_ids, "question"),
            _question_rows(self.tmpl_own.question_ids, "name"),
        )
        first = mapping.answer_ids[0]
        self.assertTrue(first.present)
        self.assertEqual(first.answer, "Strong reactions at drop-off.")
        # Another template in the form: its questions replace the answers.
        form = Form(mapping.with_user(self.kg_teacher))
        with mute_logger("odoo.tests.form.onchange"):
            form.template_id = self.tmpl_kindergarten
        form.save()
        self.assertEqual(
            _question_rows(mapping.answer_ids, "question"),
            _question_rows(self.tmpl_kindergarten.question_ids, "name"),
        )
        self.assertFalse(first.exists())

    def test_default_template_follows_service_kind_and_age(self):
        # A kindergarten (a basis service), a child of five.
        mapping = self._mapping()
        self.assertEqual(mapping.template_id, self.tmpl_kindergarten)
        self.assertEqual(
            len(mapping.answer_ids), len(self.tmpl_kindergarten.question_ids)
        )
        defaults = (
            self.env[MODEL]
            .with_user(self.kg_teacher)
            .with_context(default_case_id=self.case.id)
            .default_get(["template_id"])
        )
        self.assertEqual(defaults["template_id"], self.tmpl_kindergarten.id)
        born = self.child_birth_date
        # A child of eight: the school's template.
        case8 = self._new_case(birth_date=born.replace(year=born.year - 3))
        self.assertEqual(case8.age, 8)
        self.assertEqual(self._mapping(case8).template_id, self.tmpl_school)
        # A young person of seventeen: no basis template fits that age; the
        # template made for every service.
        case17 = self._new_case(birth_date=born.replace(year=born.year - 12))
        self.assertEqual(self._mapping(case17).template_id, self.tmpl_risk)
        # A help service (PPT) has no template of its own kind.
        self._add_participant(self.case, self.ppt, self.ppt_advisor)
        ppt_mapping = self._mapping(user=self.ppt_advisor)
        self.assertEqual(ppt_mapping.author_service_id, self.ppt)
        self.assertEqual(ppt_mapping.template_id, self.tmpl_risk)
        # An adult service: children as next of kin.
        adult = self.env["bti.service"].create({"name": "Adult MH", "kind": "adult"})
        self.assertEqual(
            self.env[MODEL]._bti_default_template(self.case, adult),
            self.tmpl_next_of_kin,
        )
        # An archived template is no longer chosen.
        self.tmpl_kindergarten.with_user(self.bti_admin).active = False
        self.assertEqual(self._mapping().template_id, self.tmpl_risk)

    # ------------------------------------------------------------------
    # The answers
    # ------------------------------------------------------------------
    def test_only_present_and_answer_are_written_on_a_line(self):
        mapping = self._mapping(template_id=self.tmpl_own.id)
        line = mapping.answer_ids[0]
        with self.assertRaises(UserError) as caught:
            line.with_user(self.kg_teacher).write({"question": "Reworded"})
        # The message names the form, not a technical reference of the line.
        self.assertIn(mapping.display_name, str(caught.exception))
        self.assertNotIn(ANSWER, str(caught.exception))
        for vals in (
            {"question": "A question of my own"},
            {"factor": "protective"},
            {"section": "Elsewhere"},
            {"sequence": 99},
            {"mapping_id": self._mapping().id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    line.with_user(self.kg_teacher).write(vals)
                with self.assertRaises(UserError):
                    mapping.with_user(self.kg_teacher).write(
                        {"answer_ids": [Command.update(line.id, vals)]}
                    )
        self.assertEqual(line.question, "Own risk factor")
        self.assertEqual(line.factor, "risk")
        self.assertEqual(line.section, "The child")
        self.assertEqual(line.mapping_id, mapping)
        line.with_user(self.kg_teacher).write({"present": True, "answer": "Often."})
        mapping.with_user(self.kg_teacher).write(
            {"answer_ids": [Command.update(line.id, {"answer": "Most days."})]}
        )
        self.assertTrue(line.present)
        self.assertEqual(line.answer, "Most days.")

    def test_finalize_needs_an_answer(self):
        mapping = self._mapping(template_id=self.tmpl_own.id)
        with self.assertRaises(ValidationError):
            mapping.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(mapping.state, "draft")
        mapping.answer_ids[2].with_user(self.kg_teacher).write({"answer": "   "})
        with self.assertRaises(ValidationError):
            mapping.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(mapping.state, "draft")
        self.assertFalse(mapping.final_date)
        # A factor seen is an answer.
        mapping.answer_ids[1].with_user(self.kg_teacher).write({"present": True})
        mapping.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(mapping.state, "final")

    # ------------------------------------------------------------------
    # The family
    # ------------------------------------------------------------------
    def test_internal_template_never_reaches_the_family(self):
        before = self.env[MODEL].search_count([])
        for template in (self.tmpl_risk, self.tmpl_next_of_kin):
            with self.subTest(template=template.name):
                self.assertTrue(template.internal)
                with self.assertRaises(ValidationError):
                    self._mapping(template_id=template.id, visibility="family")
        self.assertEqual(self.env[MODEL].search_count([]), before)
        # Chosen later in a family-visible draft: refused too.
        draft = self._mapping(visibility="family")
        self.assertEqual(draft.template_id, self.tmpl_kindergarten)
        with self.assertRaises(ValidationError):
            draft.with_user(self.kg_teacher).write({"template_id": self.tmpl_risk.id})
        self.assertEqual(draft.template_id, self.tmpl_kindergarten)
        risk = self._mapping(template_id=self.tmpl_risk.id)
        with self.assertRaises(ValidationError):
            risk.with_user(self.kg_teacher).write({"visibility": "family"})
        risk = self._final(template_id=self.tmpl_risk.id)
        action = risk.with_user(self.kg_teacher).action_share_in_log()
        self.assertFalse(action["context"]["bti_tool_family"])
        with self.assertRaises(UserError):
            risk.with_user(self.kg_teacher)._bti_share("family")
        self.assertFalse(risk.log_entry_id)
        self.assertEqual(risk.visibility, "service")
        # The participating services may be told.
        entry = risk.with_user(self.kg_teacher)._bti_share("participants")
        self.assertEqual(entry.visibility, "participants")

    def test_shared_template_may_reach_the_family(self):
        mapping = self._final(template_id=self.tmpl_kindergarten.id)
        self.assertFalse(self.tmpl_kindergarten.internal)
        action = mapping.with_user(self.kg_teacher).action_share_in_log()
        self.assertTrue(action["context"]["bti_tool_family"])
        entry = mapping.with_user(self.kg_teacher)._bti_share("family")
        self.assertEqual(entry.visibility, "family")
        self.assertEqual(entry.state, "published")
        self.assertEqual(entry.tool_model, MODEL)
        self.assertEqual(entry.tool_res_id, mapping.id)
        self.assertEqual(mapping.visibility, "family")
        self.assertEqual(mapping.log_entry_id, entry)
        # A draft may be written for the family from the start.
        self._mapping(visibility="family")

    def test_sharing_with_the_family_needs_consent(self):
        case = self._new_case()
        mapping = self._mapping(case, template_id=self.tmpl_kindergarten.id)
        self._answer(mapping)
        mapping.with_user(self.kg_teacher).action_finalize()
        with self.assertRaises(UserError):
            mapping.with_user(self.kg_teacher)._bti_share("family")
        self.assertFalse(mapping.log_entry_id)
        self.assertFalse(self.env["bti.log.entry"].search([("case_id", "=", case.id)]))

    # ------------------------------------------------------------------
    # Templates and questions
    # ------------------------------------------------------------------
    def test_editing_the_template_leaves_written_mappings(self):
        draft = self._mapping(template_id=self.tmpl_own.id)
        final = self._final(template_id=self.tmpl_own.id)
        rows = _question_rows(final.answer_ids, "question")
        question = self.tmpl_own.question_ids[0]
        admin_template = self.tmpl_own.with_user(self.bti_admin)
        question.with_user(self.bti_admin).write(
            {"name": "Reworded risk factor", "factor": "protective", "section": "X"}
        )
        admin_template.write(
            {
                "name": "Renamed template",
                "question_ids": [
                    Command.create({"name": "A new question"}),
                    Command.delete(self.tmpl_own.question_ids[2].id),
                ],
            }
        )
        self._new_request()
        for mapping in (draft, final):
            with self.subTest(state=mapping.state):
                self.assertEqual(_question_rows(mapping.answer_ids, "question"), rows)
        # A mapping written now gets the template as it is now.
        new = self._mapping(template_id=self.tmpl_own.id)
        self.assertEqual(
            _question_rows(new.answer_ids, "question"),
            _question_rows(self.tmpl_own.question_ids, "name"),
        )
        self.assertIn("Reworded risk factor", new.answer_ids.mapped("question"))

    def test_templates_are_kept_by_administrators(self):
        Template = self.env[TEMPLATE]
        template = Template.with_user(self.bti_admin).create(
            {
                "name": "Admin template",
                "service_kind": "help",
                "age_from": 3,
                "age_to": 12,
                "question_ids": [Command.create({"name": "What works well?"})],
            }
        )
        question = template.question_ids
        template.with_user(self.bti_admin).write({"name": "Admin template 2"})
        question.with_user(self.bti_admin).write({"name": "What works best?"})
        self.env[QUESTION].with_user(self.bti_admin).create(
            {"template_id": template.id, "name": "Who helps?"}
        )
        self.assertEqual(template.question_count, 2)
        # Employees read them (to choose one), nothing more.
        for user in (self.kg_teacher, self.school_teacher, self.kg_leader):
            with self.subTest(user=user.login):
                self._new_request()
                template.with_user(user).read(["name", "question_ids"])
                question.with_user(user).read(["name", "factor"])
                with self.assertRaises(AccessError):
                    template.with_user(user).write({"name": "Mine"})
                with self.assertRaises(AccessError):
                    question.with_user(user).write({"name": "Mine"})
                with self.assertRaises(AccessError):
                    Template.with_user(user).create({"name": "Mine"})
                with self.assertRaises(AccessError):
                    self.env[QUESTION].with_user(user).create(
                        {"template_id": template.id, "name": "Mine"}
                    )
                with self.assertRaises(AccessError):
                    question.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    template.with_user(user).unlink()
        # Whoever is no BTI employee reads nothing.
        with self.assertRaises(AccessError):
            template.with_user(self.outsider).read(["name"])
        with self.assertRaises(AccessError):
            question.with_user(self.outsider).read(["name"])
        with self.assertRaises(AccessError):
            Template.with_user(self.outsider).search([])
        self.assertEqual(template.name, "Admin template 2")
        self.assertEqual(question.name, "What works best?")

    def test_template_age_group(self):
        Template = self.env[TEMPLATE].with_user(self.bti_admin)
        for vals in (
            {"age_from": 10, "age_to": 6},
            {"age_from": -1},
            {"age_to": -3},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    Template.create(dict(vals, name="Bad ages"))
        self.assertFalse(Template.search([("name", "=", "Bad ages")]))
        template = Template.create({"name": "Ages", "age_from": 6, "age_to": 10})
        with self.assertRaises(ValidationError):
            template.write({"age_to": 5})
        self.assertEqual(template.age_to, 10)
        # One bound only, or a single year, is an age group.
        template.write({"age_from": 0, "age_to": 5})
        template.write({"age_from": 7, "age_to": 0})
        template.write({"age_from": 7, "age_to": 7})

    # ------------------------------------------------------------------
    # Print
    # ------------------------------------------------------------------
    def test_print_puts_risk_and_protective_side_by_side(self):
        mapping = self._mapping(
            template_id=self.tmpl_own.id, summary="<p>Judgement: watch mornings.</p>"
        )
        risk, protective, question = mapping.answer_ids
        risk.with_user(self.kg_teacher).write(
            {"present": True, "answer": "Screams at drop-off."}
        )
        protective.with_user(self.kg_teacher).write({"present": True})
        question.with_user(self.kg_teacher).write({"answer": "Father brings her."})
        mapping.with_user(self.kg_teacher).action_finalize()
        self._new_request()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher2)
            ._render_qweb_html("bti_tools.report_tool_mapping", mapping.ids)[0]
            .decode()
        )
        for text in (
            "Risk factors",
            "Protective factors",
            "Own risk factor",
            "Own protective factor",
            "Screams at drop-off.",
            "How does the day start?",
            "Father brings her.",
            "Judgement: watch mornings.",
            "Not a score",
            "✓",
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        # Risk in the left column, protective in the right one, on one row.
        self.assertLess(html.index("Risk factors"), html.index("Protective factors"))
        self.assertLess(html.index("Own risk factor"), html.index("Own protective"))
        self.assertEqual(html.count("✓"), 2)
        self.assertTrue(
            self.env["bti.access.log"].search(
                [
                    ("user_id", "=", self.kg_teacher2.id),
                    ("model", "=", MODEL),
                    ("action", "=", "print"),
                ]
            )
        )
        action = mapping.with_user(self.kg_teacher).action_print()
        self.assertEqual(action["report_name"], "bti_tools.report_tool_mapping")
        # The data template prints too, every section with its columns.
        data = self._final(template_id=self.tmpl_risk.id)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher)
            ._render_qweb_html("bti_tools.report_tool_mapping", data.ids)[0]
            .decode()
        )
        for section in set(self.tmpl_risk.question_ids.mapped("section")):
            with self.subTest(section=section):
                self.assertIn(section, html)

    # ------------------------------------------------------------------
    # Final, versions, readers
    # ------------------------------------------------------------------
    def test_editing_a_final_form_is_refused(self):
        mapping = self._final(template_id=self.tmpl_own.id)
        line = mapping.answer_ids[0]
        for vals in (
            {"summary": "<p>Changed</p>"},
            {"template_id": self.tmpl_kindergarten.id},
            {"answer_ids": [Command.update(line.id, {"answer": "Changed"})]},
            {"answer_ids": [Command.delete(line.id)]},
        ):
            with self.subTest(vals=list(vals)):
                with self.assertRaises(UserError):
                    mapping.with_user(self.kg_teacher).write(vals)
        with self.assertRaises(UserError):
            line.with_user(self.kg_teacher).write({"present": True})
        with self.assertRaises(UserError):
            line.with_user(self.kg_teacher).unlink()
        with self.assertRaises(UserError):
            mapping.with_user(self.kg_teacher).unlink()
        self.assertEqual(mapping.template_id, self.tmpl_own)
        self.assertEqual(len(mapping.answer_ids), 3)
        self.assertFalse(line.present)

    def test_new_version_keeps_the_old_untouched(self):
        mapping = self._mapping(template_id=self.tmpl_own.id)
        mapping.answer_ids[0].with_user(self.kg_teacher).write(
            {"present": True, "answer": "First time."}
        )
        mapping.with_user(self.kg_teacher).action_finalize()
        old_lines = mapping.answer_ids
        action = mapping.with_user(self.kg_teacher2).action_new_version()
        new = self.env[MODEL].browse(action["res_id"])
        self.assertEqual(new.previous_id, mapping)
        self.assertEqual(new.template_id, mapping.template_id)
        self.assertEqual(
            _question_rows(new.answer_ids, "question"),
            _question_rows(old_lines, "question"),
        )
        self.assertEqual(new.answer_ids[0].answer, "First time.")
        self.assertTrue(new.answer_ids[0].present)
        self.assertFalse(new.answer_ids & old_lines)
        new.answer_ids[0].with_user(self.kg_teacher2).write(
            {"present": False, "answer": "Not any more."}
        )
        new.with_user(self.kg_teacher2).write({"template_id": self.tmpl_risk.id})
        self._answer(new, user=self.kg_teacher2)
        new.with_user(self.kg_teacher2).action_finalize()
        self._new_request()
        self.assertTrue(mapping.is_superseded)
        self.assertEqual(mapping.answer_ids, old_lines)
        self.assertEqual(mapping.template_id, self.tmpl_own)
        self.assertTrue(old_lines[0].present)
        self.assertEqual(old_lines[0].answer, "First time.")

    def test_draft_is_the_authors(self):
        mapping = self._mapping()
        for user in (self.kg_teacher2, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                self._assert_hidden(mapping, user)
                with self.assertRaises(AccessError):
                    mapping.answer_ids[0].with_user(user).write({"answer": "Mine"})
        self.assertFalse(any(mapping.answer_ids.mapped("answer")))

    def test_other_service_and_outsider(self):
        mapping = self._final()
        self._assert_hidden(mapping, self.school_teacher)
        Answer = self.env[ANSWER].with_user(self.school_teacher)
        self.assertEqual(
            Answer.read_group(
                [("case_id", "=", self.case.id)], ["mapping_id"], ["mapping_id"]
            ),
            [],
        )
        for record in (mapping, mapping.answer_ids):
            with self.subTest(model=record._name):
                with self.assertRaises(AccessError):
                    record.with_user(self.outsider).read(["id"])
        with self.assertRaises(AccessError):
            self._mapping(user=self.outsider)
        self._new_request()
        mapping.answer_ids.with_user(self.kg_teacher2).read(["answer"])

    def test_own_only_read_scope(self):
        mapping = self._final(visibility="participants")
        self._new_request()
        mapping.with_user(self.school_teacher).read(["summary"])
        mapping.answer_ids.with_user(self.school_teacher).read(["answer"])
        self.school.read_scope = "own"
        self._assert_hidden(mapping, self.school_teacher)

    def test_consent_withdrawal_ends_access(self):
        consent = self._give_consent(self.case, self.health)
        self._add_participant(self.case, self.health, self.nurse)
        mapping = self._final(user=self.nurse, visibility="participants")
        self.assertEqual(mapping.author_service_id, self.health)
        self._new_request()
        mapping.with_user(self.kg_teacher).read(["summary"])
        consent.with_user(self.kg_teacher).action_withdraw()
        self._assert_hidden(mapping, self.nurse)
        self._new_request()
        mapping.with_user(self.kg_teacher).read(["summary"])
