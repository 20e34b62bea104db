from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError

# The kinds of bti.service (a template for one of them, or for every service).
SERVICE_KINDS = [
    ("basis", "Basis service"),
    ("help", "Help service"),
    ("adult", "Adult service"),
    ("specialist", "Specialist service"),
]
# What the administrators keep (their access rights allow nobody else to write).
TEMPLATE_FIELDS = frozenset(
    {
        "name",
        "kind",
        "service_kind",
        "age_from",
        "age_to",
        "internal",
        "sequence",
        "active",
        "description",
        "question_ids",
    }
)


class BtiToolMappingTemplate(models.Model):
    """A question template of the mapping form (kartleggingsskjema), per
    service kind and age group: plain questions, the risk and protective
    factors, or the adult services' questions on children as next of kin.

    Kept by administrators. A mapping copies the questions when it is
    written, so changing a template never changes a written mapping.
    """

    _name = "bti.tool.mapping.template"
    _description = "BTI Mapping Template"
    _inherit = ["bti.chatter.shape", "bti.protected.mixin"]
    _order = "sequence, id"
    _bti_create_fields = TEMPLATE_FIELDS
    _bti_write_fields = {"*": _bti_create_fields}

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(
        [
            ("questions", "Questions"),
            ("risk_protective", "Risk and protective factors"),
            ("next_of_kin", "Children as next of kin"),
        ],
        required=True,
        default="questions",
        tracking=True,
    )
    service_kind = fields.Selection(
        SERVICE_KINDS,
        string="For Service Kind",
        tracking=True,
        help="The kind of service the template is made for. Empty: every service.",
    )
    age_from = fields.Integer(
        string="From Age", help="In years; 0: no lower bound.", tracking=True
    )
    age_to = fields.Integer(
        string="To Age", help="In years; 0: no upper bound.", tracking=True
    )
    internal = fields.Boolean(
        string="Internal working tool",
        tracking=True,
        help="A mapping with this template is never shown to the family.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Text(
        help="Guidance shown to whoever fills in the mapping: what it is for and "
        "how to use it."
    )
    question_ids = fields.One2many(
        "bti.tool.mapping.question", "template_id", copy=True
    )
    question_count = fields.Integer(compute="_compute_question_count")

    @api.depends("question_ids")
    def _compute_question_count(self):
        for template in self:
            template.question_count = len(template.question_ids)

    @api.constrains("age_from", "age_to")
    def _check_ages(self):
        for template in self:
            if template.age_from < 0 or template.age_to < 0:
                raise ValidationError(
                    _(
                        "The ages of %(template)s cannot be negative.",
                        template=template.name,
                    )
                )
            if (
                template.age_from
                and template.age_to
                and template.age_to < template.age_from
            ):
                raise ValidationError(
                    _(
                        "The age group of %(template)s ends before it begins: "
                        "%(age_to)s is lower than %(age_from)s.",
                        template=template.name,
                        age_to=template.age_to,
                        age_from=template.age_from,
                    )
                )

    def _bti_fits(self, service_kind, age):
        """Whether this template is made for a service of ``service_kind``
        and a child of ``age`` years (None: unknown, then only a template
        without an age group fits)."""
        self.ensure_one()
        if self.service_kind and self.service_kind != service_kind:
            return False
        if age is None:
            return not self.age_from and not self.age_to
        return (not self.age_from or self.age_from <= age) and (
            not self.age_to or age <= self.age_to
        )

    def _bti_answer_commands(self):
        """The answer lines of a new mapping with this template: copies of
        its questions."""
        return [
            Command.create(
                {
                    "sequence": question.sequence,
                    "section": question.section,
                    "factor": question.factor,
                    "question": question.name,
                }
            )
            for question in self.question_ids
        ]
