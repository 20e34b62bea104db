"""Malformed values from a client are refused in words before any BTI code
or the ORM reads them (bti_vals_shape; bench/fuzz.py found TypeErrors and
database errors in the overrides of create and write)."""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.models import NewId
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.bti_vals_shape import check_vals_list
from .common import BtiCommon

# Malformed in any model: not a list of mappings, or a field that is not there.
MALFORMED_VALS_LISTS = (
    "text",
    7,
    [1],
    [["name", "x"]],
    [{"no_such_field": 1}],
    [{None: 1}],
)
# Per kind of field: what JSON can carry and the field cannot hold.
BAD_VALUES = {
    "many2one": ("x", 2**40, -1, 0, 1.5, True, [1], {"id": 1}),
    "integer": ("x", 2**40, float("nan"), [1], {"a": 1}),
    "float": ("x", [1.0], {"a": 1}, True),
    "char": ("a\x00b", "\ud800", [1], {"a": 1}, True),
    "text": ("a\x00b", "\udfff", [1]),
    "html": ("<p>\x00</p>", {"a": 1}),
    "selection": ("no-such-state", [1], 5),
    "date": ("31.12.2026", "2026-13-01", 20261231, [2026]),
    "datetime": ("yesterday", "2026-01-01T25:00", 1),
    "one2many": ("x", 5, [[9]], [[]], [["x"]], [[1, "x", {}]], [[0, 0, "x"]]),
    "many2many": ("x", [[6, 0, ["x"]]], [[4, 2**40]], [[6]], [[3]]),
    "binary": ("a", [1]),
}


@tagged("post_install", "-at_install")
class TestValsShape(BtiCommon):
    def _assert_refused_in_words(self, call, **sub):
        with self.subTest(**sub):
            try:
                with self.env.cr.savepoint():
                    call()
            except (UserError, AccessError):
                return
            except Exception as error:  # noqa: BLE001 - what the test is about
                self.fail(f"{sub}: {type(error).__name__}: {error}")
            self.fail(f"{sub}: accepted")

    def test_values_of_each_kind_refused_in_words(self):
        case_model = self.env["bti.case"]
        fields_by_type = {}
        for field in case_model._fields.values():
            fields_by_type.setdefault(field.type, field.name)
        for kind, values in BAD_VALUES.items():
            name = fields_by_type.get(kind)
            if not name:
                model = next(
                    self.env[m]
                    for m in self.env.registry
                    if m.startswith("bti.")
                    and any(f.type == kind for f in self.env[m]._fields.values())
                )
                name = next(f for f, d in model._fields.items() if d.type == kind)
            else:
                model = case_model
            for value in values:
                with (
                    self.subTest(kind=kind, value=value),
                    self.assertRaises(UserError) as caught,
                ):
                    check_vals_list(model, [{name: value}])
                label = model._fields[name]._description_string(self.env)
                self.assertIn(label, str(caught.exception))
        for vals_list in MALFORMED_VALS_LISTS:
            with self.subTest(vals_list=vals_list), self.assertRaises(UserError):
                check_vals_list(case_model, vals_list)
        # The values of a command's new or changed line: by their own model.
        for command in ([0, 0, {"service_id": "x"}], [1, 5, {"no_such_field": 1}]):
            with self.subTest(command=command), self.assertRaises(UserError):
                check_vals_list(case_model, [{"participant_ids": [command]}])

    def test_good_values_and_values_of_code_pass(self):
        case_model = self.env["bti.case"]
        check_vals_list(
            case_model,
            [
                {
                    "name": "x",
                    "subject_partner_id": self.env.user.partner_id.id,
                    "state": "wondering",
                    "date_step": "2026-01-01 10:00:00",
                    "participant_ids": [
                        Command.create({"service_id": self.school.id}),
                        [0, "virtual_3", {"service_id": self.school.id}],
                        [6, 0, []],
                        [5, 0, 0],
                    ],
                    "level_id": False,
                    "holder_id": None,
                },
                # Values of Python code: records, dates, tuples of commands.
                {
                    "subject_partner_id": self.env.user.partner_id,
                    "date_step": fields.Datetime.now(),
                    "participant_ids": (Command.set([]),),
                },
            ],
        )

    def test_every_model_refuses_malformed_values_in_words(self):
        """Every BTI model a client can create or write (the protected models
        and the wizards, with every override of create and write) refuses
        malformed values as a UserError or AccessError: never a TypeError,
        a ValueError or a database error. A test of behaviour: an override
        that reads the values before checking them fails here."""
        checked = 0
        for name in sorted(self.env.registry):
            model = self.env[name].with_user(self.kg_teacher)
            if not name.startswith("bti.") or model._abstract:
                continue
            if not hasattr(model, "_bti_check_vals_shape"):
                continue
            checked += 1
            # sudo: the test's setup picks any record to forge a write on as
            # the user (who may not read it: the refusal must come first).
            existing = model.sudo().with_context(active_test=False).search([], limit=1)
            for vals_list in MALFORMED_VALS_LISTS:
                self._assert_refused_in_words(
                    lambda m=model, v=vals_list: m.create(v),
                    model=name,
                    create=vals_list,
                )
                if not isinstance(vals_list, list) or len(vals_list) != 1:
                    continue
                # On no record and on one (overrides may read the values
                # record by record).
                for records in (model.browse(), model.browse(existing.ids)):
                    self._assert_refused_in_words(
                        lambda r=records, v=vals_list[0]: r.write(v),
                        model=name,
                        write=vals_list[0],
                        ids=records.ids,
                    )
            for field_name, field in model._fields.items():
                for value in BAD_VALUES.get(field.type, ())[:2]:
                    self._assert_refused_in_words(
                        lambda m=model, v={field_name: value}: m.create(v),
                        model=name,
                        field=field_name,
                        value=value,
                    )
        self.assertGreater(checked, 40)

    def test_shared_parts_refuse_every_call(self):
        """A client may name an abstract BTI model (a mixin) over JSON-RPC:
        create, write, unlink, the reads and searches and, where BTI overrides
        them, copy, export and the chatter are refused (an AccessError;
        Odoo's own refusal of an export is a UserError) before any BTI
        override runs on a model without a table (bench/fuzz.py found
        TypeErrors and AttributeErrors there)."""
        abstract = [
            name
            for name in sorted(self.env.registry)
            if name.startswith("bti.") and self.env[name]._abstract
        ]
        self.assertIn("bti.protected.mixin", abstract)
        for name in abstract:
            model = self.env[name].with_user(self.kg_teacher)
            records = model.browse([1])
            calls = {
                "create": lambda m=model: m.create({}),
                "write": lambda r=records: r.write({"name": "x"}),
                "unlink": lambda r=records: r.unlink(),
            }
            if hasattr(model, "_bti_no_copy"):
                calls["copy"] = lambda r=records: r.copy()
            if getattr(model, "_bti_access_logged", False):
                calls["export_data"] = lambda r=records: r.export_data(["id"])
            if hasattr(model, "_bti_mail_case"):
                calls["message_post"] = lambda r=records: r.message_post(body="x")
                calls["message_notify"] = lambda m=model: m.message_notify(
                    body="x", partner_ids=[self.kg_teacher.partner_id.id]
                )
            if any(
                getattr(cls, "_name", None) == "bti.query.shape"
                for cls in type(model).__mro__
            ):
                calls["read"] = lambda r=records: r.read(["id"])
                calls["web_read"] = lambda r=records: r.web_read({"id": {}})
                calls["search"] = lambda m=model: m.search([])
                calls["read_group"] = lambda m=model: m.read_group([], ["id"], [])
                calls["onchange"] = lambda m=model: m.onchange({}, [], {})
            for method, call in calls.items():
                self._assert_refused_in_words(call, model=name, method=method)

    def test_ids_of_a_client_refused_in_words(self):
        """JSON-RPC takes any JSON as the ids of a call: every BTI model
        refuses what is no id before anything runs (bench/fuzz.py: strings
        and nested lists reached PostgreSQL, a server error with an ERROR in
        the log)."""
        bad_ids = ("x", "5", [[1]], ["x"], [1.5], 1.5, 2**40, [-3], [True], {"a": 1})
        checked = 0
        for name in sorted(self.env.registry):
            model = self.env[name].with_user(self.kg_teacher)
            if not name.startswith("bti.") or model._abstract:
                continue
            checked += 1
            for ids in bad_ids:
                with self.subTest(model=name, ids=ids), self.assertRaises(UserError):
                    model.browse(ids)
            self.assertEqual(model.browse([1, 2])._ids, (1, 2))
            self.assertEqual(model.browse(7)._ids, (7,))
            self.assertFalse(model.browse(False))
            self.assertEqual(len(model.browse([NewId(None)])), 1)  # a new record
        self.assertGreater(checked, 40)

    def test_required_fields_refused_in_words(self):
        """A create without a required field is refused naming the field,
        before PostgreSQL's NOT NULL (an ERROR in the log, the column's
        name); defaults and the values the system fills in count."""
        guardian = self.env["bti.case.guardian"]
        person = guardian._fields["partner_id"]._description_string(self.env)
        for model, vals in (
            (guardian, {}),
            (guardian, {"case_id": self._new_case().id, "partner_id": False}),
            (self.env["bti.baton.refuse.wizard"].with_user(self.kg_teacher), {}),
        ):
            with (
                self.subTest(model=model._name, vals=vals),
                self.assertRaises(UserError) as caught,
                mute_logger("odoo.sql_db"),
            ):
                model.create(vals)
            self.assertIn("must be filled in", str(caught.exception))
            if model == guardian:
                self.assertIn(person, str(caught.exception))
        # Defaults fill required fields: no refusal (the case's state).
        self.assertEqual(self._new_case().state, "wondering")

    def test_search_limits_refused_in_words(self):
        """A negative or non-integer limit or offset reached PostgreSQL
        (bench/fuzz.py: InvalidRowCountInLimitClause, a server error)."""
        cases = self.env["bti.case"].with_user(self.kg_teacher)
        for kwargs in ({"limit": -1}, {"offset": -5}, {"limit": "7"}, {"offset": 1.5}):
            with self.subTest(**kwargs), self.assertRaises(UserError):
                cases.search_read([], ["name"], **kwargs)
        self.assertEqual(cases.search([], limit=0, offset=0), cases.search([]))
        self.assertTrue(cases.search([], limit=False) is not None)
