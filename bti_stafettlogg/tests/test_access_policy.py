"""The access policy of the stafettlogg as data, walked cell by cell.

``security/access_policy.csv`` lists, for every role of bti_core's policy and
every model of the log, which operations are allowed on which fixture record.
The world is bti_core's policy world (its roles and its two cases), with the log
written into it as the real users write it, and one closed case. Every cell is
checked as the real user through the ORM (search and read, write, create,
unlink), ``read_group``, ``name_search``, ``export_data`` and JSON-RPC
(``/web/dataset/call_kw``), with bti_core's machinery.
"""

import datetime

from odoo import Command, fields
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

from .common import StafettloggCommon

POLICY_PATH = "bti_stafettlogg/security/access_policy.csv"
L2 = "level2_kindergarten"
WITHDRAWN = "consent_withdrawn"
CLOSED = "closed_kindergarten"
# The fixture records of the table, per model: "<case>/<fixture>".
CONTENT_FIXTURES = {
    "bti.log.entry": (
        f"{L2}/published_participants",
        f"{L2}/published_service",
        f"{L2}/published_school_service",
        f"{L2}/draft_own",
        f"{L2}/draft_colleague",
        f"{WITHDRAWN}/published_participants",
        f"{WITHDRAWN}/published_by_withdrawn",
        f"{CLOSED}/published_participants",
    ),
    "bti.goal": (
        f"{L2}/participants",
        f"{L2}/service",
        f"{WITHDRAWN}/participants",
        f"{CLOSED}/participants",
    ),
    "bti.measure": (
        f"{L2}/participants",
        f"{L2}/responsible_school",
        f"{L2}/service",
        f"{WITHDRAWN}/responsible_withdrawn",
    ),
    "bti.meeting": (
        f"{L2}/participants",
        f"{L2}/service_invited",
        f"{L2}/service",
        f"{WITHDRAWN}/invited_withdrawn",
    ),
    "bti.log.archive": (f"{CLOSED}/archive",),
}
CONTENT_MODELS = tuple(CONTENT_FIXTURES)
CONFIG_MODELS = ("bti.measure.catalogue", "bti.development.area")


class StafettloggPolicyWorld(BtiPolicyWorld, StafettloggCommon):
    """bti_core's policy world with a stafettlogg in each case.

    * ``level2_kindergarten``: shared and kindergarten-only entries, goals,
      measures and meetings of the kindergarten, a school-only entry, drafts;
    * ``consent_withdrawn``: the health station wrote, was made responsible and
      was invited while its consent was valid; then the consent was withdrawn;
    * ``closed_kindergarten``: a case like the first, closed with its log.
    """

    policy_path = POLICY_PATH

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log = dict(cls.withdrawn_log)
        cls._build_level2_log(cls.cases[L2])
        cls._build_closed_case()
        cls._build_log_configuration()

    @classmethod
    def _build_policy_before_withdrawal(cls, case):
        goal = cls._goal(case, name="Policy goal of the withdrawn case")
        cls.withdrawn_log = {
            ("bti.log.entry", f"{WITHDRAWN}/published_participants"): cls._entry(
                case, body="<p>Policy kindergarten entry, withdrawn case</p>"
            ),
            ("bti.log.entry", f"{WITHDRAWN}/published_by_withdrawn"): cls._entry(
                case, user=cls.nurse, body="<p>Policy nurse entry</p>"
            ),
            ("bti.goal", f"{WITHDRAWN}/participants"): goal,
            ("bti.measure", f"{WITHDRAWN}/responsible_withdrawn"): cls._measure(
                goal,
                name="Policy measure of the health station",
                visibility="service",
                responsible_service_id=cls.health.id,
                responsible_user_id=cls.nurse.id,
            ),
            ("bti.meeting", f"{WITHDRAWN}/invited_withdrawn"): cls._meeting(
                case,
                location="Policy room withdrawn",
                staff_ids=[Command.set((cls.kg_teacher | cls.nurse).ids)],
            ),
        }
        return super()._build_policy_before_withdrawal(case)

    @classmethod
    def _build_level2_log(cls, case):
        goal = cls._goal(case, name="Policy goal shared")
        goal_own = cls._goal(case, name="Policy goal own", visibility="service")
        log = {
            "bti.log.entry": {
                "published_participants": cls._entry(
                    case, body="<p>Policy shared entry</p>"
                ),
                "published_service": cls._entry(
                    case, body="<p>Policy kindergarten entry</p>", visibility="service"
                ),
                "published_school_service": cls._entry(
                    case,
                    user=cls.school_teacher,
                    body="<p>Policy school entry</p>",
                    visibility="service",
                ),
                "draft_own": cls._entry(
                    case,
                    user=cls.kg_teacher2,
                    publish=False,
                    body="<p>Policy draft of the owner employee</p>",
                ),
                "draft_colleague": cls._entry(
                    case, publish=False, body="<p>Policy draft of a colleague</p>"
                ),
            },
            "bti.goal": {"participants": goal, "service": goal_own},
            "bti.measure": {
                "participants": cls._measure(goal, name="Policy measure shared"),
                "responsible_school": cls._measure(
                    goal_own,
                    name="Policy measure of the school",
                    visibility="service",
                    arena="school",
                    responsible_service_id=cls.school.id,
                    responsible_user_id=cls.school_teacher.id,
                ),
                "service": cls._measure(
                    goal_own, name="Policy measure own", visibility="service"
                ),
            },
            "bti.meeting": {
                "participants": cls._meeting(
                    case,
                    location="Policy room shared",
                    staff_ids=[Command.set(cls.kg_teacher.ids)],
                ),
                "service_invited": cls._meeting(
                    case,
                    location="Policy room invited",
                    visibility="service",
                    staff_ids=[Command.set((cls.kg_teacher | cls.school_teacher).ids)],
                ),
                "service": cls._meeting(
                    case,
                    location="Policy room own",
                    visibility="service",
                    staff_ids=[Command.set(cls.kg_teacher.ids)],
                ),
            },
        }
        for model, records in log.items():
            for fixture, record in records.items():
                cls.log[(model, f"{L2}/{fixture}")] = record

    @classmethod
    def _build_closed_case(cls):
        closed = cls._new_case(
            partner=cls.env["res.partner"].create({"name": "Policy Child Delta"})
        )
        cls._decide(closed, "level_2")
        cls._give_consent(closed, cls.school | cls.ppt)
        cls._add_participant(closed, cls.school, cls.school_teacher)
        cls.log[("bti.log.entry", f"{CLOSED}/published_participants")] = cls._entry(
            closed, body="<p>Policy entry of the closed case</p>"
        )
        cls.log[("bti.goal", f"{CLOSED}/participants")] = cls._goal(
            closed, name="Policy goal of the closed case"
        )
        closed.with_user(cls.kg_teacher)._bti_close("goal_reached")
        cls.log[("bti.log.archive", f"{CLOSED}/archive")] = closed.log_archive_ids
        cls.cases[CLOSED] = closed

    @classmethod
    def _build_log_configuration(cls):
        cls.policy_area = cls.env["bti.development.area"].create(
            {"name": "Policy Area", "code": "policy_area"}
        )
        cls.policy_offer = cls.env["bti.measure.catalogue"].create(
            {"name": "Policy Offer", "service_id": cls.ppt.id}
        )

    # ------------------------------------------------------------------
    # Samples
    # ------------------------------------------------------------------
    def _log_sample(self, model, key, fields, write, create, search_name=None):
        record = self.log[(model, key)]
        case_key = key.split("/")[0]
        name = record.name if search_name else ""
        label = f"{model} {key.split('/')[1]} of {case_key}"
        return Sample(record, label, fields, write, create, name)

    def _case_of(self, key):
        return self.cases[key.split("/")[0]]

    def _shared_goal_of(self, key):
        case_key = key.split("/")[0]
        return self.log[("bti.goal", f"{case_key}/participants")]

    def _sample_bti_log_entry(self, key):
        case = self._case_of(key)
        return self._log_sample(
            "bti.log.entry",
            key,
            ["body", "visibility"],
            {"subject": "Policy subject"},
            lambda: {"case_id": case.id, "body": "<p>Policy entry created</p>"},
        )

    def _sample_bti_goal(self, key):
        case = self._case_of(key)
        return self._log_sample(
            "bti.goal",
            key,
            ["name", "description"],
            {
                "date_target": fields.Date.to_string(
                    self.env["bti.access.policy"]._today() + datetime.timedelta(days=90)
                )
            },
            lambda: {
                "case_id": case.id,
                "name": "Policy goal created",
                "area_id": self.area_language.id,
            },
            search_name=True,
        )

    def _sample_bti_measure(self, key):
        case = self._case_of(key)
        goal = self._shared_goal_of(key)
        return self._log_sample(
            "bti.measure",
            key,
            ["name", "goal_id"],
            {"description": "<p>Policy description</p>"},
            lambda: {
                "case_id": case.id,
                "goal_id": goal.id,
                "name": "Policy measure created",
                "responsible_kind": "family",
                "date_evaluation": self.env["bti.access.policy"]._today()
                + datetime.timedelta(days=30),
            },
            search_name=True,
        )

    def _sample_bti_meeting(self, key):
        case = self._case_of(key)
        return self._log_sample(
            "bti.meeting",
            key,
            ["start", "location"],
            {"location": "Policy room changed"},
            lambda: {
                "case_id": case.id,
                "start": fields.Datetime.now() + datetime.timedelta(days=14),
            },
        )

    def _sample_bti_log_archive(self, key):
        case = self._case_of(key)
        return self._log_sample(
            "bti.log.archive",
            key,
            ["document_name", "sha256"],
            {"reference": "ARK-2026-1"},
            lambda: {
                "case_id": case.id,
                "user_id": self.kg_teacher.id,
                "sha256": "0" * 64,
            },
        )

    def _sample_bti_measure_catalogue(self, key):
        return self._config_sample(
            self.policy_offer,
            {"capacity": "Ten places"},
            lambda: {"name": "Policy Offer Created", "service_id": self.ppt.id},
        )

    def _sample_bti_development_area(self, key):
        return self._config_sample(
            self.policy_area,
            {"sequence": 99},
            lambda: {"name": "Policy Area Created", "code": "policy_area_created"},
        )


class TestStafettloggAccessPolicy(BtiPolicyOrmMixin, StafettloggPolicyWorld):
    """Every cell of the stafettlogg's policy table through the ORM and the read
    channels, as the real user."""

    def test_00_table_complete(self):
        """The table covers every role, model and fixture record exactly once."""
        expected = set()
        for role in ROLES:
            for model, records in CONTENT_FIXTURES.items():
                expected.update((role, model, record) for record in records)
            expected.update((role, model, "configuration") for model in CONFIG_MODELS)
        self._check_table(expected, noted=("business", "refuse"))
        for (model, key), record in self.log.items():
            self.assertEqual(len(record), 1, f"fixture {model} {key}")

    def test_01_world(self):
        """The fixtures are what the table says they are."""
        log = self.log
        self.assertEqual(
            log[("bti.log.entry", f"{L2}/draft_own")].author_id, self.kg_teacher2
        )
        self.assertEqual(log[("bti.log.entry", f"{L2}/draft_own")].state, "draft")
        self.assertEqual(
            log[("bti.log.entry", f"{L2}/published_school_service")].author_service_id,
            self.school,
        )
        self.assertEqual(
            log[("bti.log.entry", f"{WITHDRAWN}/published_by_withdrawn")].author_id,
            self.nurse,
        )
        health = self.cases[WITHDRAWN].participant_ids.filtered(
            lambda p: p.service_id == self.health
        )
        self.assertTrue(health)
        self.assertFalse(health.access_granted, "the health station lost access")
        self.assertEqual(self.cases[CLOSED].state, "closed")
        self.assertEqual(
            log[("bti.log.archive", f"{CLOSED}/archive")].case_id, self.cases[CLOSED]
        )

    def test_10_orm(self):
        """read (search and read), write, create and unlink as the real user."""
        self._walk_orm("Stafettlogg access policy")

    def test_20_read_group_name_search_export(self):
        """What cannot be read is neither counted, nor found by name, nor exported."""
        self._walk_read_channels("Stafettlogg access policy")

    def test_40_allow_lists_refuse_every_other_field(self):
        """Every field outside the allow-lists of the log's models is refused
        to a user who may write the record."""
        self._walk_allow_lists(CONTENT_MODELS, "Stafettlogg access policy")

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


@tagged("post_install", "-at_install")
class TestStafettloggAccessPolicyJsonRpc(
    BtiForgeMixin, BtiPolicyJsonRpcMixin, StafettloggPolicyWorld, HttpCase
):
    """The rows of the log's models through /web/dataset/call_kw, as the user."""

    def test_jsonrpc(self):
        self._walk_jsonrpc(CONTENT_MODELS + CONFIG_MODELS, "Stafettlogg access policy")
