from collections.abc import KeysView, Mapping, Set

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.models import (
    READ_GROUP_AGGREGATE,
    READ_GROUP_ALL_TIME_GRANULARITY,
    regex_order,
)
from odoo.osv import expression

from .abstract_guard import refuse_abstract
from .bti_vals_shape import INT_MAX, check_links_exist, check_vals_list, storable_text

DOMAIN_OPERATORS = {"&": 2, "|": 2, "!": 1}
TERM_OPERATORS = frozenset(expression.TERM_OPERATORS) | {"<>"}
LIST_OPERATORS = frozenset({"in", "not in"})
EQUALITY_OPERATORS = frozenset({"=", "!=", "<>", "in", "not in"})
HIERARCHY_OPERATORS = frozenset({"child_of", "parent_of"})
# Operators a list of ids goes with, on ids and relational fields.
ID_LIST_OPERATORS = EQUALITY_OPERATORS | HIERARCHY_OPERATORS
PATTERN_OPERATORS = frozenset({"=like", "=ilike"})
DOMAIN_VALUE_OPERATORS = frozenset({"any", "not any"})
TEXT_OPERATORS = frozenset(expression.WILDCARD_OPERATORS)
ORDER_OPERATORS = frozenset({"<", ">", "<=", ">="})
RELATIONAL_TYPES = frozenset({"many2one", "one2many", "many2many"})
X2MANY_TYPES = frozenset({"one2many", "many2many"})
TEXT_TYPES = frozenset({"char", "text", "html", "selection", "reference"})
NUMBER_TYPES = frozenset({"integer", "float", "monetary"})
SCALARS = (str, int, float, type(None))
# PostgreSQL's int8: LIMIT and OFFSET.
COUNT_MAX = 2**63 - 1
# The keys of a context that Odoo's Environment reads itself (the language,
# the time zone, the companies), before any model code could judge them.
CONTEXT_TEXT_KEYS = ("lang", "tz")


def _bad_context_key(context):
    """The first key of a context Odoo's Environment (or pytz) would fail
    on, else None."""
    for key in CONTEXT_TEXT_KEYS:
        value = context.get(key)
        if not (
            value is None
            or value is False
            or (isinstance(value, str) and storable_text(value))
        ):
            return key
    if context.get("tz") and context["tz"] not in pytz.all_timezones_set:
        return "tz"
    companies = context.get("allowed_company_ids")
    if companies and not (
        isinstance(companies, (list, tuple))
        and all(
            isinstance(cid, int) and not isinstance(cid, bool) and 0 < cid <= INT_MAX
            for cid in companies
        )
    ):
        return "allowed_company_ids"
    return None


def check_context(env, context):
    """Refuse a context whose language, time zone or companies are not of the
    kind Odoo's Environment reads: a dict or a list as ``lang`` fails there
    with a TypeError (unhashable) at the first translation, an integer or a
    list of lists as ``allowed_company_ids`` at the first look at the
    company, an unknown ``tz`` in pytz. The refusal is worded in the
    environment's language, or in English when that context is the broken
    one."""
    if not isinstance(context, Mapping):
        raise UserError(env._("The context of a call is a mapping of keys to values."))
    key = _bad_context_key(context)
    if key:
        if _bad_context_key(env.context):
            env = env(context={})
        raise UserError(env._("The context's %(key)s is not valid.", key=key))


def check_context_defaults(model, names):
    """The context's ``default_<field>`` values for the fields asked for,
    checked like values of ``create`` (they end up in one), links included."""
    context = model.env.context
    defaults = {
        name: context["default_" + name]
        for name in names
        if name in model._fields and "default_" + name in context
    }
    if defaults:
        check_vals_list(model, [defaults])
        check_links_exist(model, [defaults])


def check_field_names(model, names, known=False, optional=True):
    """A list of field names (``read``, ``default_get``, ``fields_get``,
    ``onchange``): text, and with ``known`` names of this model's fields
    (where Odoo fails on another name with a ValueError or a KeyError)."""
    if (names is None or names is False) and optional:
        return
    if isinstance(names, (str, Mapping, int, float, type(None))) or (
        isinstance(names, (list, tuple, Set, KeysView))
        and not all(isinstance(name, str) and storable_text(name) for name in names)
    ):
        raise UserError(
            model.env._(
                "This call names fields in a way Odoo does not take: a list of "
                "field names is expected."
            )
        )
    for name in names if known else ():
        if name not in model._fields:
            raise UserError(
                model.env._(
                    "%(model)s has no field named %(name)s.",
                    model=model._description,
                    name=name[:80],
                )
            )


def check_specification(model, spec):
    """What ``web_read``, ``web_search_read``, ``web_save`` and ``onchange``
    are asked to return: field names of this model, each mapped to a mapping
    with, for relational fields, the fields to read of the other model
    (checked against that model), a context, a limit and an order."""
    if not isinstance(spec, Mapping):
        raise UserError(
            model.env._(
                "What to read is given as a mapping of field names to what to read "
                "of each."
            )
        )
    for name, sub in spec.items():
        field = model._fields.get(name) if isinstance(name, str) else None
        if field is None or not isinstance(sub, Mapping):
            raise UserError(
                model.env._(
                    "%(model)s has no field named %(name)s to read.",
                    model=model._description,
                    name=str(name)[:80],
                )
            )
        _check_sub_specification(model, field, sub)


def _check_sub_specification(model, field, sub):
    if "context" in sub:
        check_context(model.env, sub["context"])
    limit = sub.get("limit")
    if limit is not None and not (
        isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0
    ):
        raise UserError(model.env._("A limit is a whole number, not negative."))
    order = sub.get("order")
    if order and not (isinstance(order, str) and storable_text(order)):
        raise UserError(model.env._("An order is given as text."))
    nested = sub.get("fields")
    if nested:
        if field.type in RELATIONAL_TYPES:
            check_specification(model.env[field.comodel_name], nested)
        elif field.type not in ("reference", "many2one_reference"):
            raise UserError(
                model.env._(
                    "%(field)s has no fields of its own to read.",
                    field=field._description_string(model.env),
                )
            )


def check_domain(model, domain):
    """Refuse, in words, a search domain Odoo would fail on: not a list of
    operators and (field, operator, value) terms that add up, a field path
    that is not there, or a value the field's column cannot be compared with
    (text for an id, a date that is no date, a mapping, a NUL byte). Odoo
    gives these an AssertionError, a ValueError or a database error: a
    server error, and an ERROR in the log. Values of code (queries, SQL,
    dates, records' ids) pass as they are."""
    if not domain:
        return
    if not isinstance(domain, (list, tuple)):
        _refuse_domain(model)
    expected = 1
    for token in domain:
        if expected == 0:  # terms side by side: an implicit '&'
            expected = 1
        if isinstance(token, str) and token in DOMAIN_OPERATORS:
            expected += DOMAIN_OPERATORS[token] - 1
            continue
        expected -= 1
        if isinstance(token, (list, tuple)) and len(token) == 3:
            if tuple(token) in (expression.TRUE_LEAF, expression.FALSE_LEAF):
                continue
            _check_term(model, *token)
        else:
            _refuse_domain(model)
    if expected != 0:
        _refuse_domain(model)


def _refuse_domain(model, term=None):
    if term is None:
        raise UserError(
            model.env._(
                "This search is not valid: a search is a list of conditions "
                "(field, operator, value) joined by '&', '|' and '!'."
            )
        )
    shown = repr(term)
    raise UserError(
        model.env._(
            "This search is not valid: %(term)s cannot be searched for.",
            term=shown if len(shown) <= 80 else shown[:77] + "...",
        )
    )


def _check_term(model, path, operator, value):
    term = (path, operator, value)
    if not (isinstance(path, str) and path and storable_text(path)):
        _refuse_domain(model, term)
    if not isinstance(operator, str) or operator not in TERM_OPERATORS:
        _refuse_domain(model, term)
    field = _path_field(model, path, term)
    if field is None:  # a property's key: Odoo checks these itself
        return
    if operator in DOMAIN_VALUE_OPERATORS:
        if field.type not in RELATIONAL_TYPES:
            _refuse_domain(model, term)
        if isinstance(value, (list, tuple)):
            check_domain(model.env[field.comodel_name], value)
        elif isinstance(value, (Mapping, *SCALARS)):
            _refuse_domain(model, term)
    elif not _term_fits(model, field, operator, value):
        _refuse_domain(model, term)


def _term_fits(model, field, operator, value):  # noqa: C901 (a table of cases)
    ids = field.name == "id" or field.type in RELATIONAL_TYPES
    if (
        not field.store
        and field.type in ("selection", "boolean")
        and operator not in EQUALITY_OPERATORS
    ):
        return False  # Odoo's search methods of these take = and in only
    if operator in HIERARCHY_OPERATORS:
        target = model if field.name == "id" else None
        if field.type in RELATIONAL_TYPES:
            target = model.env[field.comodel_name]
        if target is None or not _has_parent(target) or value in (None, False):
            return False
    if isinstance(value, (list, tuple)):
        if operator not in LIST_OPERATORS and not (
            ids and operator in ID_LIST_OPERATORS
        ):
            return False
        if ids:
            return all(_is_listed_id(item) for item in value)
        return all(
            (item is not True or field.type == "boolean")
            and _comparable(model, field, "=", item)
            for item in value
        )
    if operator in LIST_OPERATORS:
        if isinstance(value, bool):
            # Odoo's old spelling of "is set": (x, '=', value) for the ORM
            return _comparable(model, field, "=", value)
        if not isinstance(value, SCALARS):
            return not isinstance(value, Mapping)  # a query of code
        # One id, as record rules write (member_ids, 'in', uid): the ORM
        # turns it into a list for stored x2many fields only.
        return field.store and field.type in X2MANY_TYPES and _is_listed_id(value)
    return _comparable(model, field, operator, value)


def _has_parent(model):
    parent = model._fields.get(model._parent_name)
    return (
        parent is not None
        and parent.type == "many2one"
        and parent.comodel_name == model._name
    )


def _is_listed_id(value):
    return (
        value is None
        or value is False
        or (
            isinstance(value, int)
            and not isinstance(value, bool)
            and abs(value) <= INT_MAX
        )
    )


def _path_field(model, path, term):
    """The field a dotted path ends on (None for a property's key)."""
    names = path.split(".")
    for position, name in enumerate(names):
        field = model._fields.get(name)
        if field is None:
            _refuse_domain(model, term)
        if position == len(names) - 1:
            return field
        if field.type == "properties":
            return None
        if field.type not in RELATIONAL_TYPES:
            _refuse_domain(model, term)
        model = model.env[field.comodel_name]
    return None


def _comparable(model, field, operator, value):  # noqa: C901 (a table by kind)
    """Whether a single value can be compared with the field in SQL."""
    if isinstance(value, (Mapping, list, tuple)):
        return False
    if not isinstance(value, SCALARS):
        return True  # a value of code (a date, a NewId, a query)
    if isinstance(value, str) and not storable_text(value):
        return False
    kind = "id" if field.name == "id" else field.type
    ids = kind == "id" or kind in RELATIONAL_TYPES
    if operator in PATTERN_OPERATORS:
        # Odoo converts the pattern to the field's kind: text only.
        return (value in (None, False) or isinstance(value, str)) and (
            ids or kind in TEXT_TYPES
        )
    if value is None or value is False:
        return True
    if operator in TEXT_OPERATORS:
        return not (ids and value is True)  # compared as text
    if ids or kind == "many2one_reference":
        if isinstance(value, str):
            return kind in RELATIONAL_TYPES  # a name to look up
        return _is_listed_id(value)
    if kind in NUMBER_TYPES:
        try:
            number = float(value)
            if kind == "integer":
                int(number)
        except (ValueError, OverflowError):
            return False
        return True
    if kind in ("date", "datetime"):
        if not (isinstance(value, str) and value):
            return False
        convert = fields.Date.to_date if kind == "date" else fields.Datetime.to_datetime
        try:
            convert(value)
        except (ValueError, TypeError, OverflowError):
            return False
        return True
    if kind in TEXT_TYPES:
        return isinstance(value, str) or operator not in ORDER_OPERATORS
    return True


def check_limits(env, offset, limit):
    """A negative or non-integer limit or offset would reach PostgreSQL."""
    for value in (offset, limit):
        if not (
            value is None
            or value is False
            or (value.__class__ is int and 0 <= value <= COUNT_MAX)
        ):
            raise UserError(
                env._(
                    "A search takes a limit and an offset that are whole numbers, "
                    "not negative."
                )
            )


def check_order(model, order):
    """An order of stored fields of this model: Odoo refuses malformed text
    itself (a UserError) but fails with a ValueError on a field that is not
    there or not stored."""
    if not order:
        return
    if not isinstance(order, str):
        raise UserError(model.env._("An order is given as text."))
    for part in order.split(","):
        match = regex_order.match(part)
        # Odoo's pattern takes a quoted name that its ORM then does not know.
        field = model._fields.get(match["field"]) if match else None
        if match and (field is None or not (field.store and field.column_type)):
            raise UserError(
                model.env._(
                    "%(model)s cannot be sorted by %(name)s.",
                    model=model._description,
                    name=match["field"][:80],
                )
            )


def check_group_specs(model, specs, what):
    """The aggregates (``name``, ``name:function``, ``alias:function(name)``)
    or the groupings (``name``, ``date_field:granularity``) of
    ``read_group``: names of this model's fields, functions and
    granularities Odoo knows."""
    if what == "groupings" and isinstance(specs, str):
        specs = [specs]
    check_field_names(model, specs)
    for spec in specs or ():
        if spec == "__count":
            continue
        name, _colon, rest = spec.partition(":")
        function = granularity = None
        if what == "groupings":
            granularity = rest
        elif "(" in rest:
            function, _paren, name = rest.rstrip(")").partition("(")
        else:
            function = rest
        field = model._fields.get(name.split(".", 1)[0].strip())
        if (
            field is None
            or (function and function not in READ_GROUP_AGGREGATE)
            or (
                granularity
                and not (
                    field.type in ("date", "datetime")
                    and granularity in READ_GROUP_ALL_TIME_GRANULARITY
                )
            )
        ):
            raise UserError(
                model.env._(
                    "%(model)s cannot be grouped or summed up by %(spec)s.",
                    model=model._description,
                    spec=spec[:80],
                )
            )


class BtiQueryShape(models.AbstractModel):
    """The shape of what a client asks to search and read, checked once
    before Odoo's ORM reads it: the context (language, time zone,
    companies, defaults), the search domain, the lists of field names and
    the specifications of the web client's reads. Inherited by every BTI
    model through ``bti.single.record``."""

    _name = "bti.query.shape"
    _description = "BTI Shape of Client Queries"

    def with_context(self, *args, **kwargs):
        # Where a call's context reaches a BTI model (odoo.api.call_kw).
        if args:
            check_context(self.env, args[0])
        if kwargs:
            check_context(self.env, kwargs)
        return super().with_context(*args, **kwargs)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        refuse_abstract(self)
        check_limits(self.env, offset, limit)
        check_domain(self, domain)
        check_order(self, order)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        if not isinstance(name, str) or not storable_text(name):
            raise UserError(self.env._("A name to search for is text."))
        check_domain(self, args)
        if not isinstance(operator, str) or operator not in TERM_OPERATORS:
            _refuse_domain(self, ("display_name", operator, name))
        check_limits(self.env, 0, limit)
        return super().name_search(name=name, args=args, operator=operator, limit=limit)

    @api.model
    def default_get(self, fields_list):
        check_field_names(self, fields_list, optional=False)
        check_context_defaults(self, fields_list)
        return super().default_get(fields_list)

    def read(self, fields=None, load="_classic_read"):
        refuse_abstract(self)
        check_field_names(self, fields, known=True)
        return super().read(fields=fields, load=load)

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        check_field_names(self, allfields)
        check_field_names(self, attributes)
        return super().fields_get(allfields=allfields, attributes=attributes)

    def web_read(self, specification):
        refuse_abstract(self)
        check_specification(self, specification)
        return super().web_read(specification)

    @api.model
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        check_specification(self, specification)
        check_limits(self.env, 0, count_limit)
        return super().web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )

    def web_save(self, vals, specification, next_id=None):
        refuse_abstract(self)
        check_specification(self, specification)
        return super().web_save(vals, specification, next_id=next_id)

    def onchange(self, values, field_names, fields_spec):
        refuse_abstract(self)
        if not isinstance(values, Mapping):
            check_vals_list(self, [values])
        check_field_names(self, list(values), known=True)
        check_field_names(self, field_names, known=True)
        check_specification(self, fields_spec)
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        check_group_specs(self, fields, "fields")
        check_group_specs(self, groupby, "groupings")
        check_limits(self.env, offset, limit)
        return super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
