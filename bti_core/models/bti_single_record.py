from odoo import _, models
from odoo.exceptions import UserError


class BtiSingleRecord(models.AbstractModel):
    """Records whose actions work on one record at a time (every protected
    model, every wizard). A client may call an action on several records or
    none (JSON-RPC takes a list of ids): a clear, translated refusal instead of
    Odoo's "Expected singleton" ValueError, which reaches the user as a
    server error."""

    _name = "bti.single.record"
    _description = "BTI Single-Record Actions"

    def ensure_one(self):
        if len(self._ids) != 1:
            raise UserError(
                _(
                    "This works on one record at a time; %(count)s were given.",
                    count=len(self._ids),
                )
            )
        return self
