from odoo import api, fields, models


class BtiService(models.Model):
    """A municipal service or unit in BTI (a kindergarten, a school, PPT...).

    The access settings on this record are the per-service policy that
    administrators configure; record rules read them, so they are enforced for
    every access path, not only in the views.
    """

    _name = "bti.service"
    _description = "BTI Service"
    _inherit = ["bti.chatter.shape", "bti.protected.mixin"]
    # Configuration, kept by BTI administrators (their rights and rules decide
    # who; the lists say what): every field but the computed count.
    _bti_create_fields = frozenset(
        {
            "name",
            "code",
            "active",
            "kind",
            "guide_family",
            "member_ids",
            "leader_ids",
            "email",
            "phone",
            "street",
            "zip",
            "city",
            "may_open_cases",
            "may_hold_baton",
            "is_child_welfare",
            "read_scope",
            "info_category_ids",
        }
    )
    _bti_write_fields = {"*": _bti_create_fields}
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char()
    active = fields.Boolean(default=True, tracking=True)
    kind = fields.Selection(
        [
            ("basis", "Basis service"),
            ("help", "Help service"),
            ("adult", "Adult service"),
            ("specialist", "Specialist service"),
        ],
        required=True,
        default="basis",
        tracking=True,
    )
    guide_family = fields.Selection(
        [
            ("kindergarten_school", "Kindergarten and school"),
            ("help", "Municipal help service"),
            ("adult", "Adult service"),
        ],
        string="Action Guide Family",
        required=True,
        default="kindergarten_school",
        tracking=True,
    )
    member_ids = fields.Many2many(
        "res.users",
        "bti_service_member_rel",
        "service_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
    )
    leader_ids = fields.Many2many(
        "res.users",
        "bti_service_leader_rel",
        "service_id",
        "user_id",
        string="Leaders",
        domain=[("share", "=", False)],
    )
    email = fields.Char()
    phone = fields.Char()
    street = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    may_open_cases = fields.Boolean(
        default=True,
        tracking=True,
        help="Members of this service may open new BTI cases.",
    )
    may_hold_baton = fields.Boolean(
        default=True,
        tracking=True,
        help="Members of this service may be the stafettholder of a case.",
    )
    is_child_welfare = fields.Boolean(
        string="Child Welfare Service",
        tracking=True,
        help="The child welfare service (barneverntjenesten): it may lift a "
        "suspicion of violence or abuse on a case it takes part in.",
    )
    read_scope = fields.Selection(
        [
            ("own", "Only what its own members wrote"),
            ("shared", "Everything shared with participating services"),
        ],
        required=True,
        default="shared",
        tracking=True,
    )
    info_category_ids = fields.Many2many(
        "bti.info.category",
        string="Readable Information Categories",
        help="Categories of information the members of this service may read.",
    )
    member_count = fields.Integer(compute="_compute_member_count")

    _sql_constraints = [
        ("name_unique", "unique(name)", "A service with this name already exists."),
    ]

    @api.depends("member_ids")
    def _compute_member_count(self):
        for service in self:
            service.member_count = len(service.member_ids)

    @api.model
    def _default_info_categories(self):
        return self.env["bti.info.category"].search([("is_health", "=", False)])

    @api.model_create_multi
    def create(self, vals_list):
        self._bti_check_vals_shape(vals_list)
        for vals in vals_list:
            if "info_category_ids" not in vals:
                vals["info_category_ids"] = [
                    fields.Command.set(self._default_info_categories().ids)
                ]
        return super().create(vals_list)
