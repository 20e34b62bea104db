from odoo import api, models

# Context token of list reads, which are not openings. An RPC client can send
# any context, but not this object: it cannot read without being logged.
_LISTING = object()


class BtiAccessLogged(models.AbstractModel):
    """Records whose openings are written in the access log (bti.access.log).

    Opening one record is logged by the inheriting model; a list or kanban
    (``web_search_read``) reads many and is not an opening.
    """

    _name = "bti.access.logged"
    _description = "BTI Access-Logged Record"

    def _bti_is_listing(self):
        return self.env.context.get("bti_no_access_log") is _LISTING

    @api.model
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        return super(
            BtiAccessLogged, self.with_context(bti_no_access_log=_LISTING)
        ).web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )
