"""The action table (security/action_policy.csv of each BTI addon), walked.

* Every ``action_*`` of every BTI model has a row, and every row names an
  action that exists.
* For every row, each persona of a small world (whose roles on the fixture
  record are *declared here*, not computed by the code under test) is allowed
  exactly when the table says so, in the row's states and outside them.
* For every ``action_*`` row, a persona the table denies calls the real method
  over JSON-RPC, as the real user, and is refused: the method calls the check.
"""

import logging

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..models.bti_protected_mixin import ROLE_LABELS, load_action_table
from .common import BtiCommon, BtiJsonRpcMixin

_logger = logging.getLogger(__name__)

# Methods every Odoo model has: they write ``active``, which no BTI allow-list
# lets a user write, so they need no row.
BASE_ACTIONS = {"action_archive", "action_unarchive"}
CRUD = ("create", "write", "unlink")


class BtiActionWorld(BtiCommon):
    """An active level-2 case of the kindergarten (kg_teacher holds the baton
    and proposed kg_teacher2 as successor; the school and the child welfare
    service joined by consent), a wondering case, a closed case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cws.is_child_welfare = True
        cls.table = load_action_table(
            [m for m in cls.env.registry._init_modules if m.startswith("bti_")]
        )
        active = cls._new_case()
        cls._decide(active, "level_2")
        cls.consent = cls._give_consent(active, cls.school | cls.cws)
        cls._add_participant(active, cls.school, cls.school_teacher)
        cls._add_participant(active, cls.cws, cls.cws_worker)
        cls.baton = (
            cls.env["bti.baton"]
            .with_user(cls.kg_teacher)
            ._bti_propose(active, cls.kg_teacher2, cls.kindergarten)
            .with_env(cls.env)
        )
        cls.refusal = cls._give_consent(active, cls.ppt, state="refused")
        cls.draft_consent = cls._give_consent(active, cls.health, state="draft")
        wondering = cls._new_case()
        closed = cls._new_case()
        cls._decide(closed, "close")
        cls.cases = {"wondering": wondering, "active": active, "closed": closed}
        # Declared roles on the active case (and on its sub-records).
        member = {"owner_member", "participant"}
        cls.personas = {
            cls.kg_teacher: member | {"holder", "proposer"},
            cls.kg_teacher2: member | {"proposed_holder"},
            cls.kg_leader: member | {"leader"},
            cls.school_teacher: {"participant"},
            cls.cws_worker: {"participant", "child_welfare"},
            cls.nurse: set(),
            cls.bti_admin: {"manager"},
        }
        # On a wondering or closed case only the owning service is in it.
        cls.personas_owner_only = {
            cls.kg_teacher: member,
            cls.kg_teacher2: member,
            cls.kg_leader: member | {"leader"},
            cls.school_teacher: set(),
            cls.cws_worker: set(),
            cls.nurse: set(),
            cls.bti_admin: {"manager"},
        }

    # ------------------------------------------------------------------
    # Samples: a record of ``model`` in ``state`` and its declared personas
    # ------------------------------------------------------------------
    def _sample(self, model, state):
        """``(record, personas)`` or None when the world has no such record."""
        getter = getattr(self, "_sample_" + model.replace(".", "_"), None)
        return getter(state) if getter else None

    def _case_personas(self, case):
        return (
            self.personas if case == self.cases["active"] else self.personas_owner_only
        )

    def _sample_bti_case(self, state):
        case = self.cases.get(state)
        return case and (case, self._case_personas(case))

    def _sample_bti_case_participant(self, state):
        case = self.cases.get(state)
        if not case:
            return None
        line = case.participant_ids.filtered(lambda p: not p.is_owner)[:1]
        return (line or case.participant_ids[:1], self._case_personas(case))

    def _sample_bti_case_guardian(self, state):
        case = self.cases.get(state)
        return case and (case.guardian_ids[:1], self._case_personas(case))

    def _sample_bti_consent(self, state):
        consent = {
            "given": self.consent,
            "refused": self.refusal,
            "draft": self.draft_consent,
        }.get(state)
        return consent and (consent, self.personas)

    def _sample_bti_baton(self, state):
        # The baton's own roles: proposer and proposed holder of this period.
        return (self.baton, self.personas) if state == "proposed" else None

    def _states(self, model):
        Model = self.env[model]
        if "state" in Model._fields:
            return [value for value, _label in Model._fields["state"].selection]
        return ["wondering", "active", "closed"]

    def _roles(self, model, user, roles):
        """The declared roles of ``user`` on a record of ``model``: on the
        pending baton, only its own successor is the proposed holder."""
        if model == "bti.baton" and user != self.baton.holder_id:
            return set(roles) - {"proposed_holder"}
        return roles

    def _expected(self, rows, state, roles):
        return any(
            ("*" in states or state in states) and allowed & roles
            for allowed, states in rows
        )


@tagged("post_install", "-at_install")
class TestActionPolicy(BtiActionWorld):
    def test_00_every_action_has_a_row(self):
        listed = {key for key in self.table}
        for name in self.env.registry:
            Model = self.env[name]
            if not hasattr(Model, "_bti_check_action") or Model._abstract:
                continue
            actions = {
                attr
                for attr in dir(type(Model))
                if attr.startswith("action_") and callable(getattr(type(Model), attr))
            } - BASE_ACTIONS
            for action in actions:
                self.assertIn(
                    (name, action), listed, f"{name}.{action} has no row in the table"
                )
        for model, action in listed:
            self.assertIn(model, self.env.registry, f"unknown model in {model}")
            if action not in CRUD:
                self.assertTrue(
                    hasattr(type(self.env[model]), action),
                    f"the table names {model}.{action}, which does not exist",
                )
            for roles, states in self.table[(model, action)]:
                self.assertTrue(roles, f"{model}.{action}: a row without roles")
                self.assertTrue(roles <= set(ROLE_LABELS))
                self.assertTrue(states, f"{model}.{action}: a row without states")

    def test_01_every_bti_model_is_protected(self):
        for name in self.env.registry:
            Model = self.env[name]
            if not name.startswith("bti.") or Model._abstract or Model._transient:
                continue
            self.assertTrue(
                hasattr(Model, "_bti_check_write_vals"),
                f"{name} does not use bti.protected.mixin",
            )

    def test_02_mixin_actions_refused_without_error_log(self):
        """A client may call an action of a mixin (an abstract model) over
        RPC: refused, and no ERROR in the log (bench/fuzz.py found one per
        call, which the log keeps for a real model without its row)."""
        logger = "odoo.addons.bti_core.models.bti_protected_mixin"
        mixins = [
            name
            for name in self.env.registry
            if name.startswith("bti.")
            and self.env[name]._abstract
            and hasattr(self.env[name], "_bti_check_action")
        ]
        self.assertIn("bti.protected.mixin", mixins)
        for name in mixins:
            Mixin = self.env[name].with_user(self.kg_teacher)
            with (
                self.subTest(model=name),
                self.assertNoLogs(logger, level="ERROR"),
                self.assertRaises(AccessError),
            ):
                Mixin._bti_check_action("action_new_version")
        with self.assertLogs(logger, level="ERROR"), self.assertRaises(AccessError):
            self.env["bti.case"].with_user(self.kg_teacher).browse(
                self.cases["active"].id
            )._bti_check_action("action_not_in_the_table")

    def test_10_declared_roles_are_the_policy_roles(self):
        case = self.cases["active"]
        policy = self.env["bti.access.policy"]
        for user, roles in self.personas.items():
            case_roles = roles - {"proposer"}
            self.assertEqual(
                policy._case_roles(case, user), case_roles, f"roles of {user.login}"
            )

    def test_20_walk_allowed_and_denied(self):
        walked = 0
        for (model, action), rows in self.table.items():
            for state in self._states(model):
                sample = self._sample(model, state)
                if not sample:
                    continue
                record, personas = sample
                self.assertEqual(record._bti_action_state(), state)
                for user, roles in personas.items():
                    roles = self._roles(model, user, roles)
                    expected = self._expected(rows, state, roles)
                    self.env.invalidate_all()
                    with self.subTest(
                        model=model, action=action, state=state, user=user.login
                    ):
                        self.assertEqual(
                            record.with_user(user)._bti_may(action),
                            expected,
                            f"{user.login} ({', '.join(sorted(roles))}) on {model} "
                            f"in {state}: {action}",
                        )
                    walked += 1
        _logger.info("Action table: %s cells walked", walked)
        self.assertGreater(walked, 100)


@tagged("post_install", "-at_install")
class TestActionPolicyJsonRpc(BtiJsonRpcMixin, BtiActionWorld, HttpCase):
    """A denied persona calls each action over JSON-RPC as the real user."""

    def test_denied_over_jsonrpc(self):
        calls = 0
        for (model, action), rows in self.table.items():
            if action in CRUD:
                continue
            for state in self._states(model):
                sample = self._sample(model, state)
                if not sample:
                    continue
                record, personas = sample
                for user, roles in personas.items():
                    roles = self._roles(model, user, roles)
                    if self._expected(rows, state, roles):
                        continue
                    if not record.with_user(user).has_access("read"):
                        continue  # the record rules already hide it
                    self.authenticate(user.login, user.login)
                    error, _result = self._call_kw(model, action, [record.id])
                    with self.subTest(model=model, action=action, user=user.login):
                        self.assertIsNotNone(
                            error,
                            f"{user.login} ran {model}.{action} on a record in "
                            f"{state} over JSON-RPC",
                        )
                    calls += 1
        _logger.info("Action table: %s denied JSON-RPC calls checked", calls)
        self.assertGreater(calls, 10)

    def test_forged_grants_over_jsonrpc(self):
        """Granting is at least as guarded as revoking: a participating service
        cannot add a guardian, record a consent or add a participant."""
        case = self.cases["active"]
        self.authenticate(self.school_teacher.login, self.school_teacher.login)
        stranger = self.env["res.partner"].create({"name": "Forged Guardian"})
        attempts = {
            "guardian": self._call_kw(
                "bti.case.guardian",
                "create",
                [{"case_id": case.id, "partner_id": stranger.id}],
            ),
            "guardian through the case": self._call_kw(
                "bti.case",
                "write",
                [case.id],
                {"guardian_ids": [Command.create({"partner_id": stranger.id})]},
            ),
            "consent": self._call_kw(
                "bti.consent",
                "create",
                [
                    {
                        "case_id": case.id,
                        "service_ids": [Command.set(self.bup.ids)],
                        "purpose": "Forged",
                        "given_by_partner_ids": [
                            Command.set(case.guardian_ids.partner_id.ids)
                        ],
                    }
                ],
            ),
            "remove a guardian": self._call_kw(
                "bti.case.guardian", "unlink", [case.guardian_ids[:1].id]
            ),
        }
        for what, (error, _result) in attempts.items():
            self.assertIsNotNone(error, f"a participating service could add a {what}")
        self.assertFalse(case.guardian_ids.filtered(lambda g: g.partner_id == stranger))
        self.assertFalse(
            case.consent_ids.filtered(lambda c: self.bup in c.service_ids),
        )
