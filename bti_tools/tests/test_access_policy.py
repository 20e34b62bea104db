"""The access policy of the BTI tools as data, walked cell by cell.

``security/access_policy.csv`` lists, for every role of bti_core's policy and
every model of the tools, which operations are allowed on which fixture
record. The world is bti_core's policy world (its roles and its two cases),
with every tool written into it as the real users write them: final forms
shared with the participants or kept in the service, drafts of the owner
employee and of a colleague, the nurse's forms from before the withdrawal of
her consent, and a wonder note without a case. Every cell is checked as the
real user through the ORM (search and read, write, create, unlink),
``read_group``, ``name_search``, ``export_data`` and JSON-RPC
(``/web/dataset/call_kw``), with bti_core's machinery.
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

# Helpers only: importing a class with test methods would run its tests again.
from odoo.addons.bti_core.tests.test_access_policy import (
    ROLES,
    BtiForgeMixin,
    BtiPolicyJsonRpcMixin,
    BtiPolicyOrmMixin,
    BtiPolicyWorld,
    Sample,
)

from .common import ToolsCommon

POLICY_PATH = "bti_tools/security/access_policy.csv"
L2 = "level2_kindergarten"
WITHDRAWN = "consent_withdrawn"
NO_CASE = "no_case"
TOOL_FIXTURES = (
    f"{L2}/final_participants",
    f"{L2}/final_service",
    f"{L2}/draft_own",
    f"{L2}/draft_colleague",
    f"{WITHDRAWN}/final_by_withdrawn",
)
TOOL_MODELS = (
    "bti.tool.wonder_note",
    "bti.tool.observation",
    "bti.tool.mapping",
    "bti.tool.conversation",
    "bti.tool.concern_scale",
    "bti.tool.network_map",
    "bti.tool.mi_guide",
    "bti.tool.transition",
)
# The fixture records of the table, per model: "<case>/<fixture>".
FIXTURES = {model: TOOL_FIXTURES for model in TOOL_MODELS}
FIXTURES["bti.tool.wonder_note"] += (f"{NO_CASE}/draft_own",)
# A transition form passed on to the school: read through the grant.
FIXTURES["bti.tool.transition"] += (f"{L2}/passed_on",)
# A line model: its form's model and the field of its lines.
LINES = {
    "bti.tool.observation.line": ("bti.tool.observation", "line_ids"),
    "bti.tool.mapping.answer": ("bti.tool.mapping", "answer_ids"),
    "bti.tool.network.person": ("bti.tool.network_map", "person_ids"),
}
for _line_model in LINES:
    FIXTURES[_line_model] = (f"{L2}/final_participants", f"{L2}/draft_own")
FIXTURES["bti.case.task"] = (f"{L2}/task",)
# The report to child welfare: read by the author's service and, once sent,
# by the receiving child welfare service (the world's, whose worker is the
# unrelated employee).
CWR = "bti.tool.child_welfare_report"
FIXTURES[CWR] = (f"{L2}/draft_own", f"{L2}/draft_colleague", f"{L2}/sent")
CONTENT_MODELS = tuple(FIXTURES)
CONFIG_MODELS = (
    "bti.tool.type",
    "bti.guide",
    "bti.guide.step",
    "bti.guide.task",
    "bti.tool.wonder.area",
    "bti.tool.concern.indicator",
    "bti.tool.mapping.template",
    "bti.tool.mapping.question",
    "bti.tool.network.sector",
    "bti.meeting.template",
)


class ToolsPolicyWorld(BtiPolicyWorld, ToolsCommon):
    """bti_core's policy world with the tools written into it.

    * ``level2_kindergarten``: of every tool, a final form of kg_teacher shared
      with the participants, one kept in the kindergarten, a draft of the
      owner employee (kg_teacher2) and one of kg_teacher; a transition form
      of kg_teacher kept in the kindergarten, signed and passed on to the
      school; a task of the case's checklist;
    * ``consent_withdrawn``: of every tool, the nurse's final form shared with
      the participants, made while her consent was valid;
    * ``no_case``: the owner employee's wonder note without a case;
    * ``configuration``: the wonder note's tool type, the kindergarten and
      school guide, a card and a task of it, a wonder area, a concern
      indicator, a mapping template and its question, a network map sector
      and the cooperation meeting's template.
    """

    policy_path = POLICY_PATH

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tools = dict(cls.withdrawn_tools)
        cls._build_level2_tools(cls.cases[L2])
        cls._build_passed_on(cls.cases[L2])
        cls._build_level2_reports(cls.cases[L2])
        cls.tools[("bti.tool.wonder_note", f"{NO_CASE}/draft_own")] = cls._note(
            case=False,
            user=cls.kg_teacher2,
            service_id=cls.kindergarten.id,
            child_name="Policy Child Echo",
        )
        for line_model, (form_model, lines) in LINES.items():
            for fixture in FIXTURES[line_model]:
                form = cls.tools[(form_model, fixture)]
                cls.tools[(line_model, fixture)] = form[lines][:1]
        cls.tools[("bti.case.task", f"{L2}/task")] = cls.env["bti.case.task"].search(
            [("case_id", "=", cls.cases[L2].id)], limit=1
        )
        cls._build_tools_configuration()

    # ------------------------------------------------------------------
    # Builders, as the real user
    # ------------------------------------------------------------------
    @classmethod
    def _policy_tool(cls, model, case, user=None, final=False, **vals):
        """A form of ``model`` complete enough to be made final."""
        complete = {
            "bti.tool.wonder_note": cls._note_vals,
            "bti.tool.observation": cls._observation_vals,
            "bti.tool.mapping": cls._mapping_vals,
            "bti.tool.conversation": cls._conversation_vals,
            "bti.tool.concern_scale": cls._scale_vals,
            "bti.tool.network_map": cls._network_map_vals,
            "bti.tool.mi_guide": cls._mi_guide_vals,
            "bti.tool.transition": cls._transition_vals,
        }[model]()
        if model == "bti.tool.mi_guide":
            # Held with the child of the case.
            complete["person_partner_id"] = case.subject_partner_id.id
        complete.update(vals)
        return cls._tool(model, case, user, final, **complete)

    @classmethod
    def _note_vals(cls):
        return {"seen_heard": "<p>Policy: she sat alone at every meal.</p>"}

    @classmethod
    def _observation_vals(cls):
        return {
            "setting": "Policy free play",
            "line_ids": [
                Command.create(
                    {
                        "time": "2026-11-02 09:30:00",
                        "what_child_does": "Policy: stands by the fence.",
                    }
                )
            ],
        }

    @classmethod
    def _mapping_vals(cls):
        return {
            "template_id": cls.env.ref("bti_tools.mapping_template_risk_protective").id,
            "answer_ids": [
                Command.create(
                    {"question": "Policy: how does she play?", "answer": "Alone."}
                )
            ],
        }

    @classmethod
    def _conversation_vals(cls):
        return {
            "purpose": "Policy: what we wonder about",
            "agreements": "<p>Policy: we meet again in a month.</p>",
        }

    @classmethod
    def _scale_vals(cls):
        return {
            "kind": "child",
            "indicator_ids": [
                Command.set(cls.env.ref("bti_tools.indicator_child_2_1").ids)
            ],
        }

    @classmethod
    def _network_map_vals(cls):
        return {
            "center_label": "Policy centre",
            "person_ids": [
                Command.create(
                    {
                        "name": "Policy Grandma",
                        "sector_id": cls.env.ref(
                            "bti_tools.network_sector_relatives"
                        ).id,
                        "ring": "1",
                        "kind": "resource",
                    }
                )
            ],
        }

    @classmethod
    def _mi_guide_vals(cls):
        return {
            "change": "Policy: go to bed earlier",
            "importance": "7",
            "confidence": "0",
            "own_words": "<p>Policy: I am tired at school.</p>",
        }

    @classmethod
    def _transition_vals(cls):
        return {
            "family_wants_known": "<p>Policy: he loves trains.</p>",
            "kg_play": "<p>Policy: plays with one friend.</p>",
        }

    @classmethod
    def _build_passed_on(cls, case):
        form = cls._policy_tool(
            "bti.tool.transition",
            case,
            final=True,
            visibility="service",
            recipient_service_id=cls.school.id,
        )
        cls._sign_transition(form)
        form.with_user(cls.kg_teacher).action_pass_on()
        cls.tools[("bti.tool.transition", f"{L2}/passed_on")] = form

    @classmethod
    def _build_policy_before_withdrawal(cls, case):
        cls.withdrawn_tools = {
            (model, f"{WITHDRAWN}/final_by_withdrawn"): cls._policy_tool(
                model, case, user=cls.nurse, final=True, visibility="participants"
            )
            for model in TOOL_MODELS
        }
        return super()._build_policy_before_withdrawal(case)

    @classmethod
    def _build_level2_tools(cls, case):
        for model in TOOL_MODELS:
            built = {
                "final_participants": cls._policy_tool(
                    model, case, final=True, visibility="participants"
                ),
                "final_service": cls._policy_tool(
                    model, case, final=True, visibility="service"
                ),
                "draft_own": cls._policy_tool(model, case, user=cls.kg_teacher2),
                "draft_colleague": cls._policy_tool(model, case),
            }
            for fixture, record in built.items():
                cls.tools[(model, f"{L2}/{fixture}")] = record

    @classmethod
    def _build_level2_reports(cls, case):
        cls.cws.is_child_welfare = True
        complete = {
            "ground_mistreated": True,
            "observations": "<p>Policy: hungry every morning.</p>",
            "reporter_phone": "+47 400 00 000",
            "recipient_service_id": cls.cws.id,
            "parents_told": True,
            "parents_told_date": cls.today,
        }
        built = {
            "draft_own": cls._tool(CWR, case, cls.kg_teacher2, **complete),
            "draft_colleague": cls._tool(CWR, case, **complete),
            "sent": cls._tool(CWR, case, **complete),
        }
        built["sent"].with_user(cls.kg_teacher).action_send()
        for fixture, record in built.items():
            cls.tools[(CWR, f"{L2}/{fixture}")] = record

    @classmethod
    def _build_tools_configuration(cls):
        env = cls.env(user=cls.bti_admin)
        cls.policy_tool_type = cls.env.ref("bti_tools.tool_type_wonder_note")
        cls.policy_guide = cls.env.ref("bti_tools.guide_kindergarten_school")
        cls.policy_card = (
            env["bti.guide.step"]
            .create(
                {
                    "guide_id": cls.policy_guide.id,
                    "level_step_id": cls.policy_step.id,
                    "what": "<p>Policy card</p>",
                }
            )
            .with_env(cls.env)
        )
        cls.policy_task = (
            env["bti.guide.task"]
            .create({"guide_step_id": cls.policy_card.id, "name": "Policy Task"})
            .with_env(cls.env)
        )
        cls.policy_area_tool = (
            env["bti.tool.wonder.area"]
            .create({"name": "Policy Wonder Area"})
            .with_env(cls.env)
        )
        cls.policy_indicator = (
            env["bti.tool.concern.indicator"]
            .create({"kind": "child", "step": "2", "name": "Policy Indicator"})
            .with_env(cls.env)
        )
        cls.policy_template = (
            env["bti.tool.mapping.template"]
            .create({"name": "Policy Template"})
            .with_env(cls.env)
        )
        cls.policy_question = (
            env["bti.tool.mapping.question"]
            .create({"template_id": cls.policy_template.id, "name": "Policy Question"})
            .with_env(cls.env)
        )
        cls.policy_sector = (
            env["bti.tool.network.sector"]
            .create({"name": "Policy Sector", "color": "#4e79a7"})
            .with_env(cls.env)
        )
        cls.policy_meeting_template = cls.env.ref(
            "bti_tools.meeting_template_cooperation"
        )

    # ------------------------------------------------------------------
    # Samples
    # ------------------------------------------------------------------
    def _tool_sample(self, model, key, fields, write, create):
        record = self.tools[(model, key)]
        case_key, fixture = key.split("/")
        label = f"{model} {fixture} of {case_key}"
        return Sample(record, label, fields, write, create, "")

    def _case_id_of(self, key):
        case_key = key.split("/")[0]
        return self.cases[case_key].id if case_key in self.cases else False

    def _sample_bti_tool_wonder_note(self, key):
        case_id = self._case_id_of(key)
        created = {"seen_heard": "<p>Policy note created</p>"}
        if case_id:
            created["case_id"] = case_id
        else:
            created.update(
                service_id=self.kindergarten.id, child_name="Policy Child Foxtrot"
            )
        return self._tool_sample(
            "bti.tool.wonder_note",
            key,
            ["seen_heard", "state"],
            {"duration": "Policy: three weeks"},
            lambda: dict(created),
        )

    def _sample_bti_tool_observation(self, key):
        case_id = self._case_id_of(key)
        return self._tool_sample(
            "bti.tool.observation",
            key,
            ["setting", "state"],
            {"setting": "Policy setting changed"},
            lambda: {"case_id": case_id, "setting": "Policy setting created"},
        )

    def _sample_bti_tool_mapping(self, key):
        case_id = self._case_id_of(key)
        template = self.env.ref("bti_tools.mapping_template_risk_protective")
        return self._tool_sample(
            "bti.tool.mapping",
            key,
            ["summary", "template_id"],
            {"summary": "<p>Policy assessment</p>"},
            lambda: {"case_id": case_id, "template_id": template.id},
        )

    def _sample_bti_tool_conversation(self, key):
        case_id = self._case_id_of(key)
        return self._tool_sample(
            "bti.tool.conversation",
            key,
            ["purpose", "with_whom"],
            {"purpose": "Policy purpose changed"},
            lambda: {"case_id": case_id, "purpose": "Policy purpose created"},
        )

    def _sample_bti_tool_concern_scale(self, key):
        case_id = self._case_id_of(key)
        return self._tool_sample(
            "bti.tool.concern_scale",
            key,
            ["step", "kind"],
            {"note": "<p>Policy note</p>"},
            lambda: {"case_id": case_id, "kind": "child"},
        )

    def _sample_bti_tool_network_map(self, key):
        case_id = self._case_id_of(key)
        return self._tool_sample(
            "bti.tool.network_map",
            key,
            ["center_label", "visibility"],
            {"center_label": "Policy centre changed"},
            lambda: {"case_id": case_id, "center_label": "Policy centre created"},
        )

    def _sample_bti_tool_mi_guide(self, key):
        case_id = self._case_id_of(key)
        return self._tool_sample(
            "bti.tool.mi_guide",
            key,
            ["change", "importance"],
            {"plan": "<p>Policy plan</p>"},
            lambda: {"case_id": case_id, "change": "Policy change created"},
        )

    def _sample_bti_tool_transition(self, key):
        case_id = self._case_id_of(key)
        return self._tool_sample(
            "bti.tool.transition",
            key,
            ["kg_play", "decision"],
            {"kg_play": "<p>Policy play changed</p>"},
            lambda: {"case_id": case_id, "kg_play": "<p>Policy play created</p>"},
        )

    def _sample_bti_tool_child_welfare_report(self, key):
        case_id = self._case_id_of(key)
        return self._tool_sample(
            CWR,
            key,
            ["observations", "status"],
            {"duration": "Policy: three weeks"},
            lambda: {"case_id": case_id, "observations": "<p>Policy report</p>"},
        )

    def _sample_bti_tool_observation_line(self, key):
        form = self.tools[("bti.tool.observation", key)]
        return self._tool_sample(
            "bti.tool.observation.line",
            key,
            ["what_child_does", "time"],
            {"interpretation": "Policy interpretation"},
            lambda: {
                "observation_id": form.id,
                "time": "2026-11-03 10:00:00",
                "what_child_does": "Policy: joins the game.",
            },
        )

    def _sample_bti_tool_mapping_answer(self, key):
        form = self.tools[("bti.tool.mapping", key)]
        return self._tool_sample(
            "bti.tool.mapping.answer",
            key,
            ["question", "answer"],
            {"answer": "Policy answer changed"},
            lambda: {
                "mapping_id": form.id,
                "question": "Policy question created",
                "answer": "Policy answer created",
            },
        )

    def _sample_bti_tool_network_person(self, key):
        form = self.tools[("bti.tool.network_map", key)]
        sector = self.env.ref("bti_tools.network_sector_friends")
        return self._tool_sample(
            "bti.tool.network.person",
            key,
            ["name", "ring"],
            {"note": "Policy: plays football with him."},
            lambda: {
                "map_id": form.id,
                "name": "Policy Friend",
                "sector_id": sector.id,
                "ring": "2",
                "kind": "both",
            },
        )

    def _sample_bti_case_task(self, key):
        task = self.tools[("bti.case.task", key)]
        return self._tool_sample(
            "bti.case.task",
            key,
            ["done", "guide_task_id"],
            {"done": True},
            lambda: {
                "case_id": task.case_id.id,
                "guide_task_id": task.guide_task_id.id,
            },
        )

    def _sample_bti_tool_type(self, key):
        return self._config_sample(
            self.policy_tool_type,
            {"sequence": 99},
            lambda: {"name": "Policy Tool", "model": "bti.tool.policy"},
        )

    def _sample_bti_guide(self, key):
        return self._config_sample(
            self.policy_guide,
            {"description": "<p>Policy description</p>"},
            lambda: {"name": "Policy Guide", "family": "help"},
        )

    def _sample_bti_guide_step(self, key):
        card = self.policy_card
        help_guide = self.env["bti.guide"].search([("family", "=", "help")])
        return Sample(
            card,
            f"bti.guide.step {card.display_name}",
            ["what", "level_step_id"],
            {"how": "<p>Policy how</p>"},
            lambda: {"guide_id": help_guide.id, "level_step_id": self.policy_step.id},
            "",
        )

    def _sample_bti_guide_task(self, key):
        return self._config_sample(
            self.policy_task,
            {"sequence": 99},
            lambda: {"guide_step_id": self.policy_card.id, "name": "Policy Task 2"},
        )

    def _sample_bti_tool_wonder_area(self, key):
        return self._config_sample(
            self.policy_area_tool,
            {"sequence": 99},
            lambda: {"name": "Policy Wonder Area Created"},
        )

    def _sample_bti_tool_concern_indicator(self, key):
        return self._config_sample(
            self.policy_indicator,
            {"sequence": 99},
            lambda: {"kind": "parents", "step": "1", "name": "Policy Indicator 2"},
        )

    def _sample_bti_tool_mapping_template(self, key):
        return self._config_sample(
            self.policy_template,
            {"description": "Policy guidance"},
            lambda: {"name": "Policy Template Created"},
        )

    def _sample_bti_tool_mapping_question(self, key):
        return self._config_sample(
            self.policy_question,
            {"section": "Policy section"},
            lambda: {
                "template_id": self.policy_template.id,
                "name": "Policy Question Created",
            },
        )

    def _sample_bti_tool_network_sector(self, key):
        return self._config_sample(
            self.policy_sector,
            {"sequence": 99},
            lambda: {"name": "Policy Sector Created", "color": "#f28e2b"},
        )

    def _sample_bti_meeting_template(self, key):
        # At most one active template per kind: every kind has one.
        return self._config_sample(
            self.policy_meeting_template,
            {"sequence": 99},
            lambda: {
                "name": "Policy Meeting Template",
                "kind": "cooperation",
                "active": False,
            },
        )


class TestToolsAccessPolicy(BtiPolicyOrmMixin, ToolsPolicyWorld):
    """Every cell of the tools' policy table through the ORM and the read
    channels, as the real user."""

    def test_00_table_complete(self):
        """The table covers every role, model and fixture record exactly once."""
        expected = set()
        for role in ROLES:
            for model, records in FIXTURES.items():
                expected.update((role, model, record) for record in records)
            expected.update((role, model, "configuration") for model in CONFIG_MODELS)
        self._check_table(expected, noted=("business", "refuse"))
        for (model, key), record in self.tools.items():
            self.assertEqual(len(record), 1, f"fixture {model} {key}")

    def test_01_world(self):
        """The fixtures are what the table says they are."""
        for model in TOOL_MODELS:
            with self.subTest(model=model):
                tool = self.tools
                shared = tool[(model, f"{L2}/final_participants")]
                self.assertEqual(
                    (shared.state, shared.visibility, shared.author_id),
                    ("final", "participants", self.kg_teacher),
                )
                own = tool[(model, f"{L2}/final_service")]
                self.assertEqual((own.state, own.visibility), ("final", "service"))
                draft = tool[(model, f"{L2}/draft_own")]
                self.assertEqual(
                    (draft.state, draft.author_id), ("draft", self.kg_teacher2)
                )
                colleague = tool[(model, f"{L2}/draft_colleague")]
                self.assertEqual(
                    (colleague.state, colleague.author_id), ("draft", self.kg_teacher)
                )
                nurse = tool[(model, f"{WITHDRAWN}/final_by_withdrawn")]
                self.assertEqual(
                    (nurse.state, nurse.visibility, nurse.author_service_id),
                    ("final", "participants", self.health),
                )
        passed = self.tools[("bti.tool.transition", f"{L2}/passed_on")]
        self.assertEqual(
            (passed.state, passed.visibility, passed.recipient_service_id),
            ("final", "service", self.school),
        )
        self.assertTrue(passed.recipient_granted)
        # Made with the family: a network map is theirs to see by default.
        network = self.tools[("bti.tool.network_map", f"{L2}/draft_own")]
        self.assertEqual(network.visibility, "family")
        loose = self.tools[("bti.tool.wonder_note", f"{NO_CASE}/draft_own")]
        self.assertFalse(loose.case_id)
        self.assertEqual(loose.author_id, self.kg_teacher2)
        for line_model, (form_model, _lines) in LINES.items():
            for fixture in FIXTURES[line_model]:
                line = self.tools[(line_model, fixture)]
                self.assertEqual(
                    line._bti_tool_form(), self.tools[(form_model, fixture)]
                )
        self.assertEqual(
            self.tools[("bti.case.task", f"{L2}/task")].case_id, self.cases[L2]
        )
        reports = {
            fixture: self.tools[(CWR, f"{L2}/{fixture}")]
            for fixture in ("draft_own", "draft_colleague", "sent")
        }
        self.assertEqual(
            (reports["draft_own"].status, reports["draft_own"].author_id),
            ("draft", self.kg_teacher2),
        )
        self.assertEqual(
            (reports["draft_colleague"].status, reports["draft_colleague"].author_id),
            ("draft", self.kg_teacher),
        )
        sent = reports["sent"]
        self.assertEqual(
            (sent.status, sent.visibility, sent.recipient_service_id),
            ("sent", "service", self.cws),
        )
        self.assertTrue(sent.recipient_granted)
        self.assertIn(self.role_users["unrelated_employee"], self.cws.member_ids)
        self.assertNotIn(self.cws, self.cases[L2].participant_ids.service_id)
        health = self.cases[WITHDRAWN].participant_ids.filtered(
            lambda p: p.service_id == self.health
        )
        self.assertTrue(health)
        self.assertFalse(health.access_granted, "the health station lost access")

    def test_10_orm(self):
        """read (search and read), write, create and unlink as the real user."""
        self._walk_orm("Tools access policy")

    def test_20_read_group_name_search_export(self):
        """What cannot be read is neither counted, nor found by name, nor exported."""
        self._walk_read_channels("Tools access policy")

    def test_30_access_per_user_in_one_transaction(self):
        """Each user gets their own answer in one transaction, never one cached
        for somebody else (notifications and jobs check several users)."""
        for row in self._rows(CONTENT_MODELS):
            sample = self._sample(row["model"], row["record"])
            user = self.role_users[row["role"]]
            with self.subTest(
                role=row["role"], model=row["model"], record=row["record"]
            ):
                self.assertEqual(
                    sample.record.with_user(user).has_access("read"),
                    row["read"] == "allow",
                    f"{self._who(row)}: has_access('read') on {sample.label}",
                )

    def test_40_allow_lists_refuse_every_other_field(self):
        """Every field outside the allow-lists of the tools and their lines is
        refused to a user who may write the record."""
        self._walk_allow_lists(
            TOOL_MODELS + (CWR,) + tuple(LINES), "Tools access policy"
        )

    def test_50_known_child_is_one_the_author_reads(self):
        """A wonder note names as its known child only a person its author may
        read: making it final would open a case on the child, and so give the
        author a child of somebody else's case."""
        hidden = self.cases["wondering_health"].subject_partner_id
        Note = self.env["bti.tool.wonder_note"].with_user(self.kg_teacher2)
        vals = {"service_id": self.kindergarten.id, "seen_heard": "<p>Policy</p>"}
        with self.assertRaises(AccessError):
            Note.create(dict(vals, child_partner_id=hidden.id))
        note = self.tools[("bti.tool.wonder_note", f"{NO_CASE}/draft_own")]
        with self.assertRaises(AccessError):
            note.with_user(self.kg_teacher2).write({"child_partner_id": hidden.id})
        self.assertFalse(note.child_partner_id)
        self.assertFalse(hidden.with_user(self.kg_teacher2).has_access("read"))
        # A child of the author's own case is known to them.
        known = self.cases[L2].subject_partner_id
        Note.create(dict(vals, child_partner_id=known.id))


@tagged("post_install", "-at_install")
class TestToolsAccessPolicyJsonRpc(
    BtiForgeMixin, BtiPolicyJsonRpcMixin, ToolsPolicyWorld, HttpCase
):
    """The rows of the tools' models through /web/dataset/call_kw, as the user."""

    def test_jsonrpc(self):
        self._walk_jsonrpc(CONTENT_MODELS + CONFIG_MODELS, "Tools access policy")
