from odoo.exceptions import UserError
from odoo.osv import expression


def boolean_search(model, domain_for_true, operator, value):
    """The domain of a search on a computed boolean field of ``model``.

    ``domain_for_true`` selects the records for which the field is True; such
    fields are searched with ``=`` or ``!=`` and a boolean only.
    """
    if operator not in ("=", "!=") or not isinstance(value, bool):
        raise UserError(
            model.env._("This field is searched with = or != and True or False only.")
        )
    if (operator == "=") != value:
        return ["!", *expression.normalize_domain(domain_for_true)]
    return domain_for_true
