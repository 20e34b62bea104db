from odoo import _, api, fields, models

GUARDIAN_FIELDS = frozenset(
    {
        "partner_id",
        "relation",
        "parental_responsibility",
        "lives_with_child",
        "phone",
        "email",
        "note",
    }
)


# How a guardian is related to the child (also the family's choice on a
# request for a stafettholder, bti_portal). "other" stays last.
GUARDIAN_RELATIONS = [
    ("mother", "Mother"),
    ("father", "Father"),
    ("parent", "Parent"),
    ("foster_parent", "Foster parent"),
    ("guardian", "Appointed guardian"),
    ("other", "Other"),
]


class BtiCaseGuardian(models.Model):
    """A parent or guardian of the case's subject (foresatt)."""

    _name = "bti.case.guardian"
    _description = "BTI Case Guardian"
    _inherit = ["bti.protected.mixin", "bti.access.logged", "bti.access.source"]
    _bti_no_copy = True
    _order = "case_id, parental_responsibility desc, id"
    # Who may add, change or remove a guardian is the action table's
    # (create/write/unlink rows): consent trusts these lines.
    _bti_create_fields = GUARDIAN_FIELDS | {"case_id"}
    _bti_write_fields = {"*": GUARDIAN_FIELDS}

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, ondelete="restrict", index=True
    )
    relation = fields.Selection(
        GUARDIAN_RELATIONS,
        required=True,
        default="parent",
    )
    parental_responsibility = fields.Boolean(default=True)
    lives_with_child = fields.Boolean(default=True)
    phone = fields.Char(related="partner_id.phone", readonly=False)
    email = fields.Char(related="partner_id.email", readonly=False)
    note = fields.Char()

    _sql_constraints = [
        (
            "partner_case_unique",
            "unique(case_id, partner_id)",
            "This person is already a guardian on the case.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self._bti_check_vals_shape(vals_list)
        self.env["res.partner"].browse(
            [vals["partner_id"] for vals in vals_list if vals.get("partner_id")]
        )._bti_check_nameable()
        guardians = super().create(vals_list)
        guardians.partner_id._bti_mark_confidential()
        for guardian in guardians:
            guardian._bti_track(_("Guardian added: %s.", guardian.partner_id.name))
        return guardians

    def write(self, vals):
        self._bti_check_vals_shape([vals])
        if vals.get("partner_id"):
            self.env["res.partner"].browse(vals["partner_id"])._bti_check_nameable()
        before = {guardian: guardian.partner_id.name for guardian in self}
        res = super().write(vals)
        if "partner_id" in vals:
            self.partner_id._bti_mark_confidential()
        labels = ", ".join(
            self._fields[name]._description_string(self.env)
            for name in vals
            if name in GUARDIAN_FIELDS
        )
        if labels:
            for guardian, name in before.items():
                guardian._bti_track(
                    _(
                        "Guardian %(name)s changed: %(fields)s.",
                        name=name,
                        fields=labels,
                    )
                )
        return res

    def unlink(self):
        for guardian in self:
            guardian._bti_track(_("Guardian removed: %s.", guardian.partner_id.name))
        return super().unlink()

    def _bti_track(self, body):
        """Every change of the guardians is in the case's chatter: consent
        trusts these lines."""
        self.case_id.message_post(body=body, subtype_xmlid="mail.mt_note")
