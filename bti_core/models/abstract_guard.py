from odoo.exceptions import AccessError


def refuse_abstract(model):
    """Refuse a call on a shared part of BTI models (an abstract model such as
    bti.protected.mixin): JSON-RPC reaches any model by name, and its
    overrides would run on a model without a table before Odoo's own access
    check refuses it. A clear AccessError instead, before anything runs."""
    if model._abstract:
        raise AccessError(
            model.env._(
                "%(model)s is a shared part of BTI records, not a kind of record "
                "of its own: nothing is created, read or changed through it.",
                model=model._description,
            )
        )
