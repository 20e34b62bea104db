from odoo import models

from .abstract_guard import refuse_abstract
from .bti_mail_thread import check_message_kwargs


class BtiChatterShape(models.AbstractModel):
    """Odoo's own chatter for BTI records that belong to no case (services,
    the measure catalogue, mapping templates): the chatter's arguments are
    checked in shape as on the records of a case (bti.mail.thread), before
    Odoo's code or PostgreSQL reads them."""

    _name = "bti.chatter.shape"
    _description = "BTI Shape of Chatter Arguments"
    _inherit = ["mail.thread"]

    def message_post(self, **kwargs):
        refuse_abstract(self)
        check_message_kwargs(self.env, kwargs)
        return super().message_post(**kwargs)

    def message_notify(self, **kwargs):
        refuse_abstract(self)
        check_message_kwargs(self.env, kwargs)
        return super().message_notify(**kwargs)
