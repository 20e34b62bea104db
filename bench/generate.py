#!/usr/bin/env python3
"""Create a BTI benchmark database: bti_core without demo data, then bulk data.

    .venv/bin/python bench/generate.py [--db bti_bench] [--cases 100000]
        [--services 300] [--users 3000] [--drop]

Services and users are created through the ORM (a few thousand records, and
users need the ORM's group and partner logic). Partners, cases, guardians,
participants, consents, batons and level history are computed in Python and
written with COPY, because the ORM would take hours for 100,000 cases. The
rows follow the rules the models enforce:

* every case has its owning service as participant (``is_owner``,
  ``access_granted``); other services join only with a given, valid consent
  that covers them (``access_granted`` as the model computes it);
* an active case at level 1-3 has exactly one active baton, held by a member
  of a participating service with access that may hold the baton, and
  ``bti_case.holder_id`` stores that holder; closed cases have ended batons
  and no holder;
* references follow the case sequence (BTI-<year>-<number>) and the sequence
  continues after them; ``level_code`` is stored.
"""

import argparse
import csv
import datetime
import io
import random
import subprocess
import sys
import time

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
        "is_owner", "access_granted", "create_uid", "write_uid", "create_date",
        "write_date",
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
}  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    _common.add_common_arguments(parser)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--services", type=int, default=300)
    parser.add_argument("--users", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--drop", action="store_true", help="drop the database first if it exists"
    )
    args = parser.parse_args()
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
        "--init=bti_core",
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
    ]
    subprocess.run(cmd, check=True)


def copy_rows(cr, table, rows):
    """COPY ``rows`` (tuples in the order of COLUMNS; None is NULL) into ``table``."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    buf.seek(0)
    columns = ", ".join(COLUMNS[table])
    cr._obj.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buf)


# ----------------------------------------------------------------------
# ORM part: services and users
# ----------------------------------------------------------------------
def create_services(env, count):
    counters = {}
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
            }
        )
        mixes.append(mix)
    services = env["bti.service"].create(vals_list)
    return [
        {
            "id": service.id,
            "label": mix[0],
            "may_open": mix[3],
            "may_hold": mix[4],
            "weight": mix[5],
            "members": [],
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
        self.today = self.now.date()
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
        cr = env.cr
        self.next_ids = {}
        for table in COLUMNS:
            if "id" in COLUMNS[table]:
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
        self.rows["bti_case_participant"].append(
            (self._new_id("bti_case_participant"), c["id"], owner["id"], c["creator"])
            + ("Owning service", c["created"].date(), True, True, True)
            + self._stamps(c["creator"], c["created"])
        )
        if not joiners:
            return joiners
        joined = self._consents(c, joiners)
        for service in joiners:
            self.rows["bti_case_participant"].append(
                (self._new_id("bti_case_participant"), c["id"], service["id"])
                + (self._member(service), "Cooperating service", joined, True, False)
                + (c["access"][service["id"]],)
                + self._stamps(c["creator"], c["created"])
            )
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
        c["holder"] = None
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
            c["holder"] = holder

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


def generate_cases(env, args, services, timer):
    factory = CaseFactory(env, services, args.seed)
    for k in range(args.cases):
        factory.make(k, args.cases)
    timer.step(f"computed {args.cases} cases in Python")
    factory.write(env.cr, timer)
    # The case sequence continues after the generated references.
    sequence = env["ir.sequence"].search([("code", "=", "bti.case")])
    sequence.write({"number_next": args.cases + 1})
    env.invalidate_all()


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
    "cases without an owner participant with access": """
        SELECT count(*) FROM bti_case c WHERE NOT EXISTS (
            SELECT 1 FROM bti_case_participant p
             WHERE p.case_id = c.id AND p.service_id = c.service_id
               AND p.is_owner AND p.access_granted)
    """,
    "participants with access but no valid consent": """
        SELECT count(*) FROM bti_case_participant p
         WHERE p.access_granted AND NOT p.is_owner AND NOT EXISTS (
            SELECT 1 FROM bti_consent k
              JOIN bti_consent_bti_service_rel r ON r.bti_consent_id = k.id
             WHERE k.case_id = p.case_id AND r.bti_service_id = p.service_id
               AND k.state = 'given' AND k.valid_from <= CURRENT_DATE
               AND (k.valid_until IS NULL OR k.valid_until >= CURRENT_DATE))
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


def check_consistency(cr):
    """A few invariants of the models, checked in SQL on the generated data."""
    bad = 0
    for label, query in CHECKS.items():
        cr.execute(query)
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
    print(
        f"Generating {args.db}: {args.cases} cases, {args.services} services, "
        f"{args.users} users"
    )
    create_database(args)
    timer.step("created the database, installed bti_core (no demo)")

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
        generate_cases(env, args, services, timer)
        bad = check_consistency(cr)
        timer.step("consistency checks" + (f": {bad} problems" if bad else ": OK"))
        cr.commit()
        cr.execute("ANALYZE")
        cr.commit()
        timer.step("ANALYZE")
    print(f"Generated {args.db} in {timer.total():.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
