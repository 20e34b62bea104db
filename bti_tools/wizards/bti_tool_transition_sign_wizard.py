from odoo import api, fields, models


class BtiToolTransitionSignWizard(models.TransientModel):
    """The parents' decision on a transition form and its signatures: in the
    system (the guardians with parental responsibility and the kindergarten
    teacher) or the scan of the paper form. The form records them after its
    own checks (bti.tool.transition._bti_record_signatures)."""

    _name = "bti.tool.transition.sign.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Sign a Transition Form"

    transition_id = fields.Many2one(
        "bti.tool.transition",
        string="Transition Form",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    method = fields.Selection(
        [("system", "In the system"), ("paper", "On paper")],
        string="Signed",
        required=True,
        default="system",
    )
    decision = fields.Selection(
        [
            ("pass_on", "Pass the form on to the school"),
            ("declined", "Decline: nothing is passed on"),
        ],
        string="The Parents' Decision",
        required=True,
        default="pass_on",
    )
    guardian_partner_ids = fields.Many2many(
        "res.partner",
        string="Guardians With Parental Responsibility",
        compute="_compute_guardian_partner_ids",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "bti_tool_transition_sign_wizard_partner_rel",
        "wizard_id",
        "partner_id",
        string="Guardians Signing",
        compute="_compute_partner_ids",
        store=True,
        readonly=False,
        help="The guardians with parental responsibility who sign now.",
    )
    teacher_signs = fields.Boolean(
        string="I Sign as the Kindergarten Teacher", default=True
    )
    scan = fields.Binary(string="Scan of the Signed Form")
    scan_name = fields.Char(string="File Name")
    date = fields.Date(
        string="Signed On",
        required=True,
        default=lambda self: self.env["bti.access.policy"]._today(),
    )

    @api.depends("transition_id")
    def _compute_guardian_partner_ids(self):
        for wizard in self:
            wizard.guardian_partner_ids = (
                wizard.transition_id._bti_guardians() if wizard.transition_id else False
            )

    @api.depends("transition_id")
    def _compute_partner_ids(self):
        for wizard in self:
            form = wizard.transition_id
            wizard.partner_ids = (
                form._bti_guardians() - form.sudo().signed_partner_ids
                if form
                else False
            )

    def action_confirm(self):
        self.ensure_one()
        self.transition_id._bti_record_signatures(
            self.method,
            self.decision,
            partners=self.partner_ids if self.method == "system" else None,
            teacher_signs=self.method == "system" and self.teacher_signs,
            scan=self.scan if self.method == "paper" else False,
            scan_name=self.scan_name,
            date=self.date,
        )
        return {"type": "ir.actions.act_window_close"}
