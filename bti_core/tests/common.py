import datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from ..models.bti_access_log import REQUEST_STATE

# Weights of the two modulo-11 control digits of a Norwegian national identity number.
WEIGHTS_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
WEIGHTS_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control_digit(digits, weights):
    """The modulo-11 control digit of ``digits`` (None: no digit exists)."""
    control = (11 - sum(d * w for d, w in zip(digits, weights, strict=True))) % 11
    return None if control == 10 else control


def make_national_id(birth_date, individual, d_number=False, h_number=False):
    """A valid, fictional national identity number for ``birth_date``: the first
    individual number from ``individual`` on for which both control digits exist
    (``individual`` also chooses the century: 500-999 for births from 2000).
    A D-number adds 40 to the day, an H-number 40 to the month."""
    day = birth_date.day + (40 if d_number else 0)
    month = birth_date.month + (40 if h_number else 0)
    for number in range(individual, individual + 20):
        base = f"{day:02d}{month:02d}{birth_date.year % 100:02d}{number:03d}"
        digits = [int(ch) for ch in base]
        k1 = _control_digit(digits, WEIGHTS_K1)
        if k1 is None:
            continue
        k2 = _control_digit(digits + [k1], WEIGHTS_K2)
        if k2 is not None:
            return f"{base}{k1}{k2}"
    raise AssertionError(f"no valid number for {birth_date} from {individual}")


class BtiCommon(TransactionCase):
    """A small municipality: services, staff of each, and helpers to build cases
    the way users do (as the real user, not as superuser)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=False, mail_notrack=False)
        )
        Service = cls.env["bti.service"]
        cls.cat_general = cls.env.ref("bti_core.info_category_general")
        cls.cat_health = cls.env.ref("bti_core.info_category_health")
        cls.kindergarten = Service.create(
            {"name": "Test Kindergarten", "kind": "basis"}
        )
        cls.school = Service.create({"name": "Test School", "kind": "basis"})
        cls.health = Service.create(
            {
                "name": "Test Health Station",
                "kind": "basis",
                "info_category_ids": [
                    Command.set((cls.cat_general | cls.cat_health).ids)
                ],
            }
        )
        cls.ppt = Service.create(
            {
                "name": "Test PPT",
                "kind": "help",
                "guide_family": "help",
                "may_open_cases": False,
            }
        )
        cls.cws = Service.create(
            {"name": "Test Child Welfare", "kind": "help", "guide_family": "help"}
        )
        cls.bup = Service.create(
            {
                "name": "Test BUP",
                "kind": "specialist",
                "guide_family": "help",
                "may_hold_baton": False,
            }
        )

        def user(login, groups="bti_core.group_bti_user", services=(), led=()):
            new = new_test_user(
                cls.env,
                login=login,
                groups=groups,
                name=login.replace("_", " ").title(),
            )
            for service in services:
                service.member_ids = [Command.link(new.id)]
            for service in led:
                service.leader_ids = [Command.link(new.id)]
            return new

        cls.kg_teacher = user("kg_teacher", services=[cls.kindergarten])
        cls.kg_teacher2 = user("kg_teacher2", services=[cls.kindergarten])
        cls.kg_leader = user(
            "kg_leader",
            groups="bti_core.group_bti_leader",
            services=[cls.kindergarten],
            led=[cls.kindergarten],
        )
        cls.school_teacher = user("school_teacher", services=[cls.school])
        cls.nurse = user("nurse", services=[cls.health])
        cls.ppt_advisor = user("ppt_advisor", services=[cls.ppt])
        cls.cws_worker = user("cws_worker", services=[cls.cws])
        cls.bup_doctor = user("bup_doctor", services=[cls.bup])
        cls.bti_admin = user(
            "bti_admin", groups="bti_core.group_bti_manager,base.group_system"
        )
        cls.outsider = user("outsider", groups="base.group_user")

        Partner = cls.env["res.partner"]
        cls.child = Partner.create({"name": "Test Child"})
        cls.mother = Partner.create({"name": "Test Mother"})
        cls.father = Partner.create({"name": "Test Father"})
        cls.child_birth_date = datetime.date.today().replace(
            year=datetime.date.today().year - 5
        )
        cls.child_national_id = make_national_id(cls.child_birth_date, 512)

    def setUp(self):
        super().setUp()
        # Each test is a request of its own for the access log, which writes
        # one row per (user, case, model, action) and request.
        self._new_request()

    def _new_request(self):
        """Start what a new request starts with: an empty ORM cache (one per
        request; in a test all users share one) and no access-log row yet."""
        self.env.invalidate_all()
        self.env.cr.cache.pop(REQUEST_STATE, None)

    # ------------------------------------------------------------------
    # Builders: each runs as the user who would do it in the application.
    # ------------------------------------------------------------------
    @classmethod
    def _new_case(cls, user=None, service=None, partner=None, **vals):
        user = user or cls.kg_teacher
        service = service or cls.kindergarten
        partner = partner or cls.env["res.partner"].create({"name": "Child of a test"})
        values = {
            "subject_partner_id": partner.id,
            "service_id": service.id,
            "birth_date": cls.child_birth_date,
            "guardian_ids": [
                Command.create(
                    {
                        "partner_id": cls.env["res.partner"]
                        .create({"name": "Guardian of a test"})
                        .id
                    }
                )
            ],
        }
        values.update(vals)
        return cls.env["bti.case"].with_user(user).create(values).with_env(cls.env)

    @classmethod
    def _give_consent(cls, case, services, user=None, **vals):
        user = user or cls.kg_teacher
        values = {
            "case_id": case.id,
            "service_ids": [Command.set(services.ids)],
            "purpose": "Cooperation around the child",
            "given_by_partner_ids": [Command.set(case.guardian_ids.partner_id.ids)],
        }
        values.update(vals)
        return cls.env["bti.consent"].with_user(user).create(values).with_env(cls.env)

    @classmethod
    def _add_participant(cls, case, service, contact=None, user=None):
        user = user or cls.kg_teacher
        return (
            cls.env["bti.case.participant"]
            .with_user(user)
            .create(
                {
                    "case_id": case.id,
                    "service_id": service.id,
                    "user_id": contact and contact.id,
                }
            )
            .with_env(cls.env)
        )

    @classmethod
    def _decide(cls, case, decision, user=None):
        user = user or cls.kg_teacher
        case.with_user(user)._bti_decide(decision)
        return case

    @classmethod
    def _level2_case(cls):
        """An active level-2 kindergarten case; the school joined by consent."""
        case = cls._new_case()
        cls._decide(case, "level_2")
        cls._give_consent(case, cls.school)
        cls._add_participant(case, cls.school, cls.school_teacher)
        return case


class BtiJsonRpcMixin:
    """JSON-RPC calls as the user logged in by an HttpCase (``authenticate``)."""

    def _rpc(self, route, model, method, *args, **kwargs):
        """Return ``(error_name, result)`` of a JSON-RPC call."""
        try:
            # Refused calls are logged as warnings by odoo.http: expected here.
            with mute_logger("odoo.http", "odoo.models"):
                result = self.make_jsonrpc_request(
                    f"{route}/{model}/{method}",
                    {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                )
        except JsonRpcException as exc:
            return exc.args[0], None
        return None, result

    def _call_kw(self, model, method, *args, **kwargs):
        return self._rpc("/web/dataset/call_kw", model, method, *args, **kwargs)

    def _call_button(self, model, method, *args, **kwargs):
        return self._rpc("/web/dataset/call_button", model, method, *args, **kwargs)
