"""Evaluate a plain domain on records from the values in the ORM cache.

The policy's flags (``is_accessible``, ``is_readable``) are asked again by
Odoo on records it has just fetched under the record rules (``check_access``
in ``fetch``). Their domains compare stored columns with literal values (the
policy's memo gives literal ids), and every value is then in the cache:
reading it raw is several times cheaper than ``filtered_domain``, which goes
through the fields' getters record by record.
"""

from odoo.osv import expression

# The field types answered from the cache, and the Python types a value of
# the domain must have for each: anything else (a date as a string, an id as
# a string) goes to the ORM, whose SQL converts it. The policy's domains use
# ids, selections and booleans.
VALUE_TYPES = {
    "many2one": int,
    "many2many": int,
    "integer": int,
    "selection": str,
    "boolean": bool,
}


def _leaf_ids(records, leaf, cache):
    """The ids of ``records`` matching ``leaf``, or None when the leaf is not
    a plain comparison this evaluator knows."""
    path, operator, value = leaf
    if path in (0, 1) and operator == "=" and value == 1:  # TRUE_LEAF, FALSE_LEAF
        return set(records._ids) if path == 1 else set()
    if not isinstance(path, str) or operator not in ("=", "!=", "in", "not in"):
        return None
    if operator in ("=", "!="):
        if isinstance(value, (list, tuple, set, frozenset, dict)):
            return None
        wanted = {value}
    elif isinstance(value, (list, tuple, set, frozenset)):
        wanted = set(value)
    else:
        return None
    if path == "id":
        field_type = "integer"
    else:
        field = records._fields.get(path)
        if field is None or field.type not in VALUE_TYPES or field.compute:
            return None
        field_type = field.type
    if field_type == "many2many" and operator not in ("in", "not in"):
        return None  # "= False" means "empty" there: leave it to the ORM
    value_type = VALUE_TYPES[field_type]
    if not all(v is False or v is None or type(v) is value_type for v in wanted):
        return None
    if path == "id":
        values = {rid: rid for rid in records._ids}
    else:
        values = {}
        for record in records:
            if not cache.contains(record, field):
                return None
            values[record.id] = cache.get(record, field)
    if False in wanted or None in wanted:
        wanted |= {False, None}
    if field_type == "many2many":
        ids = {rid for rid, val in values.items() if wanted.intersection(val or ())}
    else:
        ids = {rid for rid, val in values.items() if val in wanted}
    if operator in ("!=", "not in"):
        ids = set(records._ids) - ids
    return ids


def cached_match(records, domain):
    """The subset of ``records`` matching ``domain`` from cached values, or
    None if a leaf cannot be answered this way (then ask the ORM)."""
    cache = records.env.cache
    stack = []
    for item in reversed(expression.normalize_domain(domain)):
        if item == "&":
            stack.append(stack.pop() & stack.pop())
        elif item == "|":
            stack.append(stack.pop() | stack.pop())
        elif item == "!":
            stack.append(set(records._ids) - stack.pop())
        else:
            ids = _leaf_ids(records, item, cache)
            if ids is None:
                return None
            stack.append(ids)
    # A normalized domain leaves one set on the stack.
    (matched,) = stack
    return records.browse([rid for rid in records._ids if rid in matched])
