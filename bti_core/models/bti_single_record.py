from odoo import _, models
from odoo.exceptions import UserError
from odoo.models import NewId
from odoo.tools import Query

from .bti_vals_shape import is_id


class BtiSingleRecord(models.AbstractModel):
    """How a client names the records of every BTI model (every protected
    model, every wizard):

    * by ids that are whole numbers a table can hold. JSON-RPC takes any
      JSON as the ids of a call: a string, a list inside the list, a float,
      an id beyond PostgreSQL's integer reach the ORM as ids and fail in the
      database, a server error with an ERROR in the log; here they are a
      clear refusal before anything runs;
    * in searches and reads of the shape Odoo's ORM expects
      (``bti.query.shape``);
    * one at a time for an action: several records or none are a clear,
      translated refusal instead of Odoo's "Expected singleton" ValueError,
      which reaches the user as a server error."""

    _name = "bti.single.record"
    _inherit = ["bti.query.shape"]
    _description = "BTI Single-Record Actions"

    def browse(self, ids=()):
        if isinstance(ids, Query):  # the ORM's own search: ids of the table
            return super().browse(ids)
        try:
            records = super().browse(ids)
        except TypeError:  # neither an id nor an iterable of ids
            records = None
        # None: the ORM's own placeholder for an empty link (fields.py
        # _remove_inverses), which finds no row.
        if records is None or not all(
            is_id(rid) or rid is None or isinstance(rid, NewId) for rid in records._ids
        ):
            raise UserError(
                _("These are not valid record ids: an id is a positive whole number.")
            )
        return records

    def _bti_form_action(self):
        """The window action that opens this record's form (after a wizard, a
        tool or a row of the access log)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def ensure_one(self):
        if len(self._ids) != 1:
            raise UserError(
                _(
                    "This works on one record at a time; %(count)s were given.",
                    count=len(self._ids),
                )
            )
        return self
