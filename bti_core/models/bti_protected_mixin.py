import csv
import logging

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import file_open
from odoo.tools.translate import LazyTranslate

from .abstract_guard import refuse_abstract
from .bti_vals_shape import check_required, check_vals_list

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

# Context token of the checked transitions (the action_* methods and the
# system): an RPC client can send any context, but not this object.
_TRANSITION = object()

# Fields the mail and activity machinery writes on any record of a user.
MAIL_FIELDS = frozenset(
    {
        "message_follower_ids",
        "message_main_attachment_id",
        "activity_ids",
        "message_ids",
        "website_message_ids",
    }
)

ACTION_POLICY_FILE = "security/action_policy.csv"

ROLE_LABELS = {
    "holder": _lt("the stafettholder"),
    "proposed_holder": _lt("the proposed stafettholder"),
    "owner_member": _lt("the owning service"),
    "participant": _lt("a participating service"),
    "leader": _lt("a service leader"),
    "child_welfare": _lt("the child welfare service"),
    "manager": _lt("a BTI administrator"),
    "author": _lt("the author"),
    "invitee": _lt("an invited person"),
    "responsible": _lt("the responsible service"),
    "organizer": _lt("the organizer"),
    "proposer": _lt("who proposed it"),
    "recipient": _lt("the service it was sent to"),
    "family": _lt("the family"),
}

# Parsed action tables, per set of installed BTI addons.
_ACTION_TABLES = {}


def load_action_table(modules):
    """``{(model, action): [(roles, states), ...]}`` from the action tables of
    ``modules`` (each ``<module>/security/action_policy.csv`` that exists)."""
    key = frozenset(modules)
    if key in _ACTION_TABLES:
        return _ACTION_TABLES[key]
    table = {}
    for module in sorted(key):
        try:
            with file_open(f"{module}/{ACTION_POLICY_FILE}") as handle:
                lines = [
                    line for line in handle if line.strip() and not line.startswith("#")
                ]
        except FileNotFoundError:
            continue
        for row in csv.DictReader(lines):
            roles = frozenset(row["roles"].split())
            unknown = roles - set(ROLE_LABELS)
            if unknown:
                raise ValueError(f"{module}: unknown roles {unknown} in {row}")
            table.setdefault((row["model"], row["action"]), []).append(
                (roles, frozenset(row["states"].split()))
            )
    _ACTION_TABLES[key] = table
    return table


class BtiProtectedMixin(models.AbstractModel):
    """Write protection and action checks of every BTI model, declared once.

    * **Fields**: a model declares which fields a user may set when creating
      (``_bti_create_fields``) and which they may change, per state
      (``_bti_write_fields``: ``{state: fields}``, ``"*"`` for every state).
      Everything else (states, authors, links the system sets, stored
      computed fields, flags) is refused over ``create``, ``write`` and the
      one2many commands of a parent, except inside a checked transition
      (``_bti_system_write``/``_bti_system_create``) or as the superuser.
    * **Actions**: who may run each ``action_*`` (and ``create``, ``write``,
      ``unlink`` where listed) in which states is data: the
      ``security/action_policy.csv`` of each BTI addon. Every action calls
      :meth:`_bti_check_action`, the one check.
    """

    _name = "bti.protected.mixin"
    _inherit = ["bti.single.record"]
    _description = "BTI Protected Record"

    # Declarations of the inheriting models.
    _bti_create_fields = frozenset()
    _bti_write_fields = {}
    # States that are final records (a closed case, a held meeting …):
    # nothing is written in them outside a transition, not even by the system.
    _bti_frozen_states = frozenset()
    # Records of a case are never duplicated (a copy would be a second case,
    # a second consent, a second holder …): copy() refuses them.
    _bti_no_copy = False

    @api.model
    def _bti_today(self):
        """The BTI date (the municipality's local date), for field defaults."""
        return self.env["bti.access.policy"]._today()

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def _bti_in_transition(self):
        return self.env.context.get("bti_transition") is _TRANSITION

    def _bti_transition(self):
        """These records, in a checked transition: the allow-lists step aside."""
        return self.with_context(bti_transition=_TRANSITION)

    def _bti_system_write(self, vals):
        """Write fields only the transitions write (after their checks)."""
        return self._bti_transition().write(vals)

    def _bti_guarded(self):
        return not self.env.su and not self._bti_in_transition()

    # ------------------------------------------------------------------
    # Allow-lists
    # ------------------------------------------------------------------
    def _bti_guard_state(self):
        """The state the write allow-list is chosen by."""
        return self.state if "state" in self._fields else "*"

    @api.model
    def _bti_allowed_write_fields(self, state):
        declared = self._bti_write_fields
        return set(declared.get("*", ())) | set(declared.get(state, ())) | MAIL_FIELDS

    @api.model
    def _bti_refuse_fields(self, names, record=None):
        labels = ", ".join(
            sorted(
                self._fields[name]._description_string(self.env)
                if name in self._fields
                else name
                for name in names
            )
        )
        if record:
            raise UserError(
                _(
                    "%(fields)s of %(record)s cannot be set here: they change only "
                    "through the actions of the record, or not at all.",
                    fields=labels,
                    record=record.display_name,
                )
            )
        raise UserError(
            _(
                "%(fields)s cannot be set when creating %(model)s: they are set by "
                "the system or through the actions of the record.",
                fields=labels,
                model=self._description,
            )
        )

    def _bti_check_create_vals(self, vals_list):
        allowed = set(self._bti_create_fields) | MAIL_FIELDS
        for vals in vals_list:
            forbidden = set(vals) - allowed
            if forbidden:
                # A form sends the defaults of every field it shows: the default
                # (or nothing) is no forgery.
                defaults = self.default_get(list(forbidden))
                forbidden = {
                    name
                    for name in forbidden
                    if not self._bti_is_default(name, vals[name], defaults)
                }
            if forbidden:
                # Missing rights first: an AccessError says more than the list.
                self.browse().check_access("create")
                self._bti_refuse_fields(forbidden)

    @api.model
    def _bti_is_default(self, name, value, defaults):
        field = self._fields.get(name)
        if field and field.type in ("one2many", "many2many"):
            commands = value or []
            if not isinstance(commands, (list, tuple)):
                return False
            # Malformed commands (a client's, e.g. ``[]`` or ``[6]``) are no
            # default: the field is refused as set, never an IndexError.
            return all(
                isinstance(command, (list, tuple))
                and command
                and (
                    command[0] == 5
                    or (command[0] == 6 and len(command) == 3 and not command[2])
                )
                for command in commands
            )
        if name in defaults:
            return value == defaults[name]
        return not value

    def _bti_check_write_vals(self, vals):
        by_state = {}
        for record in self:
            by_state.setdefault(record._bti_guard_state(), record)
        for state, record in by_state.items():
            forbidden = set(vals) - self._bti_allowed_write_fields(state)
            if forbidden:
                # Missing rights first: an AccessError says more than the list.
                # (Only on refusal: the ORM's write checks the rights anyway.)
                self.check_access("write")
                self._bti_refuse_fields(forbidden, record)

    @api.model
    def _bti_check_vals_shape(self, vals_list):
        """Refuse malformed values in words (bti_vals_shape). The first call
        of every override of ``create``/``write`` that reads the values
        before this mixin does."""
        check_vals_list(self, vals_list)

    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        """Hook: return ``vals_list`` with the values the system sets
        (references, authors, links), after the client's values passed the
        allow-list."""
        return vals_list

    def _bti_prepare_write_vals(self, vals):
        """Hook: return ``vals`` with what the system adds to a write."""
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        # First of all: every hook below reads these values.
        self._bti_check_vals_shape(vals_list)
        guarded = self._bti_guarded()
        if guarded:
            self._bti_check_create_vals(vals_list)
        vals_list = self._bti_prepare_create_vals(vals_list)
        check_required(self, vals_list)
        records = super().create(vals_list)
        if guarded and self._bti_action_rows("create"):
            records._bti_check_action("create")
        return records

    def write(self, vals):
        self._bti_check_vals_shape([vals])
        if self._bti_frozen_states and not self._bti_in_transition():
            frozen = self.filtered(
                lambda r: r._bti_guard_state() in self._bti_frozen_states
            )
            if frozen and set(vals) - MAIL_FIELDS:
                raise UserError(
                    _(
                        "%s is a closed record and can no longer be changed.",
                        frozen[0].display_name,
                    )
                )
        if self._bti_guarded():
            self._bti_check_write_vals(vals)
            if self._bti_action_rows("write"):
                self._bti_check_action("write")
        return super().write(self._bti_prepare_write_vals(vals))

    def copy(self, default=None):
        refuse_abstract(self)
        if default is not None:
            self._bti_check_vals_shape([default])
        if self._bti_no_copy:
            raise UserError(
                _(
                    "%(kind)s cannot be duplicated: create a new one instead.",
                    kind=self.env["ir.model"]._get(self._name).name,
                )
            )
        return super().copy(default)

    def unlink(self):
        refuse_abstract(self)
        if self._bti_guarded() and self._bti_action_rows("unlink"):
            self._bti_check_action("unlink")
        return super().unlink()

    # ------------------------------------------------------------------
    # The action table
    # ------------------------------------------------------------------
    @api.model
    def _bti_action_table(self):
        # The tables of the addons that define or extend this model (also
        # while one of them is being installed and loads its data).
        modules = {getattr(cls, "_module", None) or "" for cls in type(self).__mro__}
        return load_action_table(name for name in modules if name.startswith("bti_"))

    @api.model
    def _bti_action_rows(self, action):
        return self._bti_action_table().get((self._name, action), [])

    def _bti_action_case(self):
        """The case whose roles decide (the case itself on bti.case)."""
        return self.case_id

    def _bti_action_state(self):
        """The state the action table's ``states`` speak of: the record's own
        state, else its case's."""
        if "state" in self._fields:
            return self.state
        # sudo: called inside the check, for users who may not read the case.
        return self._bti_action_case().sudo().state or "*"

    def _bti_action_roles(self, user):
        """The roles ``user`` has on this record: those on its case, and what
        the model adds (author, invitee, …) in :meth:`_bti_record_roles`."""
        self.ensure_one()
        policy = self.env["bti.access.policy"]
        roles = policy._case_roles(self._bti_action_case(), user)
        return roles | self._bti_record_roles(user)

    def _bti_record_roles(self, user):
        return set()

    def _bti_action_label(self):
        """How a refusal names the record: its name only for whoever reads it."""
        if self.sudo(False).has_access("read"):
            return self.sudo(False).display_name
        return self.env["ir.model"]._get(self._name).name

    def _bti_may(self, action):
        """Whether the current user may run ``action`` on this record now."""
        self.ensure_one()
        try:
            self._bti_check_action(action)
        except UserError:
            return False
        return True

    def _bti_check_action(self, action):
        """Refuse ``action`` on these records unless the current user has a
        role the action table allows in the record's state. The superuser
        (the system, inside a checked transition) passes."""
        if self.env.su:
            return True
        rows = self._bti_action_rows(action)
        if not rows:
            # Fail closed: an action nobody listed is nobody's. A mixin holds
            # no records: a client calling it directly (over RPC) is refused
            # without an error in the log, which is for a real model's gap.
            if not self._abstract:
                _logger.error(
                    "No row for %s.%s in the action table", self._name, action
                )
            raise AccessError(_("This action is not allowed."))
        user = self.env.user
        # sudo: the check reads states and roles, which a user who may not run
        # the action may not be able to read; only a decision leaves.
        for record in self.sudo():
            state = record._bti_action_state()
            in_state = [
                roles for roles, states in rows if "*" in states or state in states
            ]
            if not in_state:
                raise UserError(
                    _(
                        "This cannot be done on %(record)s in its present state.",
                        record=record._bti_action_label(),
                    )
                )
            roles = record._bti_action_roles(user)
            if not any(allowed & roles for allowed in in_state):
                # The language _() below finds: the context's, else the user's.
                lang = self.env.lang or self.env.user.lang or "en_US"
                names = {name for allowed in in_state for name in allowed}
                who = sorted(ROLE_LABELS[name]._translate(lang) for name in names)
                raise AccessError(
                    _(
                        "Only %(who)s may do this on %(record)s.",
                        who=", ".join(who),
                        record=record._bti_action_label(),
                    )
                )
        return True
