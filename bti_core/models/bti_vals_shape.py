import base64
import binascii
from collections.abc import Mapping

from odoo import api, fields, models
from odoo.exceptions import UserError

from .abstract_guard import refuse_abstract

# PostgreSQL's int4: ids and integer columns.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
TEXT_TYPES = frozenset({"char", "text", "html"})
NUMBER_TYPES = frozenset({"float", "monetary"})
X2MANY_TYPES = frozenset({"one2many", "many2many"})
# Kinds of field stored as NULL when empty (numbers store 0, booleans false).
NULL_WHEN_EMPTY = frozenset(
    {"char", "text", "html", "selection", "many2one", "date", "datetime", "binary"}
)
# Commands that name an existing record by id (UPDATE, DELETE, UNLINK, LINK).
ID_COMMANDS = frozenset({1, 2, 3, 4})


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_id(value):
    return _is_int(value) and 0 < value <= INT_MAX


def storable_text(value):
    """PostgreSQL stores neither NUL nor text that is not UTF-8 (a lone
    surrogate from JSON's \\udXXX escapes)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_vals_list(model, vals_list):
    """Refuse, in words, values that are not field names mapped to values of
    the field's kind (see :class:`BtiValsShape`); nested values of x2many
    commands are checked against their own model."""
    refuse_abstract(model)
    if not isinstance(vals_list, (list, tuple)) or not all(
        isinstance(vals, Mapping) for vals in vals_list
    ):
        raise UserError(
            model.env._("The values are given as a mapping of field names to values.")
        )
    for vals in vals_list:
        for name, value in vals.items():
            field = model._fields.get(name) if isinstance(name, str) else None
            if field is None:
                raise UserError(
                    model.env._(
                        "%(model)s has no field named %(name)s.",
                        model=model._description,
                        name=str(name)[:80],
                    )
                )
            if not _value_fits(model, field, value):
                _refuse(model.env, field, value)


def check_required(model, vals_list):
    """Refuse, naming them, required fields that would be stored empty (a
    client's ``create`` without them): PostgreSQL's NOT NULL would refuse
    them anyway, after the INSERT, with an ERROR in the log and a message
    naming the column. Run on the values as they go to the ORM (after the
    hooks that fill in what the system sets); defaults count."""
    required = [
        field
        for field in model._fields.values()
        if field.required and field.store and not field.compute
    ]
    for vals in vals_list:
        absent = [field.name for field in required if field.name not in vals]
        values = {**(model.default_get(absent) if absent else {}), **vals}
        # Absent (no default either), any kind is stored NULL; given empty,
        # only these kinds (numbers store 0, booleans false).
        missing = [
            field.name
            for field in required
            if field.name not in values
            or (
                field.type in NULL_WHEN_EMPTY
                and (values[field.name] is None or values[field.name] is False)
            )
        ]
        if missing:
            raise UserError(
                model.env._(
                    "%(fields)s must be filled in.",
                    fields=", ".join(
                        model._fields[name]._description_string(model.env)
                        for name in missing
                    ),
                )
            )


def check_links_exist(model, vals_list):
    """Refuse, naming the field, a many2one value naming a record that does
    not exist: PostgreSQL's foreign key would refuse it after the INSERT,
    with an ERROR in the log. One query per model linked to."""
    wanted = {}
    for vals in vals_list:
        for name, value in vals.items():
            field = model._fields[name]
            if field.type == "many2one" and is_id(value):
                wanted.setdefault(field, set()).add(value)
    for field, ids in wanted.items():
        missing = ids - set(model.env[field.comodel_name].browse(ids).exists().ids)
        if missing:
            raise UserError(
                model.env._(
                    "%(field)s: the record %(id)s does not exist.",
                    field=field._description_string(model.env),
                    id=min(missing),
                )
            )


def _refuse(env, field, value):
    label = field._description_string(env)
    if isinstance(value, str) and not storable_text(value):
        raise UserError(
            env._(
                "%(field)s: the text holds a character that cannot be stored "
                "(a NUL byte or a broken character).",
                field=label,
            )
        )
    shown = repr(value)
    raise UserError(
        env._(
            "%(field)s: %(value)s is not a valid value.",
            field=label,
            value=shown if len(shown) <= 60 else shown[:57] + "...",
        )
    )


def _value_fits(model, field, value):
    if value is None or value is False:
        return True
    if isinstance(value, str) and not storable_text(value):
        return False
    kind = field.type
    if isinstance(value, (dict, list)):
        if kind in X2MANY_TYPES and isinstance(value, list):
            return _commands_fit(model.env[field.comodel_name], value)
        return kind in ("json", "properties", "properties_definition")
    if not isinstance(value, (str, int, float)):
        return True  # a Python value of code (a record, a date, Markup)
    if kind == "many2one":
        return is_id(value)
    if kind == "integer":
        return isinstance(value, (int, float)) and INT_MIN <= value <= INT_MAX
    if kind in NUMBER_TYPES:
        return not isinstance(value, (bool, str))
    if kind in TEXT_TYPES:
        return not isinstance(value, bool)
    if kind == "selection":
        return value in field.get_values(model.env)
    if kind in ("date", "datetime"):
        return isinstance(value, str) and _date_fits(field, value)
    if kind == "binary":
        return isinstance(value, str) and _base64_fits(value)
    return kind not in X2MANY_TYPES


def _date_fits(field, value):
    convert = (
        fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime
    )
    try:
        convert(value)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _base64_fits(value):
    try:
        base64.b64decode(value)
    except (binascii.Error, ValueError):
        return False
    return True


def _commands_fit(comodel, commands):
    # Tuples are code's (Command.set ...); JSON brings lists.
    for command in commands:
        if is_id(command):
            continue  # a plain id stands for LINK
        if (
            not isinstance(command, (list, tuple))
            or not command
            or not _is_int(command[0])
        ):
            return False
        code, rest = command[0], command[1:]
        if code in (0, 1):
            # CREATE (0, virtual id, values), UPDATE (1, id, values)
            if len(rest) != 2 or not isinstance(rest[1], Mapping):
                return False
            if code == 1 and not is_id(rest[0]):
                return False
            check_vals_list(comodel, [rest[1]])
        elif code in ID_COMMANDS:
            if not rest or not is_id(rest[0]):
                return False
        elif code == 6:
            # SET (6, _, ids)
            if len(rest) != 2 or not isinstance(rest[1], (list, tuple)):
                return False
            if not all(is_id(record_id) for record_id in rest[1]):
                return False
        elif code != 5:
            return False
    return True


class BtiValsShape(models.AbstractModel):
    """The shape of the values a client sends to ``create`` and ``write``,
    checked once before any BTI code or the ORM reads them.

    JSON-RPC carries any JSON where a values dict is expected: a list, a
    string, a date in a made-up format, an id beyond PostgreSQL's integer, a
    NUL byte. Without this, the ORM or a BTI override fails on them with a
    TypeError, a ValueError or a database error: a server error for the user
    and an ERROR in the log. Here they are a clear, translated refusal that
    names the field, before anything is written. Only JSON's own types are
    judged; values of Python code (records, dates, ``Markup``) pass to the
    ORM as they are."""

    _name = "bti.vals.shape"
    _description = "BTI Shape of Client Values"

    @api.model_create_multi
    def create(self, vals_list):
        self._bti_check_vals_shape(vals_list)
        check_links_exist(self, vals_list)
        check_required(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._bti_check_vals_shape([vals])
        check_links_exist(self, [vals])
        return super().write(vals)

    @api.model
    def _bti_check_vals_shape(self, vals_list):
        check_vals_list(self, vals_list)
