"""What a client asks to search and read is refused in words when Odoo's ORM
would fail on it (bti_query_shape; bench/fuzz.py found TypeErrors,
ValueErrors and database errors in Odoo's parsing of contexts, domains,
specifications and read_group's field lists), and what Odoo's ORM still
fails on in Python is a clear refusal at the RPC boundary
(controllers/rpc_boundary)."""

import contextlib
import json
import logging
import xmlrpc.client

from odoo import api
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..controllers.rpc_boundary import _raised_in_bti
from .common import BtiCommon

REFUSED = (UserError, AccessError)
BAD_CONTEXTS = (
    "text",
    [1],
    {"lang": {"nb": 1}},
    {"lang": ["nb_NO"]},
    {"lang": 7},
    {"tz": {"a": 1}},
    {"tz": "Mars/Olympus_Mons"},
    {"allowed_company_ids": 5},
    {"allowed_company_ids": [[1]]},
    {"allowed_company_ids": ["x"]},
    {"allowed_company_ids": [1.5]},
    {"allowed_company_ids": [True]},
)
# What JSON can carry as the value of a condition.
VALUES = (
    "x",
    "",
    "5",
    "2026-01-01",
    "2026-13-45",
    5,
    -1,
    2**40,
    1.5,
    float("nan"),
    float("inf"),
    True,
    False,
    None,
    [1],
    ["x"],
    [[1]],
    [None],
    {"a": 1},
    "a\x00b",
    "\ud800",
)
OPERATORS = (*expression.TERM_OPERATORS, "<>", "ILIKE", "nope", 5)
MALFORMED_DOMAINS = (
    "x",
    5,
    {"a": 1},
    ["&"],
    ["|", ("id", "=", 1)],
    ["!"],
    [("id", "=")],
    [("id", "=", 1, 2)],
    [["id"]],
    [5],
    ["x"],
    [("no_such_field", "=", 1)],
    [("name.id", "=", 1)],
    [(5, "=", 1)],
    [("", "=", 1)],
    [("service_id", "any", "x")],
    [("service_id", "any", [("nope", "=", 1)])],
    [("name", "any", [])],
)


@tagged("post_install", "-at_install")
class TestQueryShape(BtiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._level2_case()

    def _assert_clean(self, call, **sub):
        """The call works or is refused in words: never another error."""
        with self.subTest(**sub):
            try:
                with (
                    self.env.cr.savepoint(),
                    mute_logger("odoo.sql_db", "odoo.osv.expression", "odoo.models"),
                ):
                    call()
            except REFUSED:
                return False
            except Exception as error:  # noqa: BLE001 - what the test is about
                self.fail(f"{sub}: {type(error).__name__}: {error}")
            return True

    def _assert_refused(self, call, **sub):
        with self.subTest(**sub):
            if self._assert_clean(call, **sub):
                self.fail(f"{sub}: accepted")

    def test_contexts_refused_in_words(self):
        cases = self.env["bti.case"].with_user(self.kg_teacher)
        for context in BAD_CONTEXTS:
            self._assert_refused(
                lambda context=context: api.call_kw(
                    cases, "search_count", [[]], {"context": context}
                ),
                context=context,
            )
            self._assert_refused(
                lambda context=context: api.call_kw(
                    cases,
                    "action_view_access_log",
                    [[self.case.id]],
                    {"context": context},
                ),
                context=context,
                method="action",
            )
        good = {
            "lang": "nb_NO",
            "tz": "Europe/Oslo",
            "allowed_company_ids": [self.env.company.id],
        }
        self.assertEqual(
            api.call_kw(
                cases, "search_count", [[("id", "=", self.case.id)]], {"context": good}
            ),
            1,
        )

    def test_every_condition_works_or_is_refused_in_words(self):
        """Each kind of field of a case and of an access-log row, each
        operator, each kind of value: never a server error."""
        for model in (self.env["bti.case"], self.env["bti.access.log"]):
            model = model.with_user(self.kg_teacher)
            fields_by_kind = {"id": "id"}
            for name, field in model._fields.items():
                if field.store or field.search:
                    fields_by_kind.setdefault(field.type, name)
            for name in fields_by_kind.values():
                for operator in OPERATORS:
                    for value in VALUES:
                        self._assert_clean(
                            lambda n=name, o=operator, v=value, m=model: m.search_count(
                                [(n, o, v)]
                            ),
                            model=model._name,
                            term=(name, operator, value),
                        )

    def test_malformed_domains_refused_in_words(self):
        cases = self.env["bti.case"].with_user(self.kg_teacher)
        for domain in MALFORMED_DOMAINS:
            for method in ("search_count", "search_read", "name_search"):
                if method == "name_search":
                    call = lambda d=domain: cases.name_search("", d)  # noqa: E731
                else:
                    call = lambda d=domain, m=method: getattr(cases, m)(d)  # noqa: E731
                self._assert_refused(call, domain=domain, method=method)
        for order in ("no_such_field", "is_accessible desc", 5, "name;drop", '"name"'):
            self._assert_refused(lambda o=order: cases.search([], order=o), order=order)

    def test_good_searches_still_find(self):
        cases = self.env["bti.case"].with_user(self.kg_teacher)
        case = self.case
        domains = (
            [("id", "=", case.id)],
            [("id", "in", [case.id, 2**31 - 1])],
            [("name", "ilike", case.name[:4])],
            [("subject_partner_id", "=", case.subject_partner_id.name)],
            [("subject_partner_id", "in", [case.subject_partner_id.id, False])],
            [("service_id", "any", [("id", "=", case.service_id.id)])],
            ["|", ("id", "=", case.id), ("id", "=", 0)],
            [("create_date", ">=", "2000-01-01"), ("id", "=", case.id)],
            [("is_accessible", "=", True), ("id", "=", case.id)],
        )
        for domain in domains:
            with self.subTest(domain=domain):
                self.assertIn(case, cases.search(domain))
        self.assertEqual(
            cases.search([("id", "=", case.id)], order="name desc, id"), case
        )

    def test_field_lists_and_specifications_refused_in_words(self):
        cases = self.env["bti.case"].with_user(self.kg_teacher)
        case = self.case.with_user(self.kg_teacher)
        calls = {
            "read": lambda bad: case.read(bad),
            "default_get": lambda bad: cases.default_get(bad),
            "fields_get": lambda bad: cases.fields_get(bad),
            "web_read": lambda bad: case.web_read(bad),
            "web_search_read": lambda bad: cases.web_search_read([], bad),
            "onchange": lambda bad: cases.onchange({}, [], bad),
            "read_group fields": lambda bad: cases.read_group([], bad, ["service_id"]),
            "read_group groupby": lambda bad: cases.read_group([], ["id"], bad),
        }
        bad_values = ("name", 5, {"a": 1}, [5], [["name"]], ["a\x00"])
        for method, call in calls.items():
            for bad in bad_values:
                if bad == "name" and method == "read_group groupby":
                    continue  # one grouping by name: Odoo takes it
                if method.startswith(("web_", "onchange")) and bad == "name":
                    bad = ["name"]  # a specification is a mapping
                self._assert_refused(lambda c=call, b=bad: c(b), method=method, bad=bad)
        specs = (
            {"no_such_field": {}},
            {"name": []},
            {"name": {"fields": {"id": {}}}},
            {"service_id": {"fields": {"nope": {}}}},
            {"service_id": {"fields": {"name": {}}, "limit": -1}},
            {"service_id": {"fields": {"name": {}}, "context": {"lang": {}}}},
            {"service_id": {"fields": {"name": {}}, "order": 5}},
        )
        for spec in specs:
            self._assert_refused(lambda s=spec: case.web_read(s), spec=spec)
        for groupby in (["no_such_field"], ["create_date:nope"]):
            self._assert_refused(
                lambda g=groupby: cases.read_group([], ["id"], g), groupby=groupby
            )
        self._assert_refused(
            lambda: cases.read_group([], ["x:nope(id)"], ["service_id"]), fields="agg"
        )
        # What the web client sends works as before.
        self.assertEqual(
            case.web_read({"name": {}, "service_id": {"fields": {"display_name": {}}}})[
                0
            ]["service_id"]["id"],
            case.service_id.id,
        )
        groups = cases.read_group(
            [("id", "=", case.id)], ["service_id"], ["create_date:month"]
        )
        self.assertEqual(groups[0]["create_date_count"], 1)

    def test_context_defaults_refused_in_words(self):
        cases = self.env["bti.case"].with_user(self.kg_teacher)
        for key, value in (
            ("default_service_id", 2**40),
            ("default_service_id", "x"),
            ("default_name", {"a": 1}),
            ("default_state", "no-such-state"),
        ):
            self._assert_refused(
                lambda k=key, v=value: cases.with_context(**{k: v}).default_get(
                    [k[len("default_") :]]
                ),
                key=key,
                value=value,
            )
        defaults = cases.with_context(
            default_service_id=self.kindergarten.id
        ).default_get(["service_id"])
        self.assertEqual(defaults["service_id"], self.kindergarten.id)

    def test_modified_takes_field_names(self):
        """bti.case reads the names given to modified() (public over RPC)."""
        case = self.case.with_user(self.kg_teacher)
        for bad in (None, 5, "x", ["no_such_field"]):
            self._assert_refused(lambda b=bad: case.modified(b), bad=bad)
        case.modified(["subject_partner_id"])

    def test_default_get_takes_a_list(self):
        cases = self.env["bti.case"].with_user(self.kg_teacher)
        for bad in (None, False, "name", {"name": 1}):
            self._assert_refused(lambda b=bad: cases.default_get(b), bad=bad)

    def test_partner_and_user_values_refused_in_words(self):
        """res.partner and res.users: BTI's overrides read the values before
        Odoo, so their shape is checked first there too."""
        partners = self.env["res.partner"].with_user(self.kg_teacher)
        partner = partners.create({"name": "Shape Test"})
        for vals_list in ("x", [1], [{"name": "x", "lang": {"a": 1}}], [{None: 1}]):
            self._assert_refused(
                lambda v=vals_list: partners.create(v), vals_list=vals_list
            )
        for vals in ({"parent_id": "x"}, {"email": ["a"]}, {"category_id": [[9]]}):
            self._assert_refused(lambda v=vals: partner.write(v), vals=vals)
        user = self.kg_teacher.with_user(self.env.ref("base.user_admin"))
        for vals in ({"groups_id": "x"}, {"company_id": 2**40}):
            self._assert_refused(lambda v=vals: user.write(v), vals=vals)
        partner.write({"email": "shape@example.com", "category_id": [(6, 0, [])]})
        self.assertEqual(partner.email, "shape@example.com")

    def test_links_to_no_record_refused_in_words(self):
        """A wizard given a case that does not exist (in its values or the
        context's default) is refused naming the field, before PostgreSQL's
        foreign key."""
        wizards = self.env["bti.case.decision.wizard"].with_user(self.kg_teacher)
        missing = self.env["bti.case"].search([], order="id desc", limit=1).id + 1000
        self._assert_refused(
            lambda: wizards.with_context(default_case_id=missing).create({}),
            how="context default",
        )
        self._assert_refused(lambda: wizards.create({"case_id": missing}), how="values")
        with self.assertRaisesRegex(UserError, str(missing)):
            wizards.create({"case_id": missing})

    def test_message_arguments_refused_in_words(self):
        case = self.case.with_user(self.kg_teacher)
        partner = self.kg_teacher.partner_id.id
        for kwargs in (
            {"body": "x", "subject": "\ud800"},
            {"body": "a\x00b"},
            {"body": "x", "message_type": 0},
            {"body": "x", "message_type": "nope"},
            {"body": "x", "partner_ids": partner},
            {"body": "x", "author_id": "x"},
        ):
            self._assert_refused(lambda k=kwargs: case.message_post(**k), kwargs=kwargs)
            self._assert_refused(
                lambda k=kwargs: (
                    case.message_notify(**dict(k, partner_ids=[partner]))
                    if "partner_ids" not in k
                    else case.message_notify(**k)
                ),
                kwargs=kwargs,
                method="message_notify",
            )
        # A BTI model whose chatter is Odoo's own: the same checks.
        service = self.kindergarten.with_user(self.env.ref("base.user_admin"))
        for kwargs in ({"body": "x", "author_id": "\ud800"}, {"body": "a\x00"}):
            self._assert_refused(
                lambda k=kwargs: service.message_notify(partner_ids=[partner], **k),
                kwargs=kwargs,
                model="bti.service",
            )
        for template in ("x", [1], None, 2**40):
            self._assert_refused(
                lambda t=template: case.activity_send_mail(t), template=template
            )

    def test_partner_and_user_contexts_refused_in_words(self):
        partner = self.kg_teacher.partner_id.with_user(self.kg_teacher)
        for context in ({"lang": {"nb": 1}}, {"tz": "Mars/Olympus_Mons"}):
            with self.assertRaisesRegex(UserError, "context's"):
                partner.with_context(**context).write({"email": "k@example.com"})

    def test_every_model_searches_its_names(self):
        """name_search on every BTI model searches a field that can be
        searched: a computed name without a search logs Odoo's ERROR "cannot
        be searched" (bench/fuzz.py found bti.consent)."""
        for name in sorted(self.env.registry):
            model = self.env[name]
            if not name.startswith("bti.") or model._abstract:
                continue
            with (
                self.subTest(model=name),
                self.assertNoLogs("odoo.osv.expression", "ERROR"),
                contextlib.suppress(*REFUSED),  # no read right: refused is fine
            ):
                model.with_user(self.kg_teacher).name_search("x")

    def test_raised_in_bti_tells_our_code_from_odoos(self):
        try:
            self.env["bti.case"]._fields["no_such_field"]  # noqa: B018
        except KeyError as error:
            self.assertTrue(_raised_in_bti(error))  # raised in this file
        try:
            self.case.copy_data(default="x")
        except (TypeError, ValueError, AttributeError) as error:
            self.assertFalse(_raised_in_bti(error))  # raised in Odoo's models.py
        else:
            self.fail("copy_data took a text as its defaults")


@tagged("post_install", "-at_install")
class TestRpcBoundary(BtiCommon, HttpCase):
    def _post(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json().get("error", {}).get("data", {})

    def _execute_kw(self, method, *args):
        """/jsonrpc execute_kw on a case's participant as the kindergarten
        teacher (bti.case checks the names modified() reads itself)."""
        with mute_logger("odoo.http", "odoo.addons.bti_core.controllers.rpc_boundary"):
            return self._post(
                "/jsonrpc",
                {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [
                        self.env.cr.dbname,
                        self.kg_teacher.id,
                        "kg_teacher",
                        "bti.case.participant",
                        method,
                        *args,
                    ],
                },
            )

    def test_odoos_python_errors_refused_in_words_on_bti_models(self):
        """modified() given a name that is no field fails in Odoo's ORM with
        a KeyError: on a BTI model (a participant: its override hands the
        names on) a translated UserError, the traceback at WARNING for the
        operator."""
        case = self._level2_case()
        participant = case.participant_ids[:1]
        self.authenticate("kg_teacher", "kg_teacher")
        with (
            self.assertLogs(
                "odoo.addons.bti_core.controllers.rpc_boundary", logging.WARNING
            ) as logs,
            mute_logger("odoo.http"),
        ):
            error = self._post(
                "/web/dataset/call_kw/bti.case.participant/modified",
                {
                    "model": "bti.case.participant",
                    "method": "modified",
                    "args": [[participant.id], ["no_such_field"]],
                    "kwargs": {"context": {"lang": "nb_NO"}},
                },
            )
        self.assertEqual(error.get("name"), "odoo.exceptions.UserError")
        self.assertEqual(
            error["message"],
            "Dette kallet kan ikke utføres: modified fikk argumenter den ikke "
            "tar imot.",
        )
        self.assertIn(
            "BTI RPC boundary: refused bti.case.participant.modified", logs.output[0]
        )
        self.assertIn("KeyError", logs.output[0])
        # The same through /jsonrpc, in the call's language.
        error = self._execute_kw(
            "modified",
            [[participant.id], ["no_such_field"]],
            {"context": {"lang": "nb_NO"}},
        )
        self.assertEqual(error.get("name"), "odoo.exceptions.UserError")
        self.assertIn("modified fikk argumenter", error["message"])

    def test_other_models_are_left_to_odoo(self):
        """The boundary is BTI's: Odoo's own models answer as Odoo does; a
        call without a language of its own is refused in English."""
        self.authenticate("admin", "admin")
        with mute_logger("odoo.http"):
            error = self._post(
                "/web/dataset/call_kw/res.partner/copy",
                {
                    "model": "res.partner",
                    "method": "copy",
                    "args": [[self.env.user.partner_id.id]],
                    "kwargs": {"default": "x"},
                },
            )
        self.assertNotEqual(error.get("name"), "odoo.exceptions.UserError")
        case = self._level2_case()
        participant = case.participant_ids[:1]
        error = self._execute_kw("modified", [[participant.id], {"a": 1}])
        self.assertEqual(
            error.get("message"),
            "This call cannot be carried out: modified was given arguments it "
            "does not take.",
        )

    def test_xmlrpc_refused_in_words(self):
        case = self._level2_case()
        participant = case.participant_ids[:1]
        body = xmlrpc.client.dumps(
            (
                self.env.cr.dbname,
                self.kg_teacher.id,
                "kg_teacher",
                "bti.case.participant",
                "modified",
                [[participant.id], ["no_such_field"]],
                {"context": {"lang": "nb_NO"}},
            ),
            "execute_kw",
        )
        with mute_logger("odoo.http", "odoo.addons.bti_core.controllers.rpc_boundary"):
            response = self.url_open(
                "/xmlrpc/2/object", data=body, headers={"Content-Type": "text/xml"}
            )
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            xmlrpc.client.loads(response.content)
        self.assertIn("modified fikk argumenter", caught.exception.faultString)
