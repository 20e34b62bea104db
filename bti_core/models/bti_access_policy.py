from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..rules import age as age_rules
from ..rules import dates
from .cached_domain import cached_match

# From this age a young person's health information is not shown to the
# parents unless the young person allows it (pasient- og
# brukerrettighetsloven § 3-4).
HEALTH_PRIVACY_AGE = 16


class IdsSQL(SQL):
    """``SELECT unnest(ids)``, the ids as one array literal: one parameter
    instead of thousands for psycopg2 to quote in every query of a request
    (a school member reaches 1,200 cases and 3,000 persons). ``ids`` stays
    for :meth:`BtiAccessPolicy._matching`, which evaluates it in Python."""

    __slots__ = ("ids",)

    def __init__(self, ids):
        super().__init__(
            "(SELECT unnest(%s::int4[]))", "{" + ",".join(map(str, ids)) + "}"
        )
        self.ids = ids


class BtiAccessPolicy(models.AbstractModel):
    """The access policy of BTI in one place.

    Every record rule, the content mixin, the partner rule and every action
    check ask this model: which services a user reaches cases through, which
    cases and which content they see, what they may do on a case, and what
    "today" is. Nothing here is stored; everything is asked at query time, so
    access follows consent dates on the day itself.
    """

    _name = "bti.access.policy"
    _description = "BTI Access Policy"

    # The policy's memory of one transaction: which cases each service takes
    # part in with access today, asked of the database once and then reused by
    # every record rule of the request (a form checks the rules of a dozen
    # models; each asked the whole set again). The policy has no table: its
    # "records" are keys, one per service id. The values live in the ORM
    # cache, so a rollback (also to a savepoint) and invalidate_all() drop
    # them with everything else; a change of a participation or a consent
    # drops them at once (bti.access.source), and so does a new day.
    # An abstract model has no id field of its own.
    id = fields.Id(automatic=True)
    # active_test False: reading the memo must not read the cases themselves.
    owned_case_ids = fields.Many2many(
        "bti.case",
        string="Cases Owned",
        compute="_compute_granted_cases",
        store=False,
        context={"active_test": False},
    )
    joined_case_ids = fields.Many2many(
        "bti.case",
        string="Cases Joined",
        compute="_compute_granted_cases",
        store=False,
        context={"active_test": False},
    )
    granted_day = fields.Date(
        string="Day Asked", compute="_compute_granted_cases", store=False
    )
    # The children and guardians of those cases (the partner rule).
    granted_partner_ids = fields.Many2many(
        "res.partner",
        string="Persons Reached",
        compute="_compute_granted_partners",
        store=False,
        context={"active_test": False},
    )

    # ------------------------------------------------------------------
    # The BTI date
    # ------------------------------------------------------------------
    @api.model
    def _timezone(self):
        # sudo: a setting of the administrators that every user's dates follow.
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bti_core.timezone", dates.DEFAULT_TIMEZONE)
        )

    @api.model
    def _today(self):
        """The municipality's local date: the same for every user and job."""
        return dates.local_today(self._timezone())

    @api.model
    def _date_of(self, moment):
        """The municipality's local date at ``moment`` (a UTC datetime)."""
        return dates.local_today(self._timezone(), moment)

    # ------------------------------------------------------------------
    # Staff: services and cases
    # ------------------------------------------------------------------
    @api.model
    def _services(self, user=None):
        """The services through which ``user`` reaches cases: those they belong
        to, and those they lead if they are a leader (None: not a BTI user)."""
        user = user or self.env.user
        if not user.has_group("bti_core.group_bti_user"):
            return None
        # sudo: memberships decide access; reading them needs no right of its own.
        user_sudo = user.sudo()
        services = user_sudo.bti_service_ids
        if user.has_group("bti_core.group_bti_leader"):
            services |= user_sudo.bti_led_service_ids
        return services.sudo(False)

    @api.model
    def _granted_sql(self, select, services=None, on_date=None, participant_ids=None):
        """SQL selecting ``select`` (columns of ``bti_case_participant AS p``)
        of the participations that give access on ``on_date`` (default today),
        among ``services`` and ``participant_ids`` when given.

        The owning service always has access; any other service while a given
        consent covers it on that day: ``valid_from`` and ``valid_until`` are
        compared here, at query time, so access starts and ends on the day
        itself. Two branches joined by UNION ALL, each answered from indexes
        (an ``OR EXISTS`` would make PostgreSQL hash every valid consent of the
        database on every query). The consents of each participation are
        looked up by its case (``LATERAL ... LIMIT 1``): a join let the
        planner hash every valid consent of the database instead, 4-10x
        slower for a school's 1,200 cases. Use it with IN or DISTINCT."""
        self._flush_access()
        on_date = on_date or self._today()
        filters = [SQL("p.active")]
        if services is not None:
            filters.append(SQL("p.service_id = ANY(%s)", list(services.ids)))
        if participant_ids is not None:
            filters.append(SQL("p.id = ANY(%s)", list(participant_ids)))
        where = SQL(" AND ").join(filters)
        return SQL(
            "(SELECT %(select)s FROM bti_case_participant p"
            " WHERE %(where)s AND p.is_owner"
            " UNION ALL"
            " SELECT %(select)s FROM bti_case_participant p"
            " CROSS JOIN LATERAL (SELECT 1 FROM bti_consent c"
            " JOIN bti_consent_bti_service_rel r"
            " ON r.bti_consent_id = c.id AND r.bti_service_id = p.service_id"
            " WHERE c.case_id = p.case_id AND c.state = 'given'"
            " AND c.valid_from <= %(day)s"
            " AND (c.valid_until IS NULL OR c.valid_until >= %(day)s) LIMIT 1) ok"
            " WHERE %(where)s AND NOT p.is_owner)",
            select=select,
            where=where,
            day=on_date,
        )

    @api.model
    def _flush_access(self):
        """Flush what the policy's SQL reads (participations and consents)."""
        self.env["bti.case.participant"].flush_model(
            ["active", "is_owner", "case_id", "service_id"]
        )
        self.env["bti.consent"].flush_model(
            ["state", "valid_from", "valid_until", "case_id", "service_ids"]
        )

    @api.model
    def _valid_consents(self, case, on_date=None):
        """The given consents of ``case`` that are valid on ``on_date``."""
        case.ensure_one()
        on_date = on_date or self._today()
        # sudo: consents decide access; a joining service cannot read them yet.
        return case.sudo().consent_ids.filtered(
            lambda c: (
                c.state == "given"
                and (not c.valid_from or c.valid_from <= on_date)
                and (not c.valid_until or c.valid_until >= on_date)
            )
        )

    @api.model
    def _consents_covering(self, case, service, on_date=None):
        """The consents of ``case`` valid on ``on_date`` that cover ``service``."""
        return self._valid_consents(case, on_date).filtered(
            lambda c: service in c.service_ids
        )

    def _compute_granted_cases(self):
        """For every service (record id) at once: the cases it owns and those
        it joined with a consent valid today."""
        owned = {key.id: [] for key in self}
        joined = {key.id: [] for key in self}
        rows = self.env.execute_query(
            self._granted_sql(
                SQL("p.service_id, p.case_id, p.is_owner"),
                services=self.env["bti.service"].browse(list(owned)),
            )
        )
        for service_id, case_id, is_owner in rows:
            (owned if is_owner else joined)[service_id].append(case_id)
        self._set_memo("owned_case_ids", [tuple(sorted(owned[k])) for k in self._ids])
        self._set_memo("joined_case_ids", [tuple(sorted(joined[k])) for k in self._ids])
        self._set_memo("granted_day", [self._today()] * len(self))

    def _compute_granted_partners(self):
        case_ids = {
            key.id: key.owned_case_ids._ids + key.joined_case_ids._ids for key in self
        }
        every_case = sorted({case_id for ids in case_ids.values() for case_id in ids})
        partners_of = {}
        if every_case:
            rows = self.env.execute_query(
                SQL(
                    "SELECT id, subject_partner_id FROM bti_case"
                    " WHERE id IN %(ids)s AND subject_partner_id IS NOT NULL"
                    " UNION ALL SELECT case_id, partner_id FROM bti_case_guardian"
                    " WHERE case_id IN %(ids)s",
                    ids=IdsSQL(every_case),
                )
            )
            for case_id, partner_id in rows:
                partners_of.setdefault(case_id, set()).add(partner_id)
        values = []
        for key in self:
            partner_ids = set()
            for case_id in case_ids[key.id]:
                partner_ids |= partners_of.get(case_id, set())
            values.append(tuple(sorted(partner_ids)))
        self._set_memo("granted_partner_ids", values)

    def _set_memo(self, fname, values):
        # Straight into the cache: assigning thousands of ids to a Many2many
        # would update inverse caches record by record (a third of a school
        # member's case form).
        self.env.cache.update(self, self._fields[fname], values)

    @api.model
    def _granted_memo(self, services):
        """The memo of ``services`` for today (see ``owned_case_ids``)."""
        # The keys prefetch together: one query for all of a user's services.
        keys = self.browse(services.ids)
        today = self._today()
        if any(key.granted_day != today for key in keys):
            self._forget_granted()
        return keys

    @api.model
    def _forget_granted(self):
        """Drop the memo: participations, consents or the persons of a case
        changed."""
        self.invalidate_model(
            ["owned_case_ids", "joined_case_ids", "granted_day", "granted_partner_ids"],
            flush=False,
        )

    @api.model
    def _participation_case_ids(self, services):
        """The ids of the cases in which one of ``services`` takes part with
        access today (the memo of the transaction)."""
        ids = set()
        for key in self._granted_memo(services):
            ids.update(key.owned_case_ids._ids)
            ids.update(key.joined_case_ids._ids)
        return sorted(ids)

    @api.model
    def _access_service_by_case(self, case_ids, user=None):
        """Map case id -> the service through which ``user`` reaches the case:
        a service owning it first, else the first (lowest id) that joined."""
        services = self._services(user)
        if not services or not case_ids:
            return {}
        wanted = set(case_ids)
        owner, joined = {}, {}
        for key in sorted(self._granted_memo(services), key=lambda k: k.id):
            for case_id in wanted.intersection(key.owned_case_ids._ids):
                owner.setdefault(case_id, key.id)
            for case_id in wanted.intersection(key.joined_case_ids._ids):
                joined.setdefault(case_id, key.id)
        return {**joined, **owner}

    @api.model
    def _matching(self, records, domain):
        """The saved ``records`` (any, archived too) that match ``domain``,
        for a policy flag's compute (``is_accessible``, ``is_readable``),
        which Odoo asks again on records it just fetched under the rules
        (``check_access`` in ``fetch``): from the cache when every value the
        domain compares is there (the memo's literal ids make that the usual
        case), else in one query."""
        saved = records.browse([rid for rid in records._ids if isinstance(rid, int)])
        # sudo: the policy domain is applied explicitly, not through the rules.
        saved = saved.sudo().with_context(active_test=False)
        if not saved:
            return saved
        python_domain = []
        for leaf in domain:
            if (
                isinstance(leaf, (list, tuple))
                and len(leaf) == 3
                and isinstance(leaf[2], IdsSQL)
                and leaf[1] == "in"
            ):
                leaf = (leaf[0], "in", leaf[2].ids)
            python_domain.append(leaf)
        # Without a fetch (it would be logged as a read): cached values only.
        matched = cached_match(saved, python_domain)
        if matched is not None:
            return matched
        return saved.search(expression.AND([[("id", "in", saved.ids)], domain]))

    @api.model
    def _case_domain(self, user=None):
        """The cases ``user`` may see: members of a service taking part with
        access (the owning service always, others while a valid consent covers
        them); leaders also through the services they lead."""
        services = self._services(user)
        if services is None:
            return expression.FALSE_DOMAIN
        return [("id", "in", IdsSQL(self._participation_case_ids(services)))]

    @api.model
    def _case_ids(self, user=None):
        """The ids of the cases ``user`` may see (None: not a BTI user)."""
        services = self._services(user)
        if services is None:
            return None
        return self._participation_case_ids(services)

    @api.model
    def _content_domain(self, model, user=None):
        """The records of ``model`` (a bti.case.content.mixin) ``user`` reads:
        through a service of theirs taking part with access, the service's own
        content and, with a shared read scope, the shared content, in an
        information category the service may read; plus what the model lets
        the user read in person (``_bti_readable_user_branches``)."""
        user = user or self.env.user
        services = self._services(user)
        if not services:
            return expression.FALSE_DOMAIN
        several = len(services) > 1
        branches = []
        for service in services:
            for branch in model._bti_readable_service_branches(service):
                if several:
                    # Each service reads through its own participation.
                    branch = expression.AND([self._content_of(service), branch])
                branches.append(branch)
        branches += model._bti_readable_user_branches(user)
        # The participation once, at the top: PostgreSQL starts from the
        # reader's cases (an index), and the branches test plain columns.
        return expression.AND([self._content_of(services), expression.OR(branches)])

    @api.model
    def _content_of(self, services):
        """Content of the cases in which one of ``services`` takes part with access."""
        return [("case_id", "in", IdsSQL(self._participation_case_ids(services)))]

    @api.model
    def _family_content_domain(self):
        """What of a case's content reaches its family (the paper copy of the
        log; bti_portal's pages): what was shared with the family, and
        nothing while violence or abuse is suspected on the case."""
        return [
            ("visibility", "=", "family"),
            ("case_id.violence_suspicion", "=", False),
        ]

    @api.model
    def _family_copy_domain(self, case):
        """What of ``case`` goes into the family's paper copy, which the
        parents get: what reaches the family, less the health information of
        a young person of 16 or older who has not allowed it."""
        domain = self._family_content_domain()
        health = self.env.ref("bti_core.info_category_health", raise_if_not_found=False)
        if health and self._health_kept_from_parents(case):
            domain = expression.AND([domain, [("info_category_id", "!=", health.id)]])
        return domain

    @api.model
    def _health_kept_from_parents(self, case):
        """Whether the parents of ``case`` may not see its health information
        (bti_portal adds the young person's own permission)."""
        # sudo: the subject's age only.
        age = age_rules.age_on(case.sudo().birth_date, self._today())
        return age is not None and age >= HEALTH_PRIVACY_AGE

    @api.model
    def _family_domain(self, user=None):
        """The cases a member of the family sees (filled by bti_portal; a case
        under a suspicion of violence or abuse stays out of it)."""
        return expression.FALSE_DOMAIN

    @api.model
    def _partner_domain(self, user=None):
        """The children and guardians ``user`` may see: those of their cases."""
        partner_ids = self._partner_ids(user)
        if partner_ids is None:
            return expression.FALSE_DOMAIN
        return [("id", "in", IdsSQL(sorted(partner_ids)))]

    @api.model
    def _partner_ids(self, user=None):
        """The ids of the children and guardians of the cases ``user`` may
        see (None: not a BTI user), from the memo of the transaction."""
        services = self._services(user)
        if services is None:
            return None
        partner_ids = set()
        for key in self._granted_memo(services):
            partner_ids.update(key.granted_partner_ids._ids)
        return partner_ids

    # ------------------------------------------------------------------
    # Roles on a case: what the action table speaks of
    # ------------------------------------------------------------------
    @api.model
    def _case_roles(self, case, user=None):
        """The roles ``user`` has on ``case`` (see security/action_policy.csv):

        * ``holder``: the current stafettholder; ``proposed_holder``: the
          successor a pending handover waits for;
        * ``owner_member``: a member of the owning service;
        * ``participant``: a member of a service taking part with access;
        * ``leader``: a leader of the owning service or of a service taking
          part with access;
        * ``child_welfare``: a member of a child welfare service taking part;
        * ``manager``: a BTI administrator.
        """
        user = user or self.env.user
        roles = set()
        if user.has_group("bti_core.group_bti_manager"):
            roles.add("manager")
        if not case or not user.has_group("bti_core.group_bti_user"):
            return roles
        # sudo: the roles are the check itself; only a set of names leaves.
        case_sudo = case.sudo()
        taking_part = case_sudo._bti_taking_part_services()
        if case_sudo.holder_id == user:
            roles.add("holder")
        if case_sudo.pending_baton_id.holder_id == user:
            roles.add("proposed_holder")
        # The user's own memberships (read once per request), not the member
        # lists of every service involved: the same relation, read from the
        # side that is small and already in the cache.
        user_sudo = user.sudo().with_context(active_test=False)
        member_of = user_sudo.bti_service_ids
        if case_sudo.service_id & member_of:
            roles.add("owner_member")
        if taking_part & member_of:
            roles.add("participant")
        if taking_part.filtered("is_child_welfare") & member_of:
            roles.add("child_welfare")
        if (case_sudo.service_id | taking_part) & user_sudo.bti_led_service_ids:
            roles.add("leader")
        return roles
