from odoo import models


class BtiAccessSource(models.AbstractModel):
    """A model whose records decide which cases a service reaches and whose
    persons its members see (participations, consents, guardians): any
    change of them drops the policy's memo of the transaction
    (``bti.access.policy.owned_case_ids``)."""

    _name = "bti.access.source"
    _description = "BTI Access Source"

    def modified(self, fnames, create=False, before=False):
        # Any field: a stored computed field (active, state...) is recomputed
        # from others, and the memo is cheap to ask again.
        self.env["bti.access.policy"]._forget_granted()
        return super().modified(fnames, create=create, before=before)
