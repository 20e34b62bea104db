#!/usr/bin/env python3
"""Create a BTI benchmark database: bti_tools and bti_portal without demo data,
then bulk data, then portal logins for some families.

    .venv/bin/python bench/generate.py [--db bti_bench] [--cases 100000]
        [--services 300] [--users 3000] [--entries 2000000] [--families 200]
        [--drop]
    .venv/bin/python bench/generate.py --families-only [--families 200]

Services and users are created through the ORM (a few thousand records, and
users need the ORM's group and partner logic). Partners, cases, guardians,
participants, consents, batons, level history, case followers, the
stafettlogg (log entries, goals, measures, meetings), the BTI tools (wonder
notes, concern scales, conversations, observations) and the case checklists
are computed in Python and written with COPY, because the ORM would take hours
for 100,000 cases and 2,000,000 entries. The rows follow the rules the models
enforce:

* every case has its owning service as participant (``is_owner``: access
  always); other services join only with a given, valid consent that covers
  them. Access is not stored (``access_granted`` is computed at query time
  from the consents' state and dates): the generator computes it in Python
  for its own choices and checks it against the consent condition in SQL;
* an active case at level 1-3 has exactly one active baton, held by a member
  of a participating service with access that may hold the baton, and
  ``bti_case.holder_id`` stores that holder; closed cases have ended batons
  and no holder;
* references follow the case sequence (BTI-<year>-<number>) and the sequence
  continues after them; ``level_code`` is stored;
* the stafettlogg only in cases with a given, valid consent, written by
  services taking part with access (see LogFactory);
* the tools final, by a member of a service taking part with access, and
  the checklist of every open case the tasks of its step (see ToolFactory);
* the families (``--families``): portal logins, through the ORM, for a
  guardian with parental responsibility of active cases whose log has
  published entries shared with the family (see create_families).
  ``--families-only`` adds them (and bti_portal) to a generated database.
"""

import argparse
import csv
import datetime
import io
import itertools
import random
import statistics
import subprocess
import sys
import time
from array import array

import _common

# label, kind, guide family, may open cases, may hold the baton, weight as owner
SERVICE_MIXES = [
    ("Kindergarten", "basis", "kindergarten_school", True, True, 3.0),
    ("School", "basis", "kindergarten_school", True, True, 3.0),
    ("Health Station", "basis", "help", True, True, 2.0),
    ("After-School Programme", "basis", "kindergarten_school", True, True, 0.5),
    ("PPT", "help", "help", False, True, 0.0),
    ("Child Welfare Service", "help", "help", True, True, 0.7),
    ("School Health Service", "help", "help", True, True, 1.0),
    ("BUP", "specialist", "help", False, False, 0.0),
    ("Mental Health and Substance Abuse", "adult", "adult", True, True, 0.4),
    ("NAV", "adult", "adult", True, True, 0.3),
]
# Services that join cases of level 2 and of level 3 besides the owner.
JOINERS = {
    2: ["School", "Kindergarten", "Health Station", "PPT", "School Health Service"],
    3: [
        "PPT",
        "Child Welfare Service",
        "BUP",
        "School Health Service",
        "Health Station",
        "Mental Health and Substance Abuse",
        "NAV",
        "School",
    ],
}
# Age range (years) and share of pregnant women, by owning service.
SUBJECTS = {
    "Kindergarten": (1, 6, 0.0),
    "School": (6, 16, 0.0),
    "Health Station": (0, 6, 0.25),
    "After-School Programme": (6, 10, 0.0),
    "Child Welfare Service": (0, 18, 0.05),
    "School Health Service": (12, 20, 0.05),
    "Mental Health and Substance Abuse": (0, 18, 0.3),
    "NAV": (0, 20, 0.2),
}
FIRST = [
    "Emma", "Nora", "Sofie", "Ella", "Olivia", "Ada", "Jakob", "Emil", "Noah", "Oliver",
    "Filip", "William", "Lucas", "Liam", "Henrik", "Ingrid", "Maja", "Sara", "Leah",
    "Aksel",
]  # fmt: skip
LAST = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg",
    "Haugen", "Hagen",
]  # fmt: skip
CLOSE_REASONS = [
    "goal_reached",
    "goal_reached",
    "individual_plan",
    "moved",
    "consent_withdrawn",
    "other",
]
WONDERINGS = [
    "<p>The child has withdrawn from play in the last weeks and often sits alone.</p>",
    "<p>Often absent on Mondays; the child seems tired and hungry in the morning.</p>",
    "<p>Language development seems delayed compared with the group.</p>",
    "<p>Strong reactions to small changes; conflicts with other children daily.</p>",
    "<p>The parents have told us about a difficult situation at home.</p>",
]
# Installed without demo data: the tools (with the stafettlogg and bti_core)
# and the family's portal.
MODULES = ("bti_tools", "bti_portal")
BATCH_USERS = 250
DAY = datetime.timedelta(days=1)
COLUMNS = {
    "res_partner": [
        "id", "name", "complete_name", "type", "active", "is_company", "partner_share",
        "bti_confidential", "commercial_partner_id", "lang", "create_uid", "write_uid",
        "create_date", "write_date",
    ],
    "bti_case": [
        "id", "name", "active", "subject_partner_id", "subject_kind", "birth_date",
        "service_id", "level_id", "level_code", "step_id", "date_step", "state",
        "wondering", "decision_deadline", "decision", "decision_date",
        "decision_user_id", "close_reason", "close_date", "holder_id",
        "violence_suspicion", "create_uid", "write_uid", "create_date", "write_date",
    ],
    "bti_case_guardian": [
        "id", "case_id", "partner_id", "relation", "parental_responsibility",
        "lives_with_child", "create_uid", "write_uid", "create_date", "write_date",
    ],
    "bti_case_participant": [
        "id", "case_id", "service_id", "user_id", "role", "date_joined", "active",
        "is_owner", "create_uid", "write_uid", "create_date", "write_date",
    ],
    "bti_consent": [
        "id", "case_id", "recorded_by_id", "withdrawn_by_id", "state", "form", "date",
        "valid_from", "valid_until", "withdrawn_date", "purpose", "youth_consented",
        "create_uid", "write_uid", "create_date", "write_date",
    ],
    "bti_consent_bti_service_rel": ["bti_consent_id", "bti_service_id"],
    "bti_consent_res_partner_rel": ["bti_consent_id", "res_partner_id"],
    "bti_baton": [
        "id", "case_id", "holder_id", "service_id", "proposed_by_id", "state",
        "date_proposed", "date_start", "date_end", "create_uid", "write_uid",
        "create_date", "write_date",
    ],
    "bti_case_history": [
        "id", "case_id", "user_id", "level_id", "step_id", "state", "kind", "date",
        "create_uid", "write_uid", "create_date", "write_date",
    ],
    "mail_followers": ["id", "res_model", "res_id", "partner_id"],
    "mail_followers_mail_message_subtype_rel": [
        "mail_followers_id", "mail_message_subtype_id",
    ],
}  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    _common.add_common_arguments(parser)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--services", type=int, default=300)
    parser.add_argument("--users", type=int, default=3_000)
    parser.add_argument(
        "--entries",
        type=int,
        default=2_000_000,
        help="stafettlogg entries over the cases (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--drop", action="store_true", help="drop the database first if it exists"
    )
    parser.add_argument(
        "--families",
        type=int,
        default=200,
        help="portal logins for the guardians of this many cases their family "
        "reads (default %(default)s; 0: none)",
    )
    parser.add_argument(
        "--families-only",
        action="store_true",
        help="only add the portal to a generated database: install bti_portal "
        "if needed and create the family logins",
    )
    args = parser.parse_args()
    if args.families < (1 if args.families_only else 0):
        parser.error("--families: a number of families (0: none)")
    if args.users < args.services:
        parser.error("need at least one user per service")
    return args


class Timer:
    def __init__(self):
        self.start = self.last = time.monotonic()

    def step(self, label):
        now = time.monotonic()
        print(f"  {label:<60} {now - self.last:7.1f} s", flush=True)
        self.last = now

    def total(self):
        return time.monotonic() - self.start


# ----------------------------------------------------------------------
# Database
# ----------------------------------------------------------------------
def create_database(args):
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.db,))
        if cur.fetchone():
            if not args.drop:
                sys.exit(f"database {args.db} exists: pass --drop to replace it")
            cur.execute(f'DROP DATABASE "{args.db}" WITH (FORCE)')
    conn.close()
    cmd = [
        sys.executable,
        str(_common.odoo_src() / "odoo-bin"),
        f"--database={args.db}",
        f"--addons-path={args.addons_path}",
        f"--init={','.join(MODULES)}",
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
    ]
    subprocess.run(cmd, check=True)


def copy_rows(cr, table, rows, columns=None):
    """COPY ``rows`` (tuples in the order of ``columns``, by default the table's
    COLUMNS; None is NULL) into ``table``."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    buf.seek(0)
    columns = ", ".join(columns or COLUMNS[table])
    cr._obj.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buf)


# ----------------------------------------------------------------------
# ORM part: services and users
# ----------------------------------------------------------------------
def create_services(env, count):
    counters = {}
    every_category = env["bti.info.category"].search([]).ids
    vals_list, mixes = [], []
    for i in range(count):
        mix = SERVICE_MIXES[(i // 10) % len(SERVICE_MIXES)]
        label, kind, family, may_open, may_hold, _weight = mix
        counters[label] = counters.get(label, 0) + 1
        vals_list.append(
            {
                "name": f"{label} {counters[label]:03d}",
                "code": f"S{i + 1:04d}",
                "kind": kind,
                "guide_family": family,
                "may_open_cases": may_open,
                "may_hold_baton": may_hold,
                "read_scope": "own" if label in OWN_SCOPE_SERVICES else "shared",
            }
        )
        if label in HEALTH_SERVICES:  # others get the default: no health
            vals_list[-1]["info_category_ids"] = [(6, 0, every_category)]
        mixes.append(mix)
    services = env["bti.service"].create(vals_list)
    return [
        {
            "id": service.id,
            "label": mix[0],
            "may_open": mix[3],
            "may_hold": mix[4],
            "weight": mix[5],
            "family": mix[2],
            "members": [],  # the first one leads the service
        }
        for service, mix in zip(services, mixes, strict=True)
    ]


def create_users(env, services, count):
    """``count`` BTI employees, each a member of one service; the first one of
    each service also leads it."""
    from odoo import Command  # noqa: PLC0415

    group_user = env.ref("bti_core.group_bti_user").id
    group_leader = env.ref("bti_core.group_bti_leader").id
    users_model = env["res.users"].with_context(no_reset_password=True)
    for start in range(0, count, BATCH_USERS):
        vals_list, targets = [], []
        for i in range(start, min(count, start + BATCH_USERS)):
            service = services[i % len(services)]
            leader = i < len(services)
            vals_list.append(
                {
                    "name": f"{random.choice(FIRST)} {random.choice(LAST)} {i + 1:04d}",
                    "login": f"bench{i + 1:04d}",
                    "email": f"bench{i + 1:04d}@example.com",
                    "groups_id": [
                        Command.set([group_leader if leader else group_user])
                    ],
                    "bti_service_ids": [Command.set([service["id"]])],
                    "bti_led_service_ids": [
                        Command.set([service["id"]] if leader else [])
                    ],
                }
            )
            targets.append(service)
        users = users_model.create(vals_list)
        for user, service in zip(users, targets, strict=True):
            service["members"].append(user.id)
        env.flush_all()
        env.invalidate_all()


# ----------------------------------------------------------------------
# SQL part: everything under the cases
# ----------------------------------------------------------------------
class CaseFactory:
    """Computes the rows of the cases and of everything under them."""

    def __init__(self, env, services, seed):
        from odoo.addons.bti_core.rules import age  # noqa: PLC0415

        self.age = age
        self.rnd = random.Random(seed)
        self.now = datetime.datetime.now().replace(microsecond=0)
        # The BTI date (the municipality's), the day the policy's SQL compares
        # the consents with.
        self.today = env["bti.access.policy"]._today()
        self.span = datetime.timedelta(days=3 * 365)
        self.levels = {level.code: level.id for level in env["bti.level"].search([])}
        self.steps = {
            code: env["bti.level.step"]
            .search([("level_id", "=", level_id)], order="sequence, id")
            .ids
            for code, level_id in self.levels.items()
        }
        self.services = services
        self.owners = [s for s in services if s["may_open"] and s["weight"]]
        self.owner_weights = [s["weight"] for s in self.owners]
        self.by_label = {}
        for service in services:
            self.by_label.setdefault(service["label"], []).append(service)
        self.rows = {table: [] for table in COLUMNS}
        # Participations with access today, as the policy computes it at query
        # time (access_granted is not stored): checked against its SQL.
        self.with_access = array("l")
        cr = env.cr
        cr.execute("SELECT id, partner_id FROM res_users")
        self.partner_of = dict(cr.fetchall())
        self.case_subtypes = env["mail.message.subtype"]._default_subtypes("bti.case")[
            0
        ]
        self.next_ids = {}
        for table in COLUMNS:
            if "id" in COLUMNS[table]:
                # table: a constant of this script, never input
                cr.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
                self.next_ids[table] = cr.fetchone()[0]

    def _new_id(self, table):
        new_id = self.next_ids[table]
        self.next_ids[table] += 1
        return new_id

    def _member(self, service):
        return self.rnd.choice(service["members"])

    # -- one case ------------------------------------------------------
    def make(self, k, count):
        rnd = self.rnd
        created = self.now - self.span * (1 - k / count)
        created = min(
            self.now, created + datetime.timedelta(seconds=rnd.randint(0, 600))
        )
        owner = rnd.choices(self.owners, self.owner_weights)[0]
        c = {
            "id": self._new_id("bti_case"),
            "name": f"BTI-{created.year}-{k + 1:05d}",
            "created": created,
            "owner": owner,
            "creator": self._member(owner),
        }
        self._state_and_level(c)
        self._subject(c)
        joiners = self._participants(c)
        self._batons(c, joiners)
        self._history(c)
        self._case_row(c)
        self._followers(c)
        return c

    def _state_and_level(self, c):
        rnd, now = self.rnd, self.now
        age_days = (now - c["created"]).days
        roll = rnd.random()
        if age_days < 60:
            state = (
                "wondering" if roll < 0.55 else "active" if roll < 0.95 else "closed"
            )
        else:
            p_closed = min(0.85, 0.2 + 0.7 * age_days / self.span.days)
            state = (
                "wondering"
                if roll < 0.02
                else "closed"
                if roll < 0.02 + p_closed
                else "active"
            )
        level = 0
        if state != "wondering":
            roll = rnd.random()
            level = 1 if roll < 0.45 else 2 if roll < 0.80 else 3
            if state == "closed" and rnd.random() < 0.35:
                level = 0  # closed by the level-0 decision
        delay = datetime.timedelta(days=rnd.randint(3, 20), hours=rnd.randint(0, 8))
        decided = min(now, c["created"] + delay)
        closed_at = None
        if state == "closed":
            closed_at = (
                decided + (now - decided) * rnd.uniform(0.05, 0.6) if level else decided
            )
        c.update(state=state, level=level, decided=decided, closed_at=closed_at)

    def _subject(self, c):
        rnd, today = self.rnd, self.today
        low, high, p_pregnant = SUBJECTS[c["owner"]["label"]]
        last = rnd.choice(LAST)
        if rnd.random() < p_pregnant:
            kind = "pregnant"
            birth = today - DAY * rnd.randint(18 * 365, 40 * 365)
        else:
            birth = today - DAY * rnd.randint(low * 365, high * 365 + 364)
            kind = "youth" if (today - birth).days >= 13 * 365 else "child"
        c.update(kind=kind, birth=birth, guardians=[])
        c["subject"] = self._partner(f"{rnd.choice(FIRST)} {last}", c["created"])
        if kind == "pregnant":
            return
        if rnd.random() < 0.7:
            relations = ["mother", "father"]
        else:
            relations = [rnd.choice(["mother", "father", "parent"])]
        for relation in relations:
            partner = self._partner(f"{rnd.choice(FIRST)} {last}", c["created"])
            c["guardians"].append(partner)
            self.rows["bti_case_guardian"].append(
                (
                    self._new_id("bti_case_guardian"),
                    c["id"],
                    partner,
                    relation,
                    True,
                    True,
                )
                + self._stamps(c["creator"], c["created"])
            )

    def _partner(self, name, when):
        pid = self._new_id("res_partner")
        self.rows["res_partner"].append(
            (
                pid,
                name,
                name,
                "contact",
                True,
                False,
                True,
                True,
                pid,
                "en_US",
                1,
                1,
                when,
                when,
            )
        )
        return pid

    @staticmethod
    def _stamps(user, when, write_date=None):
        return (user, user, when, write_date or when)

    def _participants(self, c):
        """The owner, and at levels 1-3 the services that joined by consent."""
        rnd, level, owner = self.rnd, c["level"], c["owner"]
        extra = 0
        if (level == 1 and rnd.random() < 0.2) or level == 2:
            extra = 1
        elif level == 3:
            extra = 2 if rnd.random() < 0.6 else 3
        pool = [label for label in JOINERS[max(level, 2)] if label in self.by_label]
        joiners = []
        while len(joiners) < extra:
            candidate = rnd.choice(
                self.by_label[rnd.choice(pool)] if pool else self.services
            )
            if candidate is not owner and candidate not in joiners:
                joiners.append(candidate)
        c["access"] = {owner["id"]: True}
        c["contacts"] = {owner["id"]: c["creator"]}
        participant_id = self._new_id("bti_case_participant")
        self.with_access.append(participant_id)  # the owning service: always
        self.rows["bti_case_participant"].append(
            (participant_id, c["id"], owner["id"], c["creator"])
            + ("Owning service", c["created"].date(), True, True)
            + self._stamps(c["creator"], c["created"])
        )
        if not joiners:
            return joiners
        joined = self._consents(c, joiners)
        for service in joiners:
            contact = self._member(service)
            c["contacts"][service["id"]] = contact
            participant_id = self._new_id("bti_case_participant")
            if c["access"][service["id"]]:  # a given, valid consent covers it
                self.with_access.append(participant_id)
            self.rows["bti_case_participant"].append(
                (participant_id, c["id"], service["id"])
                + (contact, "Cooperating service", joined, True, False)
                + self._stamps(c["creator"], c["created"])
            )
        c["joined"] = joined
        return joiners

    def _consents(self, c, joiners):
        """One consent covers the services that joined; sometimes the last one
        was covered by a consent of its own, since withdrawn. Returns the date
        the services joined."""
        rnd, today, age = self.rnd, self.today, self.age
        withdraw_last = (
            len(joiners) >= 2 and c["state"] == "active" and rnd.random() < 0.1
        )
        if c["state"] == "active":  # renewed within the year
            date = max(c["decided"], self.now - DAY * rnd.randint(0, 330)).date()
        else:
            date = c["decided"].date()
        valid_until = date + DAY * 365
        groups = [(joiners[:-1] if withdraw_last else joiners, None)]
        if withdraw_last:
            groups.append(([joiners[-1]], min(today, date + DAY * rnd.randint(1, 30))))
        birth = c["birth"]
        youth = age.youth_must_consent(birth, date) and not age.is_adult(birth, date)
        givers = c["guardians"] or [c["subject"]]
        if c["guardians"] and (youth or age.is_adult(birth, date)):
            givers = [*c["guardians"], c["subject"]]
        for services, withdrawn in groups:
            consent_id = self._new_id("bti_consent")
            if withdrawn:
                state = "withdrawn"
            else:
                state = "given" if valid_until >= today else "expired"
            self.rows["bti_consent"].append(
                (consent_id, c["id"], c["creator"], c["creator"] if withdrawn else None)
                + (state, "written", date, date, valid_until, withdrawn)
                + ("Cooperation around the child", youth)
                + self._stamps(c["creator"], c["created"])
            )
            if state == "given":
                c["consent_given"] = (date, valid_until)
            for service in services:
                self.rows["bti_consent_bti_service_rel"].append(
                    (consent_id, service["id"])
                )
                c["access"][service["id"]] = state == "given"
            for partner in givers:
                self.rows["bti_consent_res_partner_rel"].append((consent_id, partner))
        return max(date, c["decided"].date())

    def _batons(self, c, joiners):
        """The decider takes the baton; some cases were handed over since."""
        c["holder"] = c["holder_service"] = None
        if not c["level"]:
            return
        rnd, owner, creator = self.rnd, c["owner"], c["creator"]
        decided, closed_at = c["decided"], c["closed_at"]
        service, holder, start = owner, creator, decided
        can_hold = [
            s for s in [owner, *joiners] if c["access"][s["id"]] and s["may_hold"]
        ]
        if rnd.random() < 0.3:
            successor_service = rnd.choice(can_hold)
            successor = self._member(successor_service)
            if successor != creator:
                handover = decided + ((closed_at or self.now) - decided) * 0.5
                self.rows["bti_baton"].append(
                    (self._new_id("bti_baton"), c["id"], creator, owner["id"], creator)
                    + ("ended", decided, decided, handover)
                    + self._stamps(creator, decided, handover)
                )
                service, holder, start = successor_service, successor, handover
        state = "active" if c["state"] == "active" else "ended"
        self.rows["bti_baton"].append(
            (self._new_id("bti_baton"), c["id"], holder, service["id"], creator)
            + (state, start, start, closed_at)
            + self._stamps(creator, start, closed_at)
        )
        if state == "active":
            c["holder"], c["holder_service"] = holder, service["id"]

    def _followers(self, c):
        """The contact persons of the services with access follow the case
        (the creator is subscribed when the case is created, a contact when
        the service joins), with the default subtypes of a case."""
        for service_id, user in c["contacts"].items():
            if not c["access"][service_id]:
                continue
            follower_id = self._new_id("mail_followers")
            self.rows["mail_followers"].append(
                (follower_id, "bti.case", c["id"], self.partner_of[user])
            )
            for subtype_id in self.case_subtypes:
                self.rows["mail_followers_mail_message_subtype_rel"].append(
                    (follower_id, subtype_id)
                )

    def _history(self, c):
        level, creator = c["level"], c["creator"]
        entries = [(0, self.steps[0][0], "wondering", "create", c["created"])]
        if c["state"] != "wondering" and level:
            # _bti_decide changes the level before the state
            entries.append(
                (level, self.steps[level][0], "wondering", "change", c["decided"])
            )
        if c["state"] == "closed":
            entries.append(
                (level, self.steps[level][-1], "closed", "close", c["closed_at"])
            )
        for lvl, step, state, kind, when in entries:
            self.rows["bti_case_history"].append(
                (
                    self._new_id("bti_case_history"),
                    c["id"],
                    creator,
                    self.levels[lvl],
                    step,
                )
                + (state, kind, when)
                + self._stamps(creator, when)
            )

    def _case_row(self, c):
        rnd, state, level = self.rnd, c["state"], c["level"]
        steps = self.steps[level]
        step = steps[-1] if state == "closed" else rnd.choice(steps)
        c["step"] = step
        decision = decision_date = decision_user = close_reason = close_date = None
        if state != "wondering":
            if level:
                decision = f"level_{level}"
            else:
                decision = "child_welfare" if rnd.random() < 0.1 else "close"
            decision_date, decision_user = c["decided"].date(), c["creator"]
        if state == "closed":
            if level:
                close_reason = rnd.choice(CLOSE_REASONS)
            else:
                close_reason = (
                    "child_welfare" if decision == "child_welfare" else "no_concern"
                )
            close_date = c["closed_at"].date()
        date_step = c["created"] if state == "wondering" else c["decided"]
        write_date = c["closed_at"] or date_step
        self.rows["bti_case"].append(
            (
                c["id"],
                c["name"],
                True,
                c["subject"],
                c["kind"],
                c["birth"],
                c["owner"]["id"],
            )
            + (
                self.levels[level],
                level,
                step,
                date_step,
                state,
                rnd.choice(WONDERINGS),
            )
            + ((c["created"] + 14 * DAY).date(), decision, decision_date, decision_user)
            + (close_reason, close_date, c["holder"], False)
            + self._stamps(c["creator"], c["created"], write_date)
        )

    # -- writing -------------------------------------------------------
    def write(self, cr, timer):
        for table, rows in self.rows.items():
            copy_rows(cr, table, rows)
            timer.step(f"COPY {table} ({len(rows)} rows)")
        for table in self.next_ids:
            cr.execute(
                f"SELECT setval('{table}_id_seq', (SELECT MAX(id) FROM {table}))"
            )


# ----------------------------------------------------------------------
# SQL part: the stafettlogg
# ----------------------------------------------------------------------
LOG_COLUMNS = {
    "bti_goal": [
        "id", "case_id", "author_id", "author_service_id", "info_category_id",
        "visibility", "area_id", "name", "description", "sequence", "date_target",
        "state", "state_sequence", "state_note", "create_uid", "write_uid",
        "create_date", "write_date",
    ],
    "bti_measure": [
        "id", "case_id", "author_id", "author_service_id", "info_category_id",
        "visibility", "goal_id", "name", "description", "arena", "responsible_kind",
        "responsible_service_id", "responsible_user_id", "date_start",
        "date_evaluation", "state", "effect", "evaluation", "evaluated_date",
        "evaluated_by_id", "stop_reason", "create_uid", "write_uid", "create_date",
        "write_date",
    ],
    "bti_meeting": [
        "id", "case_id", "author_id", "author_service_id", "info_category_id",
        "visibility", "kind", "start", "duration", "stop", "location",
        "organizer_id", "chair_id", "agenda", "child_voice", "minutes", "state",
        "create_uid", "write_uid", "create_date", "write_date",
    ],
    "bti_meeting_bti_service_rel": ["bti_meeting_id", "bti_service_id"],
    "bti_meeting_staff_rel": ["meeting_id", "user_id"],
    "bti_meeting_family_rel": ["meeting_id", "partner_id"],
    "bti_log_entry": [
        "id", "case_id", "author_id", "author_service_id", "info_category_id",
        "family_partner_id", "corrects_id", "meeting_id", "visibility", "kind",
        "subject", "state", "body", "child_voice", "is_corrected", "date",
        "published_date", "create_uid", "write_uid", "create_date", "write_date",
    ],
}  # fmt: skip
# Labels whose services also read health information, and whose read scope is
# only what their own members wrote.
HEALTH_SERVICES = {
    "Health Station",
    "School Health Service",
    "BUP",
    "Mental Health and Substance Abuse",
}
OWN_SCOPE_SERVICES = {"BUP"}
# kind: (weight, subjects, bodies)
ENTRY_KINDS = {
    "note": (45, ["Conversation", "Observation", "Phone call", None], [
        "<p>Talked with the class teacher: the child was calmer this week and "
        "joined the group work twice.</p>",
        "<p>Phone call with the mother. Sleep is better since the new evening "
        "routine; mornings are still hard.</p>",
        "<p>The child came late three days this week; breakfast is given at "
        "school.</p>",
        "<p>Observation in the group: plays alongside the others, seldom with "
        "them. Seeks an adult when there is noise.</p>",
        "<p>The father asked for a meeting about the transition to school.</p>",
        "<p>Follow-up of the language programme: uses more words in play, "
        "still few in the circle.</p>",
        "<p>Short talk with the young person after class: says things are "
        "\"okay\" at home, tired.</p>",
    ]),
    "lysglimt": (10, ["Lysglimt", None], [
        "<p>Lysglimt: helped a friend who fell in the playground and comforted "
        "him.</p>",
        "<p>Lysglimt: read aloud for the group for the first time, proud "
        "afterwards.</p>",
        "<p>Lysglimt: came to school on time every day this week.</p>",
    ]),
    "agreement": (8, ["Agreement", "Who does what"], [
        "<p>Agreed: the school health nurse meets the pupil every second "
        "Tuesday; the teacher tells the nurse about absence.</p>",
        "<p>Agreed with the parents: a short message home every Friday about "
        "how the week went.</p>",
    ]),
    "minutes": (6, ["Cooperation meeting", None], [
        "<p>Minutes: status since the last meeting, the goals were reviewed and "
        "the next steps agreed. Next meeting in six weeks.</p>",
    ]),
    "evaluation": (6, ["Evaluation", None], [
        "<p>Evaluation of the measures: partial effect. The plan continues with "
        "one change: more time in the small group.</p>",
        "<p>Evaluation: good effect on attendance; the social goal is not "
        "reached yet.</p>",
    ]),
    "decision": (4, ["Decision", None], [
        "<p>Decision: the case continues at the same level; the next "
        "evaluation is set.</p>",
        "<p>Decision: PPT is asked for an assessment, with the parents' "
        "consent.</p>",
    ]),
    "message": (15, ["Message", "Practical", None], [
        "<p>The next meeting is moved one week; the invitation follows.</p>",
        "<p>Holiday: the contact person is away for two weeks, the leader "
        "follows up meanwhile.</p>",
        "<p>New contact person in our service from next month.</p>",
    ]),
    "family": (6, ["From the family", None], [
        "<p>From the mother: the evenings are calmer, but mornings are still "
        "hard.</p>",
        "<p>From the young person: wants to try the football team again.</p>",
        "<p>From the father: happy with the new plan; asks for weekly "
        "updates.</p>",
    ]),
}  # fmt: skip
CHILD_VOICES = [
    '<p>The child says the breaks are "the best part" now.</p>',
    "<p>The young person says school is a bit better, but maths is hard.</p>",
    "<p>The child is too young to say; observed happy and engaged in play.</p>",
]
VISIBILITIES = {"participants": 80, "family": 10, "service": 10}
GOALS = {
    "language": ["Uses full sentences in play", "Takes part in the circle time"],
    "social": ["Plays with the other children", "Solves conflicts without hitting"],
    "wellbeing": ["Feels safe in the group", "Comes to school happy"],
    "learning": ["Reads at the level of the class", "Finishes the homework"],
    "health": ["Sleeps through the night", "Eats breakfast every day"],
    "family": ["Calm mornings at home", "The parents feel supported"],
    "other": ["Has a leisure activity", "Attends every school day"],
}
MEASURES = [
    ("Language group twice a week", "kindergarten"),
    ("Weekly talk with the school nurse", "school"),
    ("Parent guidance (ICDP)", "home"),
    ("Adapted teaching in mathematics", "school"),
    ("Leisure activity with a support person", "leisure"),
    ("Evening routine plan at home", "home"),
    ("Extra follow-up by the health station", "health"),
    ("Social skills group", "school"),
    ("Home visit by the health nurse", "home"),
    ("Assessment by PPT", "other"),
]
# state: (weight among the measures of an open goal)
MEASURE_STATES = {"planned": 15, "running": 50, "evaluated": 25, "stopped": 10}
MEETING_KINDS = {"cooperation": 50, "evaluation": 25, "network": 15, "ad_hoc": 10}
# Entries of a case: span (days) ** LOG_EXPONENT * LOG_LEVEL_RATE * lognormal.
LOG_EXPONENT = 1.3
LOG_LEVEL_RATE = {1: 0.4, 2: 1.0, 3: 2.0}
LOG_MAX_PER_CASE = 1500
EPOCH = datetime.datetime(1970, 1, 1)


def _ts(when):
    return int((when - EPOCH).total_seconds())


def _cum(weights):
    return list(itertools.accumulate(weights))


class CsvStream:
    """A file for COPY that CSV-encodes ``rows`` as PostgreSQL reads it: the
    rows are computed while the server writes the previous ones."""

    def __init__(self, rows, batch=5000):
        self.rows = iter(rows)
        self.batch = batch
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf)
        self.pending = ""
        self.done = False

    def read(self, size=-1):
        while not self.done and (size < 0 or len(self.pending) < size):
            self.buf.seek(0)
            self.buf.truncate()
            for row in itertools.islice(self.rows, self.batch):
                self.writer.writerow(["" if v is None else v for v in row])
            chunk = self.buf.getvalue()
            self.done = not chunk
            self.pending += chunk
        if size < 0 or len(self.pending) <= size:
            out, self.pending = self.pending, ""
        else:
            out, self.pending = self.pending[:size], self.pending[size:]
        return out


def bulk_copy(cr, table, columns, rows):
    """COPY a large table: its foreign keys and secondary indexes are dropped
    for the load and made again after it (one sorted build, one validating
    join each instead of a lookup per row). Returns the seconds of the COPY.

    Identifiers and definitions spliced into the SQL come from this script's
    constants (``table``, ``columns``) and from PostgreSQL's own catalog of the
    benchmark database; no user input reaches them."""
    cr.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype = 'f'""",
        [table],
    )
    fkeys = cr.fetchall()
    cr.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                 WHERE c.conrelid = %s::regclass AND c.conname = i.indexname)""",
        [table, table],
    )
    indexes = cr.fetchall()
    for name, _definition in fkeys:
        cr.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cr.execute(f'DROP INDEX "{name}"')
    start = time.monotonic()
    cr._obj.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)",
        CsvStream(rows),
        size=1 << 16,
    )
    copied = time.monotonic() - start
    cr.execute("SET maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        cr.execute(definition)
    for name, definition in fkeys:
        cr.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cr.execute("RESET maintenance_work_mem")
    return copied


class LogFactory:
    """Computes the stafettlogg of the generated cases: log entries, goals,
    measures and meetings, following the rules of the models:

    * content only in a case with a given, valid consent (the log is opened
      after consent), dated from that consent on, and only by a service that
      takes part with access, written by one of its members; an information
      category only one the author's service may read;
    * drafts only at the end of the log of a case that is not closed;
      published entries are never changed, corrections point to an earlier
      published entry of the same case, which is then ``is_corrected``;
    * goals and measures in active cases; a measure's responsible service
      takes part with access and its person is a member of it.
    """

    def __init__(self, env, services, seed):
        self.rnd = random.Random(seed + 1)  # the cases keep their own sequence
        self.now = datetime.datetime.now().replace(microsecond=0)
        self.today = env["bti.access.policy"]._today()
        self.services = {s["id"]: s for s in services}
        cr = env.cr
        cr.execute("SELECT code, id FROM bti_development_area ORDER BY sequence, id")
        self.areas = cr.fetchall()
        cr.execute(
            """SELECT bti_service_id, array_agg(bti_info_category_id ORDER BY 2)
                 FROM bti_info_category_bti_service_rel GROUP BY 1"""
        )
        self.categories = dict(cr.fetchall())
        self.cases = []
        self.rows = {table: [] for table in LOG_COLUMNS}
        self.next_ids = {}
        for table, columns in LOG_COLUMNS.items():
            if "id" in columns:
                # table: a constant of this script, never input
                cr.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
                self.next_ids[table] = cr.fetchone()[0]
        self.kinds = list(ENTRY_KINDS)
        self.kind_cum = _cum(v[0] for v in ENTRY_KINDS.values())
        self.visibilities = list(VISIBILITIES)
        self.visibility_cum = _cum(VISIBILITIES.values())
        self.held = []  # (case index, meeting id, start, kind, minutes, voice)
        self.entries = 0

    def _new_id(self, table):
        new_id = self.next_ids[table]
        self.next_ids[table] += 1
        return new_id

    # -- which cases have a log ----------------------------------------
    def add_case(self, c):
        """Keep what the log of case ``c`` needs, if it has one."""
        if not c["level"] or not c.get("consent_given"):
            return
        consent_date = c["consent_given"][0]
        start = max(
            c["decided"],
            datetime.datetime.combine(consent_date, datetime.time(7)),
        )
        end = c["closed_at"] or self.now
        if end <= start:
            return
        authors = []
        for service_id, contact in c["contacts"].items():
            if not c["access"][service_id]:
                continue
            service = self.services[service_id]
            authors.append(
                (service_id, contact, service["members"], self.categories[service_id])
            )
        owner = c["owner"]["id"]
        weights = [
            (len(authors) - 1 or 1) if a[0] == owner else 1 for a in authors
        ]  # the owning service writes about half of the log
        self.cases.append(
            {
                "id": c["id"],
                "level": c["level"],
                "active": c["state"] == "active",
                "t0": _ts(start),
                "t1": _ts(end),
                "authors": authors,
                "author_cum": _cum(weights),
                "family": c["guardians"] or [c["subject"]],
                "holder": c["holder"],
                "holder_service": c["holder_service"],
            }
        )

    def _author(self, case):
        rnd = self.rnd
        service_id, contact, members, categories = rnd.choices(
            case["authors"], cum_weights=case["author_cum"]
        )[0]
        user = contact if rnd.random() < 0.7 else rnd.choice(members)
        return service_id, user, categories

    def _when(self, case, fraction):
        """A moment of a working day, ``fraction`` of the way through the log."""
        t0, t1 = case["t0"], case["t1"]
        t = t0 + int((t1 - t0) * fraction)
        day = t - t % 86400
        t = day + 25200 + (t % 86400) * 36000 // 86400  # 07:00-17:00 UTC
        return min(t1, max(t0, t))

    # -- how many entries, when ----------------------------------------
    def plan(self, total):
        """Entries per case (skewed: long level 2-3 logs get hundreds, most
        get few) and the moments of all entries, in date order."""
        rnd = self.rnd
        weights = [
            ((c["t1"] - c["t0"]) / 86400) ** LOG_EXPONENT
            * LOG_LEVEL_RATE[c["level"]]
            * rnd.lognormvariate(0, 0.8)
            for c in self.cases
        ]
        jitter = [rnd.random() for _c in self.cases]
        scale = total / (sum(weights) or 1)
        for _attempt in range(5):  # the cap and the minimum move the sum
            counts = [
                max(1, min(LOG_MAX_PER_CASE, int(w * scale + j)))
                for w, j in zip(weights, jitter, strict=True)
            ]
            scale *= total / (sum(counts) or 1)
        if not total:
            counts = [0] * len(self.cases)
        ts, case_index, position = array("q"), array("l"), array("l")
        for ci, (case, n) in enumerate(zip(self.cases, counts, strict=True)):
            case["n"] = n
            case["drafts"] = 0
            if case["active"] and rnd.random() < 0.25:
                case["drafts"] = min(n, rnd.randint(1, 3))
            # corrections: position -> the earlier position it corrects
            case["fix"], case["fixed"], case["keep"] = {}, set(), set()
            for k in range(3, n):
                if rnd.random() < 0.003:
                    j = k - rnd.randint(1, min(k, 10))
                    taken = j in case["fix"] or j in case["keep"]
                    if taken or j >= n - case["drafts"]:  # only published ones
                        continue
                    case["fix"][k] = j
                    case["keep"].add(j)
                    if k < n - case["drafts"]:  # a published correction
                        case["fixed"].add(j)
            moments = sorted(self._when(case, rnd.random()) for _k in range(n))
            ts.extend(moments)
            case_index.extend([ci] * n)
            position.extend(range(n))
        for m, (ci, _meeting_id, start, *_rest) in enumerate(self.held):
            ts.append(_ts(start))
            case_index.append(ci)
            position.append(-1 - m)
        self.ts, self.case_index, self.position = ts, case_index, position
        self.order = sorted(range(len(ts)), key=ts.__getitem__)
        self.entries = len(ts)
        return counts

    # -- the entries, in date order ------------------------------------
    def entry_rows(self):
        rnd, now = self.rnd, self.now
        ts, case_index, position = self.ts, self.case_index, self.position
        next_id = self.next_ids["bti_log_entry"]
        delta = datetime.timedelta
        for i in self.order:
            entry_id = next_id
            next_id += 1
            case = self.cases[case_index[i]]
            k = position[i]
            when = EPOCH + delta(seconds=ts[i])
            if k < 0:  # the minutes of a held meeting
                _ci, meeting_id, start, kind, minutes, voice = self.held[-1 - k]
                author, service_id = case["holder"], case["holder_service"]
                published = min(now, when + delta(hours=rnd.randint(2, 48)))
                yield (
                    entry_id, case["id"], author, service_id, None, None, None,
                    meeting_id, "participants",
                    "evaluation" if kind == "evaluation" else "minutes",
                    f"{kind.replace('_', ' ').capitalize()} meeting "
                    f"{start:%Y-%m-%d %H:%M}",
                    "published", minutes, voice, False, when, published,
                    author, author, published, published,
                )  # fmt: skip
                continue
            corrects = case["fix"].get(k)
            if corrects is not None:
                corrects, service_id, author, category, kind, visibility, family = case[
                    "refs"
                ].pop(corrects)
                subject = "Correction"
                body = (
                    "<p>Correction of an earlier entry: the date and the names "
                    "were wrong; this entry replaces it.</p>"
                )
            else:
                service_id, author, categories = self._author(case)
                kind = rnd.choices(self.kinds, cum_weights=self.kind_cum)[0]
                _weight, subjects, bodies = ENTRY_KINDS[kind]
                subject, body = rnd.choice(subjects), rnd.choice(bodies)
                family = None
                if kind == "family":
                    visibility = "family"
                    family = rnd.choice(case["family"])
                else:
                    visibility = rnd.choices(
                        self.visibilities, cum_weights=self.visibility_cum
                    )[0]
                category = rnd.choice(categories) if rnd.random() < 0.15 else None
            voice = rnd.choice(CHILD_VOICES) if kind == "evaluation" else None
            if k >= case["n"] - case["drafts"]:
                state, published, written = "draft", None, when
            else:
                state = "published"
                published = written = min(now, when + delta(minutes=rnd.randint(0, 90)))
            if k in case["keep"]:
                case.setdefault("refs", {})[k] = (
                    entry_id,
                    service_id,
                    author,
                    category,
                    kind,
                    visibility,
                    family,
                )
            yield (
                entry_id, case["id"], author, service_id, category, family, corrects,
                None, visibility, kind, subject, state, body, voice,
                k in case["fixed"], when, published, author, author, when, written,
            )  # fmt: skip
        self.next_ids["bti_log_entry"] = next_id

    # -- goals and measures --------------------------------------------
    def goals_and_measures(self):
        rnd = self.rnd
        for case in self.cases:
            if not case["active"]:
                continue
            for g in range(rnd.choice((1, 2, 2, 2, 3))):
                self._goal(case, g)

    def _goal(self, case, g):
        rnd = self.rnd
        goal_id = self._new_id("bti_goal")
        service_id, author, _categories = self._author(case)
        created = EPOCH + datetime.timedelta(
            seconds=self._when(case, rnd.random() * 0.5)
        )
        area_code, area_id = rnd.choice(self.areas)
        state = rnd.choices(("open", "reached", "dropped"), (80, 14, 6))[0]
        note = {
            "open": None,
            "reached": "Reached: the measures worked.",
            "dropped": "No longer relevant for the child.",
        }[state]
        visibility = "service" if rnd.random() < 0.1 else "participants"
        self.rows["bti_goal"].append(
            (goal_id, case["id"], author, service_id, None, visibility, area_id)
            + (rnd.choice(GOALS[area_code]), "<p>What we want to see, and how.</p>")
            + (10 * (g + 1), created.date() + DAY * rnd.randint(180, 365), state)
            + (("open", "reached", "dropped").index(state), note)
            + (author, author, created, created)
        )
        for _m in range(rnd.choice((1, 2, 3, 3, 4, 5))):
            self._measure(case, goal_id, state, created.date())

    def _measure(self, case, goal_id, goal_state, goal_date):
        rnd, today = self.rnd, self.today
        service_id, author, _categories = self._author(case)
        if goal_state == "reached":
            state = "evaluated" if rnd.random() < 0.9 else "stopped"
        elif goal_state == "dropped":
            state = "stopped"
        else:
            state = rnd.choices(list(MEASURE_STATES), list(MEASURE_STATES.values()))[0]
        name, arena = rnd.choice(MEASURES)
        kind, responsible, person = "service", None, None
        if rnd.random() < 0.15:
            kind = "family"
        else:
            responsible, contact, members, _categories = rnd.choice(case["authors"])
            roll = rnd.random()
            person = (
                contact if roll < 0.6 else rnd.choice(members) if roll < 0.8 else None
            )

        def between(low, high):
            return low + DAY * rnd.randint(0, max(0, (high - low).days))

        effect = evaluation = evaluated = evaluated_by = stop_reason = None
        if state == "planned":
            start = max(goal_date, today + DAY * rnd.randint(-7, 30))
            evaluation_date = start + DAY * rnd.randint(30, 90)
        elif state == "running":
            start = between(goal_date, today - DAY * 14)
            if rnd.random() < 0.3 and start < today - DAY:  # overdue
                evaluation_date = between(start + DAY, today - DAY)
            else:
                evaluation_date = today + DAY * rnd.randint(1, 120)
        elif state == "evaluated":
            start = between(goal_date, today - DAY * 30)
            evaluation_date = between(start + DAY, today - DAY)
            evaluated = min(today, evaluation_date + DAY * rnd.randint(0, 7))
            effect = rnd.choice(("good", "partial", "none"))
            evaluation = "<p>Evaluated in the cooperation meeting.</p>"
            evaluated_by = person or author
        else:
            start = between(goal_date, today - DAY * 10)
            evaluation_date = start + DAY * rnd.randint(30, 120)
            stop_reason = "The family moved the child to another school."
        start = min(start, evaluation_date)
        created = datetime.datetime.combine(min(start, today), datetime.time(9))
        created = min(
            max(created, EPOCH + datetime.timedelta(seconds=case["t0"])), self.now
        )
        written = (
            datetime.datetime.combine(evaluated, datetime.time(14))
            if evaluated
            else created
        )
        visibility = "service" if rnd.random() < 0.1 else "participants"
        self.rows["bti_measure"].append(
            (self._new_id("bti_measure"), case["id"], author, service_id, None)
            + (visibility, goal_id, name, None, arena, kind, responsible, person)
            + (start, evaluation_date, state, effect, evaluation, evaluated)
            + (
                evaluated_by,
                stop_reason,
                author,
                author,
                created,
                min(written, self.now),
            )
        )

    # -- meetings ------------------------------------------------------
    def meetings(self, count):
        """A handful of meetings, summoned by the stafettholder: held ones
        (their minutes become a log entry), planned and cancelled ones."""
        rnd, now = self.rnd, self.now
        candidates = [
            ci for ci, c in enumerate(self.cases) if c["active"] and c["holder"]
        ]
        for ci in rnd.sample(candidates, min(count, len(candidates))):
            case = self.cases[ci]
            meeting_id = self._new_id("bti_meeting")
            kind = rnd.choices(list(MEETING_KINDS), list(MEETING_KINDS.values()))[0]
            state = rnd.choices(("held", "draft", "cancelled"), (60, 30, 10))[0]
            if state == "draft":
                day = now.date() + DAY * rnd.randint(2, 30)
            else:
                span = max(1, (case["t1"] - case["t0"]) // 86400 - 1)
                day = (EPOCH + datetime.timedelta(seconds=case["t0"])).date()
                day += DAY * rnd.randint(1, span)
            start = datetime.datetime.combine(day, datetime.time(rnd.choice((8, 11))))
            voice = rnd.choice(CHILD_VOICES) if kind == "evaluation" else None
            minutes = None
            if state == "held":
                minutes = ENTRY_KINDS["minutes"][2][0]
                self.held.append((ci, meeting_id, start, kind, minutes, voice))
            holder = case["holder"]
            t0 = EPOCH + datetime.timedelta(seconds=case["t0"])
            created = min(now, max(t0, start - DAY * 14))
            self.rows["bti_meeting"].append(
                (meeting_id, case["id"], holder, case["holder_service"], None)
                + (
                    "participants",
                    kind,
                    start,
                    1.5,
                    start + datetime.timedelta(hours=1.5),
                )
                + ("Meeting room 2", holder, holder)
                + ("<p>1. Status<br>2. Goals and measures<br>3. Next steps</p>",)
                + (voice if state == "held" else None, minutes, state)
                + (
                    holder,
                    holder,
                    created,
                    min(now, start) if state == "held" else created,
                )
            )
            for service_id, contact, _members, _categories in case["authors"]:
                self.rows["bti_meeting_bti_service_rel"].append(
                    (meeting_id, service_id)
                )
                self.rows["bti_meeting_staff_rel"].append((meeting_id, contact))
            for partner in case["family"]:
                self.rows["bti_meeting_family_rel"].append((meeting_id, partner))


# ----------------------------------------------------------------------
# SQL part: the BTI tools and the case checklists (bti_tools)
# ----------------------------------------------------------------------
TOOL_COMMON = [
    "id", "case_id", "author_id", "author_service_id", "info_category_id",
    "visibility", "state", "date", "final_date", "version", "previous_id",
    "is_superseded", "log_entry_id", "create_uid", "write_uid", "create_date",
    "write_date",
]  # fmt: skip
TOOL_COLUMNS = {
    "bti_tool_wonder_note": TOOL_COMMON + [
        "service_id", "child_partner_id", "birth_date", "seen_heard",
        "child_said_did", "interaction", "duration", "earlier_concerns",
        "strengths", "open_questions", "leader_consulted_id",
        "leader_consulted_date", "violence_suspected",
    ],
    "bti_tool_wonder_area_bti_tool_wonder_note_rel": [
        "bti_tool_wonder_note_id", "bti_tool_wonder_area_id",
    ],
    "bti_tool_concern_scale": TOOL_COMMON + [
        "kind", "computed_step", "step_override", "override_reason", "step",
        "step_number", "observations", "note",
    ],
    "bti_tool_concern_scale_indicator_rel": ["scale_id", "indicator_id"],
    "bti_tool_conversation": TOOL_COMMON + [
        "with_whom", "purpose", "situations", "must_be_said", "writer_id",
        "planned_duration", "interpreter_needed", "invitation",
        "recognise_concern", "their_view", "disagreement", "child_voice",
        "agreements", "followup_date", "followup_user_id",
    ],
    "bti_tool_conversation_staff_rel": ["conversation_id", "user_id"],
    "bti_tool_conversation_partner_rel": ["conversation_id", "partner_id"],
    "bti_tool_observation": TOOL_COMMON + [
        "period_start", "period_end", "setting", "purpose", "summary",
    ],
    "bti_tool_observation_line": [
        "id", "observation_id", "case_id", "sequence", "time", "what_child_does",
        "interpretation", "create_uid", "write_uid", "create_date", "write_date",
    ],
    "bti_case_task": [
        "id", "case_id", "guide_task_id", "sequence", "guide_step_id",
        "level_step_id", "family", "done", "done_by_id", "done_date",
        "create_uid", "write_uid", "create_date", "write_date",
    ],
}  # fmt: skip
# Share of the cases with a final wonder note (the note that opened the case).
WONDER_NOTE_SHARE = 0.3
# Concern scales of an active case: the step the assessor sees, by level.
SCALE_STEP_WEIGHTS = {1: (30, 50, 20, 0), 2: (10, 40, 40, 10), 3: (5, 25, 45, 25)}
SCALE_OVERRIDE_SHARE = 0.05  # set one step higher than the indicators, reasoned
SCALE_NEW_VERSION_SHARE = 0.5  # a later scale is a new version of the former
CONVERSATION_SHARE = 0.25  # of the cases with guardians past step 0.3
OBSERVATION_SHARE = 0.15  # of the cases of kindergartens, schools, SFO, stations
OBSERVING_OWNERS = {
    "Kindergarten",
    "School",
    "After-School Programme",
    "Health Station",
}
# Tables of more rows are loaded without their foreign keys and indexes.
BULK_ROWS = 100_000
TASK_DONE_SHARE = 0.35  # tasks ticked off, where a service of the family takes part
SEEN_HEARD = [
    "<p>Sits alone in the breaks, has stopped joining the football game.</p>",
    "<p>Came without packed lunch four days of five; tired in the morning.</p>",
    "<p>Cried when picked up, did not want to go home with the father.</p>",
    "<p>Fewer words than the others of the group; does not answer in the circle.</p>",
]
# (what the child does, the observer's interpretation)
OBSERVED = [
    ("Plays alone by the sandpit; turns away when another child comes.",
     "Seems to avoid contact."),
    ("Hits a child who takes the spade; the adult comforts both.",
     "Frustration, few words for it."),
    ("Joins the circle, says two words when asked directly.",
     "Shy rather than not understanding."),
    ("Eats all the lunch quickly, asks for more.", "May be hungry in the morning."),
    ("Laughs with two friends in the role play for ten minutes.",
     "Good moment: can play with others."),
    ("Covers the ears when the room gets loud, goes to the corner.",
     "Sensitive to noise."),
]  # fmt: skip


class ToolFactory:
    """Computes the BTI tools of the generated cases and their checklists,
    following the rules of the models (bti_tools):

    * the wonder note that opened a case: final, by the member of the owning
      service who created the case, for that service (``service_id`` =
      ``author_service_id``), visibility service, dated the day of the case;
    * concern scales of active cases, the child's and (with guardians) the
      parents', 1-3 of each over time, final, by a member of a service taking
      part with access: ticked indicators of the scale's kind, ``computed_step``
      their highest step, ``step`` that or the reasoned override (only
      higher), ``step_number`` its number; a later scale is sometimes a new
      version of the former (``previous_id``, ``version``, the former
      ``is_superseded``);
    * necessary conversations with the parents (final: purpose and
      agreements), by the owning service, staff at most two, the family the
      guardians; observations with 2-5 lines inside their period, the lines'
      stored ``case_id`` the observation's;
    * the checklist of every case that is not closed: the tasks of the cards
      of its step in all three guides (as ``bti.case.task._bti_add_for_cases``),
      some ticked by a member of a service of that family taking part with
      access.
    """

    def __init__(self, env, services, seed):
        self.rnd = random.Random(seed + 2)  # the cases and the log keep theirs
        self.now = datetime.datetime.now().replace(microsecond=0)
        self.today = env["bti.access.policy"]._today()
        self.services = {s["id"]: s for s in services}
        cr = env.cr
        cr.execute("SELECT id, kind, step FROM bti_tool_concern_indicator WHERE active")
        self.indicators = {}
        for indicator_id, kind, step in cr.fetchall():
            self.indicators.setdefault((kind, int(step)), []).append(indicator_id)
        cr.execute("SELECT id FROM bti_tool_wonder_area WHERE active ORDER BY id")
        self.areas = [row[0] for row in cr.fetchall()]
        cr.execute(
            """SELECT s.level_step_id, t.id, t.sequence, t.guide_step_id, s.family
                 FROM bti_guide_task t
                 JOIN bti_guide_step s ON s.id = t.guide_step_id
                 JOIN bti_guide g ON g.id = s.guide_id AND g.active
                ORDER BY t.id"""
        )
        self.tasks = {}  # level step -> [(task, sequence, card, family)]
        for level_step, *task in cr.fetchall():
            self.tasks.setdefault(level_step, []).append(tuple(task))
        cr.execute(
            """SELECT s.id, l.code FROM bti_level_step s
                 JOIN bti_level l ON l.id = s.level_id
                ORDER BY l.code, s.sequence, s.id"""
        )
        self.steps = {}  # level step id -> (level code, position in the level)
        by_level = {}
        for step_id, code in cr.fetchall():
            self.steps[step_id] = (code, len(by_level.setdefault(code, [])))
            by_level[code].append(step_id)
        # The forms as dicts (a later version marks the former superseded),
        # the other tables as tuples in the order of TOOL_COLUMNS.
        self.rows = {table: [] for table in TOOL_COLUMNS if table != "bti_case_task"}
        self.next_ids = {}
        for table, columns in TOOL_COLUMNS.items():
            if "id" in columns:
                # table: a constant of this script, never input
                cr.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
                self.next_ids[table] = cr.fetchone()[0]
        self.task_rows = []

    def _new_id(self, table):
        new_id = self.next_ids[table]
        self.next_ids[table] += 1
        return new_id

    def _tool(self, table, case, author, author_service, final_at, **values):
        """A final tool of ``case`` (the common columns, and ``values``)."""
        final_at = min(final_at, self.now)
        created = max(case["created"], final_at - DAY * self.rnd.randint(0, 3))
        created = min(final_at, created)
        tool_id = self._new_id(table)
        row = {
            "id": tool_id,
            "case_id": case["id"],
            "author_id": author,
            "author_service_id": author_service,
            "visibility": "service",
            "state": "final",
            "date": created.date(),
            "final_date": final_at,
            "version": 1,
            "is_superseded": False,
            "create_uid": author,
            "write_uid": author,
            "create_date": created,
            "write_date": final_at,
        }
        row.update(values)
        self.rows[table].append(row)
        return row

    def _between(self, start, end):
        """A moment of a working day between ``start`` and ``end``."""
        when = start + (end - start) * self.rnd.random()
        when = when.replace(
            hour=self.rnd.randint(7, 14), minute=self.rnd.randint(0, 59), second=0
        )
        return min(max(when, start), end)

    @staticmethod
    def _readers(case):
        """(service, contact) of the services taking part with access."""
        return [
            (service_id, contact)
            for service_id, contact in case["contacts"].items()
            if case["access"][service_id]
        ]

    # -- one case --------------------------------------------------------
    def add_case(self, c):
        code, position = self.steps[c["step"]]
        # Level 0 passed step 0.2 ("Make it concrete": the wonder note, the
        # observation) and step 0.3 ("Share": the conversation)?
        concrete = code > 0 or position >= 1 or c["state"] != "wondering"
        shared = code > 0 or position >= 2 or c["state"] != "wondering"
        rnd = self.rnd
        if concrete and rnd.random() < WONDER_NOTE_SHARE:
            self._wonder_note(c)
        if concrete and c["owner"]["label"] in OBSERVING_OWNERS:
            if rnd.random() < OBSERVATION_SHARE:
                self._observation(c)
        if shared and c["guardians"] and rnd.random() < CONVERSATION_SHARE:
            self._conversation(c)
        if c["state"] == "active" and c["level"] and c["kind"] != "pregnant":
            self._scales(c, "child")
            if c["guardians"]:
                self._scales(c, "parents")
        if c["state"] != "closed":
            self._checklist(c)

    def _wonder_note(self, c):
        rnd, owner = self.rnd, c["owner"]
        members = owner["members"]
        note = self._tool(
            "bti_tool_wonder_note",
            c,
            c["creator"],
            owner["id"],
            c["created"],
            service_id=owner["id"],
            child_partner_id=c["subject"],
            birth_date=c["birth"],
            seen_heard=rnd.choice(SEEN_HEARD),
            child_said_did='<p>"I don\'t want to talk about it."</p>',
            interaction="<p>Looks at the adult before answering.</p>",
            duration=rnd.choice(("Two weeks", "A month", "Since the autumn")),
            earlier_concerns="<p>None known.</p>" if rnd.random() < 0.7 else None,
            strengths="<p>Good at drawing, kind to the younger children.</p>",
            open_questions="<p>Is something changing at home?</p>",
            violence_suspected=False,
        )
        if len(members) > 1 and rnd.random() < 0.6:
            note["leader_consulted_id"] = members[0]
            note["leader_consulted_date"] = note["date"]
        for area in rnd.sample(self.areas, min(len(self.areas), rnd.randint(1, 3))):
            self.rows["bti_tool_wonder_area_bti_tool_wonder_note_rel"].append(
                (note["id"], area)
            )

    def _observation(self, c):
        rnd = self.rnd
        start = c["created"].date() + DAY * rnd.randint(1, 5)
        end = start + DAY * rnd.randint(7, 21)
        if end >= self.today:
            return  # not over yet: it would still be a draft
        author = rnd.choice(c["owner"]["members"][1:] or c["owner"]["members"])
        final_at = datetime.datetime.combine(end + DAY, datetime.time(13))
        observation = self._tool(
            "bti_tool_observation",
            c,
            author,
            c["owner"]["id"],
            final_at,
            period_start=start,
            period_end=end,
            setting=rnd.choice(("Free play outdoors", "The circle", "Lunch", "Breaks")),
            purpose="How the child takes contact with the other children.",
            summary="<p>Plays mostly alone; good moments in small groups. "
            "Suggest a play group of two or three.</p>",
        )
        opened = datetime.datetime.combine(start, datetime.time(6))
        observation.update(create_date=opened, date=end)
        span = (end - start).days
        for sequence in range(rnd.randint(2, 5)):
            day = start + DAY * rnd.randint(0, span)
            # 07:00-12:59 UTC: the same day in Oslo (UTC+1/+2)
            when = datetime.datetime.combine(
                day, datetime.time(rnd.randint(7, 12), rnd.randint(0, 59))
            )
            what, interpretation = rnd.choice(OBSERVED)
            self.rows["bti_tool_observation_line"].append(
                (self._new_id("bti_tool_observation_line"), observation["id"])
                + (c["id"], 10 * (sequence + 1), when, what, interpretation)
                + (author, author, max(when, opened), max(when, opened))
            )

    def _conversation(self, c):
        rnd, owner = self.rnd, c["owner"]
        author = c["creator"]
        latest = c["decided"] if c["state"] != "wondering" else self.now
        earliest = c["created"] + DAY * 3
        held = self._between(earliest, max(earliest, latest))
        if held > self.now:
            return
        leader = owner["members"][0]
        staff = [author] if leader == author or rnd.random() < 0.4 else [author, leader]
        conversation = self._tool(
            "bti_tool_conversation",
            c,
            author,
            owner["id"],
            held + datetime.timedelta(hours=2),
            with_whom="parents",
            purpose="We wonder how the child is doing and want to hear how you see it.",
            situations="<p>Tired in the mornings; happy in the role play.</p>",
            must_be_said="<p>We are concerned about the mornings.</p>",
            writer_id=staff[-1],
            planned_duration=1.0,
            interpreter_needed=False,
            invitation="<p>A talk of about an hour at the kindergarten.</p>",
            recognise_concern=rnd.choice(("yes", "partly", "no")),
            their_view="<p>The evenings are hard since the move.</p>",
            disagreement="<p>None.</p>" if rnd.random() < 0.7 else None,
            child_voice="<p>The child says the new flat is small.</p>",
            agreements="<p>A short message home every Friday; we meet again in "
            "four weeks.</p>",
            followup_date=held.date() + DAY * rnd.randint(14, 35),
            followup_user_id=author,
        )
        conversation["date"] = held.date()
        for user in staff:
            self.rows["bti_tool_conversation_staff_rel"].append(
                (conversation["id"], user)
            )
        for partner in c["guardians"]:
            self.rows["bti_tool_conversation_partner_rel"].append(
                (conversation["id"], partner)
            )

    def _scales(self, c, kind):
        """1-3 concern scales of ``kind`` over the life of the active case."""
        rnd = self.rnd
        readers = self._readers(c)
        count = rnd.choice((1, 1, 2, 2, 3))
        moments = sorted(self._between(c["decided"], self.now) for _k in range(count))
        previous = None
        for when in moments:
            if previous and rnd.random() < SCALE_NEW_VERSION_SHARE:
                service_id = previous["author_service_id"]
                author = previous["author_id"]
            else:
                service_id, contact = rnd.choice(readers)
                members = self.services[service_id]["members"]
                author = contact if rnd.random() < 0.7 else rnd.choice(members)
                previous = None
            target = rnd.choices((1, 2, 3, 4), SCALE_STEP_WEIGHTS[c["level"]])[0]
            ticked = rnd.sample(
                self.indicators[kind, target],
                min(len(self.indicators[kind, target]), rnd.randint(1, 3)),
            )
            if target > 1:
                lower = self.indicators[kind, target - 1]
                ticked += rnd.sample(lower, min(len(lower), rnd.randint(0, 2)))
            override = reason = None
            step = target
            if target < 4 and rnd.random() < SCALE_OVERRIDE_SHARE:
                step = target + 1
                override = str(step)
                reason = "The parents' own account weighs more than the indicators."
            scale = self._tool(
                "bti_tool_concern_scale",
                c,
                author,
                service_id,
                when,
                kind=kind,
                computed_step=str(target),
                step_override=override,
                override_reason=reason,
                step=str(step),
                step_number=step,
                observations="<p>Seen over the last weeks in the group and at "
                "pick-up.</p>",
                note=None,
            )
            if previous:  # written after the former was made final
                scale["previous_id"] = previous["id"]
                scale["version"] = previous["version"] + 1
                scale["create_date"] = max(scale["create_date"], previous["final_date"])
                scale["date"] = scale["create_date"].date()
                previous["is_superseded"] = True
            for indicator in ticked:
                self.rows["bti_tool_concern_scale_indicator_rel"].append(
                    (scale["id"], indicator)
                )
            previous = scale

    def _checklist(self, c):
        """The tasks of the cards of the case's step, all three guides."""
        rnd = self.rnd
        since = c["created"] if c["state"] == "wondering" else c["decided"]
        by_family = {}
        for service_id, contact in self._readers(c):
            family = self.services[service_id]["family"]
            by_family.setdefault(family, []).append(contact)
        creator = c["creator"]
        for task, sequence, card, family in self.tasks.get(c["step"], ()):
            done_by = done_date = None
            doers = by_family.get(family)
            done = bool(doers) and rnd.random() < TASK_DONE_SHARE
            if done:
                done_by = rnd.choice(doers)
                done_date = self._between(since, self.now)
            self.task_rows.append(
                (self._new_id("bti_case_task"), c["id"], task, sequence, card)
                + (c["step"], family, done, done_by, done_date)
                + (creator, done_by or creator, since, done_date or since)
            )

    # -- writing -----------------------------------------------------------
    def write(self, cr, timer):
        for table, rows in self.rows.items():
            columns = TOOL_COLUMNS[table]
            if rows and isinstance(rows[0], dict):
                rows = [tuple(row.get(c) for c in columns) for row in rows]
            if len(rows) > BULK_ROWS:  # the scales and their indicators
                bulk_copy(cr, table, columns, rows)
            else:
                copy_rows(cr, table, rows, columns)
        counts = ", ".join(
            f"{len(self.rows[table])} {label}"
            for table, label in (
                ("bti_tool_wonder_note", "wonder notes"),
                ("bti_tool_concern_scale", "concern scales"),
                ("bti_tool_concern_scale_indicator_rel", "ticked indicators"),
                ("bti_tool_conversation", "conversations"),
                ("bti_tool_observation", "observations"),
                ("bti_tool_observation_line", "observation lines"),
            )
        )
        timer.step(f"COPY {counts}")
        copied = bulk_copy(
            cr, "bti_case_task", TOOL_COLUMNS["bti_case_task"], self.task_rows
        )  # always: 500,000 rows or more by default
        timer.step(
            f"COPY bti_case_task ({len(self.task_rows)} rows) {copied:.0f} s, "
            "then its indexes and foreign keys"
        )
        for table, columns in TOOL_COLUMNS.items():
            if "id" in columns:
                cr.execute(
                    f"SELECT setval('{table}_id_seq', "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )


def missing_required_columns(cr, tables):
    """NOT NULL columns without a default that the generator does not fill
    (the models changed): {table: [columns]}. ``tables``: {table: columns}."""
    missing = {}
    for table, columns in tables.items():
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = %s AND is_nullable = 'NO'
                  AND column_default IS NULL""",
            [table],
        )
        names = sorted({row[0] for row in cr.fetchall()} - set(columns))
        if names:
            missing[table] = names
    return missing


def generate_log(env, args, log, timer):
    cr = env.cr
    missing = missing_required_columns(cr, LOG_COLUMNS)
    if missing:
        sys.exit(f"the generator does not fill these NOT NULL columns: {missing}")
    log.goals_and_measures()
    log.meetings(max(3, args.cases // 2000))
    counts = log.plan(args.entries)
    ordered = sorted(counts)
    timer.step(
        f"planned {log.entries} log entries over {len(log.cases)} cases with a log "
        f"(median {ordered[len(ordered) // 2] if ordered else 0}, "
        f"max {ordered[-1] if ordered else 0})"
    )
    for table in ("bti_goal", "bti_measure", "bti_meeting"):
        copy_rows(cr, table, log.rows[table], LOG_COLUMNS[table])
    for table in LOG_COLUMNS:
        if table.startswith("bti_meeting_"):
            copy_rows(cr, table, log.rows[table], LOG_COLUMNS[table])
    timer.step(
        f"COPY {len(log.rows['bti_goal'])} goals, {len(log.rows['bti_measure'])} "
        f"measures, {len(log.rows['bti_meeting'])} meetings"
    )
    copied = bulk_copy(
        cr, "bti_log_entry", LOG_COLUMNS["bti_log_entry"], log.entry_rows()
    )
    timer.step(
        f"COPY bti_log_entry ({log.entries} rows, computed meanwhile) {copied:.0f} s, "
        "then its indexes and foreign keys"
    )
    cr.execute(
        """UPDATE bti_meeting m SET minutes_entry_id = e.id
             FROM bti_log_entry e WHERE e.meeting_id = m.id AND m.state = 'held'"""
    )
    for table in ("bti_goal", "bti_measure", "bti_meeting", "bti_log_entry"):
        cr.execute(
            f"SELECT setval('{table}_id_seq', "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def generate_tools(env, tools, timer):
    missing = missing_required_columns(env.cr, TOOL_COLUMNS)
    if missing:
        sys.exit(f"the generator does not fill these NOT NULL columns: {missing}")
    tools.write(env.cr, timer)


def generate_cases(env, args, services, timer, log, tools):
    """The cases and everything under them; returns the factory."""
    missing = missing_required_columns(env.cr, COLUMNS)
    if missing:
        sys.exit(f"the generator does not fill these NOT NULL columns: {missing}")
    factory = CaseFactory(env, services, args.seed)
    tools_time = 0.0
    for k in range(args.cases):
        case = factory.make(k, args.cases)
        log.add_case(case)
        start = time.monotonic()
        tools.add_case(case)
        tools_time += time.monotonic() - start
    timer.step(
        f"computed {args.cases} cases in Python (the tools and checklists "
        f"{tools_time:.1f} s of it)"
    )
    factory.write(env.cr, timer)
    # The case sequence continues after the generated references.
    sequence = env["ir.sequence"].search([("code", "=", "bti.case")])
    sequence.write({"number_next": args.cases + 1})
    env.invalidate_all()
    return factory


# The participation ``p`` gives access today: the owning service always, any
# other while a given consent covers it (valid_from <= today <= valid_until),
# as bti.access.policy computes it at query time (``access_granted`` is not
# stored). ``%(today)s`` is the BTI date, a parameter of every check.
ACCESS = """(p.active AND (p.is_owner OR EXISTS (
        SELECT 1 FROM bti_consent ak
          JOIN bti_consent_bti_service_rel ar ON ar.bti_consent_id = ak.id
         WHERE ak.case_id = p.case_id AND ar.bti_service_id = p.service_id
           AND ak.state = 'given' AND ak.valid_from <= %(today)s
           AND (ak.valid_until IS NULL OR ak.valid_until >= %(today)s))))"""
CHECKS = {
    "active level 1-3 cases without exactly one active baton": """
        SELECT count(*) FROM bti_case c
         WHERE c.state = 'active' AND c.level_code >= 1
           AND (SELECT count(*) FROM bti_baton b
                 WHERE b.case_id = c.id AND b.state = 'active') <> 1
    """,
    "holder_id different from the active baton's holder": """
        SELECT count(*) FROM bti_case c
          LEFT JOIN bti_baton b ON b.case_id = c.id AND b.state = 'active'
         WHERE c.holder_id IS DISTINCT FROM b.holder_id
    """,
    "cases without an active owner participant": f"""
        SELECT count(*) FROM bti_case c WHERE NOT EXISTS (
            SELECT 1 FROM bti_case_participant p
             WHERE p.case_id = c.id AND p.service_id = c.service_id
               AND p.is_owner AND {ACCESS})
    """,
    # bench_expected_access: the generator's own computation (check_consistency)
    "participations whose access today differs from the generator's": f"""
        SELECT count(*) FROM bti_case_participant p
         WHERE {ACCESS} <> (p.id IN (SELECT id FROM bench_expected_access))
    """,
    "active batons held through a service without access": f"""
        SELECT count(*) FROM bti_baton b
         WHERE b.state = 'active' AND NOT EXISTS (
            SELECT 1 FROM bti_case_participant p
             WHERE p.case_id = b.case_id AND p.service_id = b.service_id
               AND {ACCESS})
    """,
    "batons held by a non-member": """
        SELECT count(*) FROM bti_baton b WHERE NOT EXISTS (
            SELECT 1 FROM bti_service_member_rel m
             WHERE m.service_id = b.service_id AND m.user_id = b.holder_id)
    """,
    "level_code different from the level's code": """
        SELECT count(*) FROM bti_case c JOIN bti_level l ON l.id = c.level_id
         WHERE c.level_code <> l.code
    """,
}


CONTENT_TABLES = ("bti_log_entry", "bti_goal", "bti_measure", "bti_meeting")
for _table in CONTENT_TABLES:
    CHECKS |= {
        f"{_table}: by a service without access to the case": f"""
            SELECT count(*) FROM {_table} x WHERE NOT EXISTS (
                SELECT 1 FROM bti_case_participant p
                 WHERE p.case_id = x.case_id AND p.service_id = x.author_service_id
                   AND {ACCESS})
        """,
        f"{_table}: author not a member of the author's service": f"""
            SELECT count(*) FROM {_table} x WHERE NOT EXISTS (
                SELECT 1 FROM bti_service_member_rel m
                 WHERE m.service_id = x.author_service_id AND m.user_id = x.author_id)
        """,
        f"{_table}: in a case without a given, valid consent": f"""
            SELECT count(*) FROM {_table} x WHERE NOT EXISTS (
                SELECT 1 FROM bti_consent k
                 WHERE k.case_id = x.case_id AND k.state = 'given'
                   AND k.valid_from <= %(today)s
                   AND (k.valid_until IS NULL OR k.valid_until >= %(today)s))
        """,
        f"{_table}: with a category the author's service may not read": f"""
            SELECT count(*) FROM {_table} x
             WHERE x.info_category_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM bti_info_category_bti_service_rel r
                 WHERE r.bti_service_id = x.author_service_id
                   AND r.bti_info_category_id = x.info_category_id)
        """,
    }
CHECKS |= {
    "log entries dated before the consent, in the future or after the close": """
        SELECT count(*) FROM bti_log_entry e
          JOIN bti_case c ON c.id = e.case_id
          LEFT JOIN (SELECT case_id, min(valid_from) AS since FROM bti_consent
                      WHERE state = 'given' GROUP BY case_id) k ON k.case_id = e.case_id
         WHERE e.date > LOCALTIMESTAMP OR e.date::date > c.close_date
            OR e.date::date < k.since
    """,
    "log entries whose ids are not in date order": """
        SELECT count(*) FROM (
            SELECT date < lag(date) OVER (ORDER BY id) AS back FROM bti_log_entry
        ) x WHERE back
    """,
    "drafts in closed cases, or publication dates that do not match the state": """
        SELECT count(*) FROM bti_log_entry e JOIN bti_case c ON c.id = e.case_id
         WHERE (e.state = 'draft' AND c.state = 'closed')
            OR (e.state = 'draft') <> (e.published_date IS NULL)
    """,
    "corrections of a draft or of another case's entry": """
        SELECT count(*) FROM bti_log_entry e
          JOIN bti_log_entry o ON o.id = e.corrects_id
         WHERE o.case_id <> e.case_id OR o.state <> 'published' OR o.date > e.date
    """,
    "is_corrected different from 'a published correction exists'": """
        SELECT count(*) FROM bti_log_entry e
         WHERE e.is_corrected IS DISTINCT FROM e.id IN (
            SELECT corrects_id FROM bti_log_entry
             WHERE corrects_id IS NOT NULL AND state = 'published')
    """,
    "family contributions by someone not the person or a guardian": """
        SELECT count(*) FROM bti_log_entry e JOIN bti_case c ON c.id = e.case_id
         WHERE e.family_partner_id IS NOT NULL
           AND e.family_partner_id <> c.subject_partner_id
           AND NOT EXISTS (SELECT 1 FROM bti_case_guardian g
                            WHERE g.case_id = e.case_id
                              AND g.partner_id = e.family_partner_id)
    """,
    "measures of a goal of another case, or evaluated before they start": """
        SELECT count(*) FROM bti_measure m JOIN bti_goal g ON g.id = m.goal_id
         WHERE g.case_id <> m.case_id OR m.date_evaluation < m.date_start
    """,
    "measures whose responsible service has no access or person is no member": f"""
        SELECT count(*) FROM bti_measure m
         WHERE (m.responsible_kind = 'family'
                AND (m.responsible_service_id IS NOT NULL
                     OR m.responsible_user_id IS NOT NULL))
            OR (m.responsible_kind = 'service' AND NOT EXISTS (
                SELECT 1 FROM bti_case_participant p
                 WHERE p.case_id = m.case_id AND {ACCESS}
                   AND p.service_id = m.responsible_service_id))
            OR (m.responsible_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM bti_service_member_rel r
                 WHERE r.service_id = m.responsible_service_id
                   AND r.user_id = m.responsible_user_id))
    """,
    "held meetings without their minutes entry, or staff outside the services": """
        SELECT count(*) FROM bti_meeting m
         WHERE (m.state = 'held' AND NOT EXISTS (
                SELECT 1 FROM bti_log_entry e
                 WHERE e.id = m.minutes_entry_id AND e.meeting_id = m.id
                   AND e.case_id = m.case_id AND e.state = 'published'))
            OR EXISTS (
                SELECT 1 FROM bti_meeting_staff_rel s
                 WHERE s.meeting_id = m.id AND NOT EXISTS (
                    SELECT 1 FROM bti_meeting_bti_service_rel r
                      JOIN bti_service_member_rel u ON u.service_id = r.bti_service_id
                     WHERE r.bti_meeting_id = m.id AND u.user_id = s.user_id))
    """,
    "case followers whose service has no access": f"""
        SELECT count(*) FROM mail_followers f
          JOIN res_users u ON u.partner_id = f.partner_id
         WHERE f.res_model = 'bti.case' AND NOT EXISTS (
            SELECT 1 FROM bti_case_participant p
              JOIN bti_service_member_rel m ON m.service_id = p.service_id
             WHERE p.case_id = f.res_id AND {ACCESS} AND m.user_id = u.id)
    """,
}


# The BTI tools (bti_tools) and the case checklists.
TOOL_TABLES = (
    "bti_tool_wonder_note",
    "bti_tool_concern_scale",
    "bti_tool_conversation",
    "bti_tool_observation",
)
for _table in TOOL_TABLES:
    CHECKS |= {
        f"{_table}: final, by an author not a member of the author's service": f"""
            SELECT count(*) FROM {_table} x
             WHERE x.state = 'final' AND NOT EXISTS (
                SELECT 1 FROM bti_service_member_rel m
                 WHERE m.service_id = x.author_service_id AND m.user_id = x.author_id)
        """,
        f"{_table}: by a service without access to the case": f"""
            SELECT count(*) FROM {_table} x
             WHERE x.case_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM bti_case_participant p
                 WHERE p.case_id = x.case_id AND p.service_id = x.author_service_id
                   AND {ACCESS})
        """,
        f"{_table}: final without the moment it was made final, or after now": f"""
            SELECT count(*) FROM {_table} x
             WHERE (x.state = 'final') <> (x.final_date IS NOT NULL)
                OR x.final_date > LOCALTIMESTAMP OR x.final_date < x.create_date
        """,
        f"{_table}: a version of another form, or not after the former": f"""
            SELECT count(*) FROM {_table} x JOIN {_table} o ON o.id = x.previous_id
             WHERE o.case_id <> x.case_id OR o.state <> 'final'
                OR x.version <> o.version + 1 OR o.final_date > x.create_date
        """,
        f"{_table}: is_superseded different from 'a newer version exists'": f"""
            SELECT count(*) FROM {_table} x
             WHERE COALESCE(x.is_superseded, false) <> EXISTS (
                SELECT 1 FROM {_table} n WHERE n.previous_id = x.id)
        """,
    }
CHECKS |= {
    "wonder notes not of the owning service, the case's child, visibility service": """
        SELECT count(*) FROM bti_tool_wonder_note n JOIN bti_case c ON c.id = n.case_id
         WHERE n.service_id <> n.author_service_id OR n.service_id <> c.service_id
            OR n.child_partner_id <> c.subject_partner_id OR n.visibility <> 'service'
    """,
    "concern scales whose computed_step is not the highest ticked indicator's step": """
        SELECT count(*) FROM bti_tool_concern_scale s
         WHERE s.computed_step IS DISTINCT FROM (
            SELECT max(i.step) FROM bti_tool_concern_scale_indicator_rel r
              JOIN bti_tool_concern_indicator i ON i.id = r.indicator_id
             WHERE r.scale_id = s.id)
    """,
    "concern scales: step not max(computed, override), or step_number differs": """
        SELECT count(*) FROM bti_tool_concern_scale s
         WHERE s.step IS DISTINCT FROM GREATEST(s.computed_step, s.step_override)
            OR s.step_number <> COALESCE(s.step::integer, 0)
    """,
    "concern scales set lower, without reason, or with another scale's indicators": """
        SELECT count(*) FROM bti_tool_concern_scale s
         WHERE (s.step_override IS NOT NULL
                AND (s.step_override < s.computed_step
                     OR COALESCE(trim(s.override_reason), '') = ''))
            OR EXISTS (SELECT 1 FROM bti_tool_concern_scale_indicator_rel r
                         JOIN bti_tool_concern_indicator i ON i.id = r.indicator_id
                        WHERE r.scale_id = s.id AND i.kind <> s.kind)
    """,
    "final concern scales without a step, or at 3-4 without an indicator or reason": """
        SELECT count(*) FROM bti_tool_concern_scale s
         WHERE s.state = 'final' AND (s.step IS NULL OR (
            s.step IN ('3', '4') AND s.step_override IS DISTINCT FROM s.step
            AND NOT EXISTS (SELECT 1 FROM bti_tool_concern_scale_indicator_rel r
                              JOIN bti_tool_concern_indicator i ON i.id = r.indicator_id
                             WHERE r.scale_id = s.id AND i.step = s.step)))
    """,
    "conversations with over two staff, or family not the person or a guardian": """
        SELECT count(*) FROM bti_tool_conversation v
         WHERE (SELECT count(*) FROM bti_tool_conversation_staff_rel r
                 WHERE r.conversation_id = v.id) > 2
            OR EXISTS (
                SELECT 1 FROM bti_tool_conversation_partner_rel r
                  JOIN bti_case c ON c.id = v.case_id
                 WHERE r.conversation_id = v.id
                   AND r.partner_id <> c.subject_partner_id
                   AND NOT EXISTS (SELECT 1 FROM bti_case_guardian g
                                    WHERE g.case_id = v.case_id
                                      AND g.partner_id = r.partner_id))
    """,
    "final conversations without purpose or agreements": """
        SELECT count(*) FROM bti_tool_conversation v
         WHERE v.state = 'final' AND (COALESCE(trim(v.purpose), '') = ''
                                      OR COALESCE(v.agreements, '') = '')
    """,
    "observation lines of another case than their form's, or outside its period": """
        SELECT count(*) FROM bti_tool_observation_line l
          JOIN bti_tool_observation o ON o.id = l.observation_id
         WHERE l.case_id IS DISTINCT FROM o.case_id OR l.time IS NULL
            OR (l.time AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
               NOT BETWEEN o.period_start AND o.period_end
    """,
    "final observations without a line": """
        SELECT count(*) FROM bti_tool_observation o
         WHERE o.state = 'final' AND NOT EXISTS (
            SELECT 1 FROM bti_tool_observation_line l WHERE l.observation_id = o.id)
    """,
    "open cases without a task of a card of their step (any of the three guides)": """
        SELECT count(*) FROM bti_case c
          JOIN bti_guide_step s ON s.level_step_id = c.step_id
          JOIN bti_guide_task t ON t.guide_step_id = s.id
         WHERE c.state <> 'closed' AND NOT EXISTS (
            SELECT 1 FROM bti_case_task k
             WHERE k.case_id = c.id AND k.guide_task_id = t.id)
    """,
    "case tasks whose stored sequence, card, step or family differ from the task's": """
        SELECT count(*) FROM bti_case_task k
          JOIN bti_guide_task t ON t.id = k.guide_task_id
          JOIN bti_guide_step s ON s.id = t.guide_step_id
         WHERE k.sequence IS DISTINCT FROM t.sequence
            OR k.guide_step_id <> t.guide_step_id
            OR k.level_step_id IS DISTINCT FROM s.level_step_id
            OR k.family IS DISTINCT FROM s.family
    """,
    # The participations with access: the generator's (bench_expected_access),
    # which the check above compares with the consent condition; the
    # condition itself for each of the ~180,000 ticked tasks takes 8 s.
    "case tasks ticked without who and when, or not by a service of the family": """
        SELECT count(*) FROM bti_case_task k
         WHERE COALESCE(k.done, false) <> (k.done_by_id IS NOT NULL)
            OR COALESCE(k.done, false) <> (k.done_date IS NOT NULL)
            OR (k.done AND NOT EXISTS (
                SELECT 1 FROM bti_service_member_rel m
                  JOIN bti_service sv ON sv.id = m.service_id
                  JOIN bti_case_participant p
                    ON p.case_id = k.case_id AND p.service_id = m.service_id
                  JOIN bench_expected_access a ON a.id = p.id
                 WHERE m.user_id = k.done_by_id AND sv.guide_family = k.family))
    """,
}


# ----------------------------------------------------------------------
# The families: portal logins (bti_portal)
# ----------------------------------------------------------------------
PORTAL_MODULE = "bti_portal"
FAMILY_LOGIN = "family{:04d}"  # the password is the login
# The cases a family reads in the portal (bti.access.policy._family_cases_sql:
# not closed, no suspicion of violence, the partner a guardian with parental
# responsibility), active, whose log has published entries shared with the
# family; each with its first such guardian and those entries.
FAMILY_CANDIDATES = """
    SELECT c.id, min(g.partner_id), (
            SELECT count(*) FROM bti_log_entry e
             WHERE e.case_id = c.id AND e.visibility = 'family'
               AND e.state = 'published')
      FROM bti_case c
      JOIN bti_case_guardian g ON g.case_id = c.id AND g.parental_responsibility
     WHERE c.state = 'active' AND NOT COALESCE(c.violence_suspicion, FALSE)
       AND EXISTS (SELECT 1 FROM bti_log_entry e
                    WHERE e.case_id = c.id AND e.visibility = 'family'
                      AND e.state = 'published')
     GROUP BY c.id ORDER BY c.id
"""


def install_portal(args):
    """Install bti_portal in an already generated database (no demo data)."""
    import psycopg2  # noqa: PLC0415

    try:
        conn = psycopg2.connect(dbname=args.db)
    except psycopg2.OperationalError as error:
        sys.exit(f"cannot open {args.db}: {error}")
    with conn.cursor() as cur:
        cur.execute(
            "SELECT state FROM ir_module_module WHERE name = %s", [PORTAL_MODULE]
        )
        row = cur.fetchone()
        cur.execute("SELECT count(*) FROM bti_case")
        cases = cur.fetchone()[0]
    conn.close()
    if not cases:
        sys.exit(f"{args.db} has no cases: generate it first")
    if row and row[0] == "installed":
        return False
    cmd = [
        sys.executable,
        str(_common.odoo_src() / "odoo-bin"),
        f"--database={args.db}",
        f"--addons-path={args.addons_path}",
        f"--init={PORTAL_MODULE}",
        "--without-demo=all",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    ]
    subprocess.run(cmd, check=True)
    return True


def create_families(env, count, seed):
    """Portal logins for the guardians of ``count`` cases their family reads
    (see FAMILY_CANDIDATES): the case with the most entries shared with the
    family, and a sample of the others (its own random sequence), in the
    order of the cases. A guardian who already has a login keeps it; the new
    ones take the free numbers. Returns ([(user, case id, entries)], how many
    were created)."""
    from odoo import Command  # noqa: PLC0415

    cr = env.cr
    cr.execute(FAMILY_CANDIDATES)
    candidates = cr.fetchall()
    if not candidates:
        sys.exit("no active case with published entries shared with the family")
    count = min(count, len(candidates))
    largest = max(candidates, key=lambda row: (row[2], -row[0]))
    others = [row for row in candidates if row is not largest]
    picked = sorted([largest, *random.Random(seed + 3).sample(others, count - 1)])
    users_model = env["res.users"].with_context(active_test=False)
    portal = env.ref("base.group_portal")
    existing = {
        user.partner_id.id: user
        for user in users_model.search([("partner_id", "in", [r[1] for r in picked])])
    }
    taken = set(users_model.search([("login", "=like", "family%")]).mapped("login"))
    logins = (
        login
        for login in map(FAMILY_LOGIN.format, itertools.count(1))
        if login not in taken
    )
    vals_list = []
    for _case_id, partner_id, _entries in picked:
        if partner_id in existing:
            continue
        login = next(logins)
        vals_list.append(
            {
                "partner_id": partner_id,
                "login": login,
                "password": login,
                "groups_id": [Command.set(portal.ids)],
            }
        )
    created = users_model.with_context(no_reset_password=True).create(vals_list)
    env.flush_all()
    by_partner = existing | {user.partner_id.id: user for user in created}
    return [(by_partner[p], case_id, n) for case_id, p, n in picked], len(created)


def report_families(env, families):
    """What the families read, as themselves (the portal's record rules): each
    must read its case; the entries of its log page."""
    Case, Entry = env["bti.case"], env["bti.log.entry"]
    # Not a measurement: without JIT. The policy's family SQL is estimated so
    # high that PostgreSQL compiles it for every query (about 0.7 s each).
    env.cr.execute("SET LOCAL jit = off")
    readable, published = [], []
    for user, case_id, entries in families:
        if case_id not in Case.with_user(user).search([]).ids:
            sys.exit(f"{user.login} does not read case {case_id} in the portal")
        readable.append(Entry.with_user(user).search_count([("case_id", "=", case_id)]))
        published.append(entries)
    return (
        f"published entries shared with the family median "
        f"{statistics.median(published):g}, max {max(published)}; read by the "
        f"family (no health information of a young person of 16 or older) "
        f"median {statistics.median(readable):g}, max {max(readable)}, "
        f"total {sum(readable)}"
    )


def add_families(registry, args, timer):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        families, created = create_families(env, args.families, args.seed)
        cr.commit()
        timer.step(
            f"ORM: {len(families)} family logins (portal; {created} new, "
            f"{FAMILY_LOGIN.format(1)}...)"
        )
        summary = report_families(env, families)
        cr.rollback()  # the family's reads may have written access-log rows
        timer.step(f"the families' cases: {summary}")


def vacuum_analyze(db):
    """Statistics for the planner, and the visibility map and hint bits that
    autovacuum would otherwise write during the first benchmark runs."""
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    conn.close()


def database_size(db):
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(dbname=db)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
        cur.execute(
            """SELECT relname, pg_size_pretty(pg_total_relation_size(oid))
                 FROM pg_class WHERE relkind = 'r'
                ORDER BY pg_total_relation_size(oid) DESC LIMIT 4"""
        )
        largest = ", ".join(f"{name} {pretty}" for name, pretty in cur.fetchall())
    conn.close()
    return f"database {size} (largest: {largest})"


def check_consistency(cr, today, timezone, with_access):
    """A few invariants of the models, checked in SQL on the generated data.
    ``with_access``: the participations the generator computed to have access
    on ``today`` (the BTI date, in the municipality's ``timezone``), compared
    with the consent condition."""
    cr.execute("CREATE TEMPORARY TABLE bench_expected_access (id integer PRIMARY KEY)")
    copy_rows(cr, "bench_expected_access", ((pid,) for pid in with_access), ["id"])
    # Statistics first: the tables were just filled, and without them the
    # planner takes the new ones for empty (a check of the ticked tasks ran
    # for more than 5 minutes).
    cr.execute("ANALYZE")
    bad = 0
    for label, query in CHECKS.items():
        cr.execute(query, {"today": today, "tz": timezone})
        count = cr.fetchone()[0]
        if count:
            print(f"  INCONSISTENT: {count} {label}")
            bad += count
    return bad


def main():
    args = parse_args()
    random.seed(args.seed)
    odoo = _common.setup_odoo(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    timer = Timer()
    if args.families_only:
        print(f"Adding {args.families} families to {args.db}")
        installed = install_portal(args)
        timer.step(
            f"{PORTAL_MODULE} " + ("installed" if installed else "was installed")
        )
        add_families(odoo.modules.registry.Registry(args.db), args, timer)
        vacuum_analyze(args.db)
        timer.step("VACUUM ANALYZE")
        print(f"Done in {timer.total():.0f} s")
        return 0
    print(
        f"Generating {args.db}: {args.cases} cases, {args.services} services, "
        f"{args.users} users"
    )
    create_database(args)
    timer.step(f"created the database, installed {', '.join(MODULES)} (no demo)")

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        ctx = {
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_create_nosubscribe": True,
            "mail_notrack": True,
            "no_reset_password": True,
        }
        env = api.Environment(cr, SUPERUSER_ID, ctx)
        services = create_services(env, args.services)
        env.flush_all()
        timer.step(f"ORM: {len(services)} services")
        create_users(env, services, args.users)
        timer.step(f"ORM: {args.users} users (BTI employees, one service each)")
        log = LogFactory(env, services, args.seed)
        tools = ToolFactory(env, services, args.seed)
        factory = generate_cases(env, args, services, timer, log, tools)
        generate_log(env, args, log, timer)
        generate_tools(env, tools, timer)
        cr.commit()
        timezone = env["bti.access.policy"]._timezone()
        bad = check_consistency(cr, factory.today, timezone, factory.with_access)
        timer.step("consistency checks" + (f": {bad} problems" if bad else ": OK"))
    if args.families:
        add_families(registry, args, timer)
    vacuum_analyze(args.db)
    timer.step("VACUUM ANALYZE")
    print(f"Generated {args.db} in {timer.total():.0f} s: {database_size(args.db)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
