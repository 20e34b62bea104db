"""The access policy of BTI as data, walked cell by cell.

``security/access_policy.csv`` lists, for every role and model, which operations
are allowed and which records are visible. These tests build one small world and
check every cell of that table as the real user: through the ORM (search and
read, write, create, unlink), ``read_group``, ``name_search``, ``export_data``
and JSON-RPC (``/web/dataset/call_kw``). The table is the source of truth: to
change the policy, change the table first.
"""

import csv
import datetime
import logging
from collections import namedtuple

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open, mute_logger

from ..models.bti_protected_mixin import MAIL_FIELDS
from .common import BtiCommon, BtiJsonRpcMixin

_logger = logging.getLogger(__name__)

POLICY_PATH = "bti_core/security/access_policy.csv"
OPERATIONS = ("read", "write", "create", "unlink")
CELL_VALUES = {"allow", "deny", "refuse", "business", "n/a"}
ROLES = {
    "outsider": "internal user without BTI group",
    "owner_employee": "employee of the owning service",
    "consent_participant": "employee of a participating service with consent",
    "withdrawn_participant": "employee of a service whose consent was withdrawn",
    "unrelated_employee": "employee of an unrelated service",
    "owner_leader": "leader of the owning service",
    "bti_admin": "BTI administrator",
    "portal_user": "portal user",
}
CASE_RECORDS = ("level2_kindergarten", "consent_withdrawn", "wondering_health")
CASE_MODELS = (
    "bti.case",
    "bti.case.participant",
    "bti.case.guardian",
    "bti.case.history",
    "bti.baton",
    "bti.consent",
    "bti.access.log",
    "res.partner",
)
CONFIG_MODELS = ("bti.service", "bti.level", "bti.level.step", "bti.info.category")
ACCESS_ERROR = "odoo.exceptions.AccessError"


def load_policy(path=POLICY_PATH):
    """The rows of the policy table ``path`` (comment lines start with ``#``)."""
    with file_open(path) as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


# One fixture record of a row: what is read, written and created around it.
# ``create`` is a function returning the values of a new record (None: n/a);
# ``search_name`` is what name_search looks for ("" means: by id).
Sample = namedtuple("Sample", "record label fields write create search_name")


class BtiPolicyWorld(BtiCommon):
    """The fixture world of the policy table.

    * ``level2_kindergarten``: an active level-2 case of the kindergarten (its
      teacher holds the baton), the school joined by consent; the consent also
      covers PPT, which has not joined;
    * ``consent_withdrawn``: an active level-2 case of the kindergarten; the
      health station joined by consent, then the consent was withdrawn (the
      health station stays a participant without access); a consent covers PPT;
    * ``wondering_health``: a wondering case of the health station;
    * ``configuration``: a service, level 3, a step and an information category.
    """

    # The table walked; an addon's world points to its own table.
    policy_path = POLICY_PATH

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = load_policy(cls.policy_path)
        cls._build_policy_users()
        cls._build_policy_cases()
        cls._build_policy_configuration()

    @classmethod
    def _build_policy_users(cls):
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_parent",
            groups="base.group_portal",
            name="Portal Parent",
        )
        cls.role_users = {
            "outsider": cls.outsider,
            "owner_employee": cls.kg_teacher2,
            "consent_participant": cls.school_teacher,
            "withdrawn_participant": cls.nurse,
            "unrelated_employee": cls.cws_worker,
            "owner_leader": cls.kg_leader,
            "bti_admin": cls.bti_admin,
            "portal_user": cls.portal_user,
        }
        # Like Odoo's default internal user ("Contact Creation", "Access to export
        # feature"): the BTI rules, not missing standard rights, must decide.
        extra = cls.env.ref("base.group_partner_manager") | cls.env.ref(
            "base.group_allow_export"
        )
        for user in cls.role_users.values():
            if not user.share:
                user.groups_id = [Command.link(group.id) for group in extra]

    @classmethod
    def _build_policy_cases(cls):
        Partner = cls.env["res.partner"]
        level2 = cls._new_case(partner=Partner.create({"name": "Policy Child Alpha"}))
        cls._decide(level2, "level_2")
        cls._give_consent(level2, cls.school | cls.ppt)
        cls._add_participant(level2, cls.school, cls.school_teacher)

        withdrawn = cls._new_case(
            partner=Partner.create({"name": "Policy Child Bravo"})
        )
        cls._decide(withdrawn, "level_2")
        cls.withdrawn_consent = cls._give_consent(withdrawn, cls.health)
        cls._add_participant(withdrawn, cls.health, cls.nurse)
        cls._give_consent(withdrawn, cls.ppt)
        cls._build_policy_before_withdrawal(withdrawn)
        cls.withdrawn_consent.with_user(cls.kg_teacher).action_withdraw(
            "The family withdrew it"
        )

        wondering = cls._new_case(
            user=cls.nurse,
            service=cls.health,
            partner=Partner.create({"name": "Policy Child Charlie"}),
        )
        # Reading the cases writes access-log rows to look at.
        cls.env.invalidate_all()
        for case in level2 | withdrawn:
            case.with_user(cls.kg_teacher).read(["name", "wondering"])
        cls.cases = {
            "level2_kindergarten": level2,
            "consent_withdrawn": withdrawn,
            "wondering_health": wondering,
        }

    @classmethod
    def _build_policy_before_withdrawal(cls, case):
        """Hook: what the health station does in ``consent_withdrawn`` while its
        consent is still valid (an addon's world writes content here)."""

    @classmethod
    def _build_policy_configuration(cls):
        cls.level_3 = cls.env["bti.level"].search([("code", "=", 3)])
        cls.policy_service = cls.env["bti.service"].create({"name": "Policy Service"})
        cls.policy_step = cls.env["bti.level.step"].create(
            {"level_id": cls.level_3.id, "name": "Policy Step"}
        )
        cls.policy_category = cls.env["bti.info.category"].create(
            {"name": "Policy Category", "code": "policy"}
        )

    # ------------------------------------------------------------------
    # One sample per model: the fixture record of a row, and values
    # ------------------------------------------------------------------
    def _sample(self, model, key):
        return getattr(self, "_sample_" + model.replace(".", "_"))(key)

    def _new_partner(self, name):
        return self.env["res.partner"].create({"name": name})

    def _case_sample(self, model, key, record, fields, write, create):
        case = self.cases[key]
        return Sample(record, f"{model} of {case.name}", fields, write, create, "")

    def _sample_bti_case(self, key):
        case = self.cases[key]

        def create():
            guardian = self._new_partner("Policy New Guardian")
            return {
                "subject_partner_id": self._new_partner("Policy New Child").id,
                "service_id": case.service_id.id,
                "birth_date": self.child_birth_date,
                "guardian_ids": [Command.create({"partner_id": guardian.id})],
            }

        return Sample(
            case,
            f"bti.case {case.name}",
            ["name", "state"],
            {"color": 4},
            create,
            case.name,
        )

    def _sample_bti_case_participant(self, key):
        case = self.cases[key]
        participant = case.participant_ids.filtered(lambda p: not p.is_owner)[:1]
        return self._case_sample(
            "bti.case.participant",
            key,
            participant,
            ["service_id", "access_granted"],
            {"task": "Policy task"},
            lambda: {"case_id": case.id, "service_id": self.ppt.id},
        )

    def _sample_bti_case_guardian(self, key):
        case = self.cases[key]
        return self._case_sample(
            "bti.case.guardian",
            key,
            case.guardian_ids[:1],
            ["partner_id", "relation"],
            {"note": "Policy note"},
            lambda: {
                "case_id": case.id,
                "partner_id": self._new_partner("Policy New Father").id,
                "relation": "father",
            },
        )

    def _sample_bti_case_history(self, key):
        case = self.cases[key]
        return self._case_sample(
            "bti.case.history",
            key,
            case.history_ids[:1],
            ["kind", "level_id"],
            {"kind": "close"},
            lambda: {
                "case_id": case.id,
                "user_id": self.kg_teacher.id,
                "kind": "change",
                "level_id": case.level_id.id,
            },
        )

    def _sample_bti_baton(self, key):
        case = self.cases[key]
        return self._case_sample(
            "bti.baton",
            key,
            case.baton_ids.filtered(lambda b: b.state == "active"),
            ["state", "holder_id"],
            {"state": "ended"},
            lambda: {
                "case_id": case.id,
                "holder_id": self.kg_teacher2.id,
                "service_id": self.kindergarten.id,
                "state": "proposed",
            },
        )

    def _sample_bti_consent(self, key):
        case = self.cases[key]
        consent = (
            self.withdrawn_consent
            if key == "consent_withdrawn"
            else case.consent_ids[:1]
        )
        return self._case_sample(
            "bti.consent",
            key,
            consent,
            ["state", "service_ids"],
            {"withdrawn_reason": "Forged"},
            lambda: {
                "case_id": case.id,
                "service_ids": [Command.set(self.cws.ids)],
                "purpose": "Policy purpose",
                "given_by_partner_ids": [Command.set(case.guardian_ids.partner_id.ids)],
            },
        )

    def _sample_bti_access_log(self, key):
        case = self.cases[key]
        log = self.env["bti.access.log"].search([("case_id", "=", case.id)], limit=1)
        return self._case_sample(
            "bti.access.log",
            key,
            log,
            ["action", "case_id"],
            {"detail": "Forged"},
            lambda: {
                "user_id": self.kg_teacher.id,
                "case_id": case.id,
                "action": "read",
            },
        )

    def _sample_res_partner(self, key):
        case = self.cases[key]
        child = case.subject_partner_id
        return Sample(
            child,
            f"res.partner {child.name} (child of {case.name})",
            ["name"],
            {"comment": "Policy comment"},
            None,
            child.name,
        )

    def _config_sample(self, record, write, create, fields=("name",)):
        return Sample(
            record,
            f"{record._name} {record.name}",
            list(fields),
            write,
            create,
            record.name,
        )

    def _sample_bti_service(self, key):
        return self._config_sample(
            self.policy_service,
            {"phone": "+47 00 00 00 00"},
            lambda: {"name": "Policy Service Created"},
        )

    def _sample_bti_level(self, key):
        return self._config_sample(
            self.level_3,
            {"color": 5},
            lambda: {"code": 3, "name": "Second level three"},
            fields=("code", "name"),
        )

    def _sample_bti_level_step(self, key):
        return self._config_sample(
            self.policy_step,
            {"deadline_days": 7},
            lambda: {"level_id": self.level_3.id, "name": "Policy Step Created"},
        )

    def _sample_bti_info_category(self, key):
        return self._config_sample(
            self.policy_category,
            {"sequence": 99},
            lambda: {"name": "Policy Category Created", "code": "policy_created"},
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _rows(self, models=None):
        for row in self.policy:
            if models is None or row["model"] in models:
                yield row

    @staticmethod
    def _who(row):
        return ROLES[row["role"]]

    def _check_outcome(self, row, operation, sample, error, channel="ORM"):
        """Assert the outcome of one cell: ``error`` is what the attempt raised."""
        value = row[operation]
        doing = f"{operation.upper()} {sample.label} ({channel})"
        if value == "allow":
            self.assertIsNone(error, f"{self._who(row)} could not {doing}: {error!r}")
        elif value == "deny":
            self.assertIsNotNone(error, f"{self._who(row)} could {doing}")
            self.assertIsInstance(
                error,
                AccessError,
                f"{self._who(row)}: {doing} should raise an AccessError",
            )
        elif value == "refuse":
            self.assertIsNotNone(error, f"{self._who(row)} could {doing}")
            self.assertIsInstance(error, UserError, f"{self._who(row)}: {doing}")
            self.assertNotIsInstance(
                error,
                AccessError,
                f"{self._who(row)}: {doing} should be a business refusal",
            )
        elif value == "business":
            self.assertIsNotNone(
                error,
                f"{self._who(row)} could {doing} ({row['note']}): sample not refused",
            )
            self.assertNotIsInstance(
                error,
                AccessError,
                f"{self._who(row)}: {doing} denied by rights ({row['note']})",
            )


class BtiPolicyOrmMixin:
    """Attempts as the real user, each in a savepoint that is rolled back."""

    def _attempt(self, func):
        """Run ``func`` in a rolled-back savepoint; return ``(error, result)``."""
        self.env.flush_all()
        self.env.invalidate_all()
        error = result = None
        savepoint = self.env.cr.savepoint()
        try:
            with mute_logger("odoo.sql_db"):
                result = func()
                self.env.flush_all()
        except Exception as exc:  # pylint: disable=broad-except
            error = exc
        finally:
            # Always undone, and the caches cleared with it.
            savepoint.close(rollback=True)
        self.env.invalidate_all()
        return error, result

    def _model_as(self, row):
        return self.env[row["model"]].with_user(self.role_users[row["role"]])

    def _check_orm_read(self, row, sample):
        Model = self._model_as(row)
        record_id = sample.record.id
        search_error, ids = self._attempt(
            lambda: Model.search([("id", "=", record_id)]).ids
        )
        read_error, values = self._attempt(
            lambda: Model.browse(record_id).read(sample.fields)
        )
        doing = f"READ {sample.label}"
        if row["read"] == "allow":
            self.assertIsNone(
                search_error, f"{self._who(row)} could not search {sample.label}"
            )
            self.assertEqual(
                ids, [record_id], f"{self._who(row)} could not find {sample.label}"
            )
            self.assertIsNone(
                read_error, f"{self._who(row)} could not {doing}: {read_error!r}"
            )
            self.assertEqual(values[0]["id"], record_id)
        else:
            self.assertFalse(
                ids, f"{self._who(row)} could find {sample.label} by search"
            )
            if search_error:
                self.assertIsInstance(search_error, AccessError)
            self.assertIsInstance(
                read_error, AccessError, f"{self._who(row)} could {doing}"
            )

    def _walk_allow_lists(self, models, label="Access policy"):
        """Every field outside the allow-list of each writable row's record,
        written by the row's user: refused."""
        cells = 0
        for row in self._rows(models):
            model = row["model"]
            if row["write"] != "allow" or not hasattr(
                self.env[model], "_bti_guard_state"
            ):
                continue
            sample = self._sample(model, row["record"])
            record = sample.record.with_user(self.role_users[row["role"]])
            allowed = record._bti_allowed_write_fields(record._bti_guard_state())
            for fname, field in record._fields.items():
                if fname in allowed or fname in MAIL_FIELDS or fname == "id":
                    continue
                if field.type in ("properties", "properties_definition"):
                    continue
                value = forged_value(self.env, sample.record, fname)
                error, _result = self._attempt(
                    lambda r=record, f=fname, v=value: r.write({f: v})
                )
                with self.subTest(role=row["role"], model=model, field=fname):
                    self.assertIsInstance(
                        error,
                        UserError,
                        f"{self._who(row)} could write {fname} of {sample.label}",
                    )
                cells += 1
        _logger.info("%s: %s fields outside the allow-lists refused", label, cells)
        self.assertGreater(cells, 50)

    def _check_table(self, expected, noted):
        """The table has exactly the ``expected`` (role, model, record) rows,
        valid cells, and a note wherever a cell is one of ``noted``."""
        keys = [(row["role"], row["model"], row["record"]) for row in self.policy]
        self.assertEqual(
            len(keys), len(set(keys)), "a row of the policy table is repeated"
        )
        self.assertEqual(set(keys), expected)
        for row in self.policy:
            for operation in OPERATIONS:
                self.assertIn(row[operation], CELL_VALUES, f"bad cell in {row}")
            self.assertIn(row["read"], ("allow", "deny"), f"bad read cell in {row}")
            if set(noted) & {row[op] for op in OPERATIONS}:
                self.assertTrue(row["note"], f"this cell needs a note: {row}")

    def _walk_orm(self, label="Access policy"):
        """Every ORM cell of the table: read, write, create, unlink."""
        cells = 0
        for row in self._rows():
            sample = self._sample(row["model"], row["record"])
            self.assertTrue(sample.record, f"no fixture record for {row}")
            for operation in OPERATIONS:
                if row[operation] == "n/a":
                    continue
                with self.subTest(
                    role=row["role"],
                    model=row["model"],
                    record=row["record"],
                    op=operation,
                ):
                    self._check_orm_cell(row, operation, sample)
                cells += 1
        _logger.info("%s: %s ORM cells checked", label, cells)

    def _walk_read_channels(self, label="Access policy"):
        """Every read_group, name_search and export cell of the table."""
        cells = 0
        for row in self._rows():
            sample = self._sample(row["model"], row["record"])
            for channel, check in (
                ("read_group", self._check_read_group),
                ("name_search", self._check_name_search),
                ("export", self._check_export),
            ):
                with self.subTest(
                    role=row["role"],
                    model=row["model"],
                    record=row["record"],
                    channel=channel,
                ):
                    check(row, sample)
                cells += 1
        _logger.info("%s: %s read_group/name_search/export cells checked", label, cells)

    def _check_orm_cell(self, row, operation, sample):
        Model = self._model_as(row)
        record_id = sample.record.id
        if operation == "read":
            self._check_orm_read(row, sample)
            return
        if operation == "write":
            error, _result = self._attempt(
                lambda: Model.browse(record_id).write(sample.write)
            )
        elif operation == "create":
            error, _result = self._attempt(lambda: Model.create(sample.create()).ids)
        else:
            error, _result = self._attempt(lambda: Model.browse(record_id).unlink())
        self._check_outcome(row, operation, sample, error)

    def _check_read_group(self, row, sample):
        Model = self._model_as(row)
        domain = [("id", "=", sample.record.id)]
        error, groups = self._attempt(lambda: Model.read_group(domain, ["__count"], []))
        count = groups[0]["__count"] if groups else 0
        if row["read"] == "allow":
            self.assertIsNone(
                error, f"{self._who(row)} could not read_group {sample.label}"
            )
            self.assertEqual(
                count, 1, f"{self._who(row)} does not count {sample.label}"
            )
        else:
            self.assertFalse(
                count, f"{self._who(row)} counts {sample.label} in read_group"
            )
            if error:
                self.assertIsInstance(error, AccessError)

    def _check_name_search(self, row, sample):
        Model = self._model_as(row)
        name = sample.search_name
        domain = [] if name else [("id", "=", sample.record.id)]

        def name_search():
            # Models without a name field warn that they search by id only.
            with mute_logger("odoo.models"):
                return [rid for rid, _name in Model.name_search(name, domain)]

        error, found = self._attempt(name_search)
        found = found or []
        if row["read"] == "allow":
            self.assertIsNone(
                error, f"{self._who(row)} could not name_search {sample.label}"
            )
            self.assertIn(
                sample.record.id,
                found,
                f"{self._who(row)} does not find {sample.label}",
            )
        else:
            self.assertNotIn(
                sample.record.id,
                found,
                f"{self._who(row)} finds {sample.label} by name_search",
            )
            if error:
                self.assertIsInstance(error, AccessError)

    def _check_export(self, row, sample):
        Model = self._model_as(row)
        record_id = sample.record.id
        fields = sample.fields[:1]
        error, rows = self._attempt(
            lambda: Model.search([("id", "=", record_id)]).export_data(fields)["datas"]
        )
        direct_error, _rows = self._attempt(
            lambda: Model.browse(record_id).export_data(fields)["datas"]
        )
        if row["read"] == "allow":
            self.assertIsNone(
                error, f"{self._who(row)} could not export {sample.label}"
            )
            self.assertEqual(
                len(rows), 1, f"{self._who(row)} could not export {sample.label}"
            )
            self.assertIsNone(direct_error)
        else:
            self.assertFalse(rows, f"{self._who(row)} could EXPORT {sample.label}")
            self.assertIsNotNone(
                direct_error, f"{self._who(row)} could EXPORT {sample.label}"
            )
            # Without the export right, export_data refuses before reading.
            if Model.env.user.has_group("base.group_allow_export"):
                self.assertIsInstance(direct_error, AccessError)
                if error:
                    self.assertIsInstance(error, AccessError)


class TestAccessPolicy(BtiPolicyOrmMixin, BtiPolicyWorld):
    """Every cell of the policy table through the ORM and the read channels."""

    def test_00_table_complete(self):
        """The table covers every role, model and fixture record exactly once."""
        expected = set()
        for role in ROLES:
            for model in CASE_MODELS:
                records = CASE_RECORDS if model == "bti.case" else CASE_RECORDS[:2]
                expected.update((role, model, record) for record in records)
            expected.update((role, model, "configuration") for model in CONFIG_MODELS)
        self._check_table(expected, noted=("business",))

    def test_10_orm(self):
        """read (search and read), write, create and unlink as the real user."""
        self._walk_orm()

    def test_20_read_group_name_search_export(self):
        """What cannot be read is neither counted, nor found by name, nor exported."""
        self._walk_read_channels()

    def test_30_access_per_user_in_one_transaction(self):
        """Server code checks several users in one transaction (notifications,
        jobs, with_user): each user gets their own answer, never a cached one
        computed for somebody else."""
        cells = 0
        for row in self._rows(CASE_MODELS):
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
            cells += 1
        _logger.info("Access policy: %s has_access cells checked", cells)

    def test_40_allow_lists_refuse_every_other_field(self):
        """A user who may write a record may still write only its allow-list:
        every other field (states, links the system sets, stored computed
        fields, flags) is refused, whatever its name."""
        self._walk_allow_lists(CASE_MODELS)

    def test_31_withdrawal_ends_access_at_once(self):
        """In the same transaction as the withdrawal: no cached access survives it."""
        case = self.cases["level2_kindergarten"]
        as_teacher = case.with_user(self.school_teacher)
        self.assertTrue(as_teacher.has_access("read"))
        self.assertEqual(as_teacher.read(["name"])[0]["name"], case.name)
        consent = case.consent_ids.filtered(lambda c: self.school in c.service_ids)
        consent.with_user(self.kg_teacher).action_withdraw("The family withdrew it")
        self.assertFalse(as_teacher.has_access("read"))
        with self.assertRaises(AccessError):
            as_teacher.read(["name"])
        child = case.subject_partner_id.with_user(self.school_teacher)
        self.assertFalse(child.has_access("read"))


def forged_value(env, record, fname, avoid=()):
    """A value of ``record.fname`` that differs from the present one (and from
    each value in ``avoid``, e.g. the default of a new record)."""
    field = record._fields[fname]
    current = record.sudo()[fname]
    if field.type == "boolean":
        return not current
    if field.type == "many2one":
        taken = [current.id, *(a for a in avoid if isinstance(a, int))]
        other = (
            env[field.comodel_name].sudo().search([("id", "not in", taken)], limit=1)
        )
        return other.id
    if field.type == "selection":
        values = [value for value, _label in field._description_selection(env)]
        return next(v for v in values if v != current and v not in avoid)
    if field.type in ("char", "text", "html"):
        return "Forged"
    if field.type == "date":
        return "2020-01-01"
    if field.type == "datetime":
        return "2020-01-01 00:00:00"
    if field.type in ("integer", "float", "monetary"):
        return (current or 0) + 1
    if field.type == "many2many":
        other = (
            env[field.comodel_name]
            .sudo()
            .search([("id", "not in", current.ids)], limit=1)
        )
        return [Command.set(other.ids)]
    if field.type == "one2many":
        return [Command.clear()]
    if field.type == "binary":
        return "Rm9yZ2Vk"
    raise AssertionError(f"no forged value for {field}")


# What a forged one2many update tries to set on the line.
UPDATE_FIELDS = ("is_owner", "access_granted", "state", "holder_id", "case_id")


def jsonable(value):
    """``value`` with dates as the strings a client sends (recursively)."""
    if isinstance(value, datetime.datetime):
        return fields.Datetime.to_string(value)
    if isinstance(value, datetime.date):
        return fields.Date.to_string(value)
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value


class BtiForgeMixin:
    """The forge column: each item as the real user, refused or without effect."""

    def _walk_jsonrpc(self, models, label):
        """Every row of ``models`` through /web/dataset/call_kw as its role's
        user: reads, writes and the forged values of the forge column."""
        cells = forged = 0
        for role, user in self.role_users.items():
            self.authenticate(user.login, user.login)
            for row in self._rows(models):
                if row["role"] != role:
                    continue
                sample = self._sample(row["model"], row["record"])
                with self.subTest(role=role, model=row["model"], record=row["record"]):
                    cells += self._check_rpc_read(row, sample)
                    self._check_rpc_write(row, sample)
                    cells += 1
                with self.subTest(
                    role=role, model=row["model"], record=row["record"], forge=True
                ):
                    forged += self._check_forge(row, sample)
        _logger.info("%s: %s JSON-RPC calls checked", label, cells)
        _logger.info("%s: %s forged values refused", label, forged)

    def _snapshot(self, record, fname):
        record.invalidate_recordset()
        value = record.sudo()[fname]
        field = record._fields[fname]
        if field.type in ("one2many", "many2many"):
            lines = value.with_context(active_test=False)
            return sorted(lines.ids), [
                tuple(
                    line.read([f for f in UPDATE_FIELDS if f in line._fields])[
                        0
                    ].items()
                )
                for line in lines.sudo()
            ]
        if field.type == "many2one":
            return value.id
        return value

    def _forge_vals(self, row, sample, item):
        """``(method, args, check)`` of one forge item."""
        record = sample.record
        if item.startswith("new."):
            fname = item[4:]
            default = self.env[row["model"]].default_get([fname]).get(fname)
            forged = forged_value(self.env, record, fname, avoid=[default])
            vals = dict(sample.create(), **{fname: forged})
            return "create", [vals], fname
        fname, _sep, command = item.partition(":")
        if not command:
            return (
                "write",
                [[record.id], {fname: forged_value(self.env, record, fname)}],
                fname,
            )
        lines = record.sudo()[fname].with_context(active_test=False)
        comodel = record._fields[fname].comodel_name
        if command == "delete":
            return (
                "write",
                [[record.id], {fname: [Command.delete(lines[:1].id)]}],
                fname,
            )
        if command == "update":
            line = lines[:1]
            target = next(f for f in UPDATE_FIELDS if f in line._fields)
            value = forged_value(self.env, line, target)
            return (
                "write",
                [[record.id], {fname: [Command.update(line.id, {target: value})]}],
                fname,
            )
        child = self._sample(comodel, row["record"])
        vals = jsonable(dict(child.create() if child.create else {}))
        vals.pop(record._fields[fname].inverse_name, None)
        for system in ("state", "holder_id", "is_owner"):
            if system in self.env[comodel]._fields and system not in vals:
                vals[system] = forged_value(self.env, child.record, system)
        return "write", [[record.id], {fname: [Command.create(vals)]}], fname

    def _check_forge(self, row, sample):
        items = (row.get("forge") or "").split()
        for item in items:
            method, args, fname = self._forge_vals(row, sample, item)
            args = jsonable(args)
            before = self._snapshot(sample.record, fname)
            error, result = self._call_kw(row["model"], method, *args)
            doing = f"{self._who(row)} forged {item} of {sample.label} over JSON-RPC"
            if error:
                continue
            if method == "create":
                created = self.env[row["model"]].sudo().browse(result)
                forged = args[0][fname]
                value = created[fname]
                value = value.id if hasattr(value, "_name") else value
                self.assertNotEqual(value, forged, doing)
            else:
                self.assertEqual(self._snapshot(sample.record, fname), before, doing)
        return len(items)


class BtiPolicyJsonRpcMixin(BtiJsonRpcMixin):
    # The forge column (BtiForgeMixin) is tried in the same walk.
    """The read and write cells of a row through /web/dataset/call_kw."""

    def _check_rpc_read(self, row, sample):
        model, record_id = row["model"], sample.record.id
        domain = [("id", "=", record_id)]
        calls = {
            "search_read": self._call_kw(
                model, "search_read", domain=domain, fields=sample.fields
            ),
            "read": self._call_kw(model, "read", [record_id], sample.fields),
            "web_read": self._call_kw(
                model,
                "web_read",
                [record_id],
                specification={f: {} for f in sample.fields},
            ),
            "read_group": self._call_kw(
                model, "read_group", domain=domain, fields=["__count"], groupby=[]
            ),
            "name_search": self._call_kw(
                model,
                "name_search",
                name=sample.search_name,
                args=[] if sample.search_name else domain,
            ),
        }
        found = {
            "search_read": [r["id"] for r in calls["search_read"][1] or []],
            "read": [r["id"] for r in calls["read"][1] or []],
            "web_read": [r["id"] for r in calls["web_read"][1] or []],
            "read_group": [record_id]
            if (calls["read_group"][1] or [{}])[0].get("__count")
            else [],
            "name_search": [r[0] for r in calls["name_search"][1] or []],
        }
        for method, (error, _result) in calls.items():
            doing = f"READ {sample.label} through JSON-RPC {method}"
            if row["read"] == "allow":
                self.assertIsNone(error, f"{self._who(row)} could not {doing}: {error}")
                self.assertIn(
                    record_id, found[method], f"{self._who(row)} could not {doing}"
                )
            else:
                self.assertNotIn(
                    record_id, found[method], f"{self._who(row)} could {doing}"
                )
                if error or method in ("read", "web_read"):
                    self.assertEqual(error, ACCESS_ERROR, f"{self._who(row)}: {doing}")
        return len(calls)

    def _check_rpc_write(self, row, sample):
        error, _result = self._call_kw(
            row["model"], "write", [sample.record.id], sample.write
        )
        doing = f"WRITE {sample.label} through JSON-RPC"
        value = row["write"]
        if value == "allow":
            self.assertIsNone(error, f"{self._who(row)} could not {doing}: {error}")
        elif value == "deny":
            self.assertEqual(error, ACCESS_ERROR, f"{self._who(row)} could {doing}")
        else:
            self.assertIsNotNone(error, f"{self._who(row)} could {doing}")
            self.assertNotEqual(error, ACCESS_ERROR, f"{self._who(row)}: {doing}")


@tagged("post_install", "-at_install")
class TestAccessPolicyJsonRpc(
    BtiForgeMixin, BtiPolicyJsonRpcMixin, BtiPolicyWorld, HttpCase
):
    """The case-level rows of the table through /web/dataset/call_kw, as the user."""

    def test_jsonrpc(self):
        self._walk_jsonrpc(CASE_MODELS, "Access policy")
