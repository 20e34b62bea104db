"""Concurrent writers on one case, each in its own transaction and thread, as
Odoo's HTTP workers run requests (with Odoo's own retry on serialization
failures, ``odoo.service.model.retrying``), committed to the database:

* 20 staff write and publish an entry in the same log at once: every
  acknowledged entry is there exactly once, and announced exactly once;
* two acceptances of the same handover at once, and an acceptance racing the
  withdrawal of the consent that gives the successor's service its access:
  the case has exactly one stafettholder, of a service with access.

These tests commit (the races need real transactions): they run only on
setup/test's throw-away database (``bti_test_*``).
"""

import threading
import uuid

import pytest

import odoo
from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying

WRITERS = 20
STAFF = ("kari", "ingrid", "lars", "tone", "erik")  # Noah's case (demo)


@pytest.fixture(scope="module")
def committed(registry):
    db = odoo.tools.config["db_name"]
    if not db.startswith("bti_test_"):
        pytest.skip("commits to the database: run by setup/test on bti_test_*")
    return registry


def _uid(registry, login):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["res.users"].search([("login", "=", login)]).id


def _race(registry, calls):
    """Run ``calls`` (``[(uid, func(env))]``) at the same moment, each in its
    own thread, cursor and transaction (retried as Odoo retries a request),
    and return ``[(ok, result or exception)]`` in the same order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, uid, func):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, uid, {"mail_notify_force_send": False})
                barrier.wait(timeout=30)
                result = retrying(lambda: func(env), env)
            results[index] = (True, result)
        except Exception as exc:  # noqa: BLE001 - the outcome is the test's
            results[index] = (False, exc)

    threads = [
        threading.Thread(target=run, args=(index, uid, func))
        for index, (uid, func) in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _su(registry, func):
    with registry.cursor() as cr:
        return func(api.Environment(cr, SUPERUSER_ID, {}))


def _case_id(env):
    return env.ref("bti_core.demo_case_noah").id


def test_twenty_writers_on_one_log(committed):
    registry = committed
    tag = uuid.uuid4().hex[:8]
    case_id = _su(registry, _case_id)
    uids = [_uid(registry, login) for login in STAFF]

    def writer(number):
        def write(env):
            entry = env["bti.log.entry"].create(
                {
                    "case_id": case_id,
                    "subject": f"Race {tag} {number}",
                    "body": "<p>Written at the same moment as nineteen others.</p>",
                    "visibility": "participants",
                }
            )
            entry.action_publish()
            return entry.id

        return write

    results = _race(
        registry,
        [(uids[number % len(uids)], writer(number)) for number in range(WRITERS)],
    )
    acknowledged = [result for ok, result in results if ok]
    assert len(acknowledged) == WRITERS, [r for ok, r in results if not ok]

    def check(env):
        entries = env["bti.log.entry"].search(
            [("case_id", "=", case_id), ("subject", "like", f"Race {tag} %")]
        )
        subjects = entries.mapped("subject")
        assert sorted(entries.ids) == sorted(acknowledged)
        assert len(set(subjects)) == WRITERS, "each entry exactly once"
        assert set(entries.mapped("state")) == {"published"}
        announced = env["mail.message"].search_count(
            [
                ("model", "=", "bti.case"),
                ("res_id", "=", case_id),
                ("subtype_id", "=", env.ref("bti_stafettlogg.mt_log_entry").id),
                ("create_date", ">=", min(entries.mapped("create_date"))),
            ]
        )
        assert announced == WRITERS, "each entry announced exactly once"

    _su(registry, check)


def _propose(registry, successor_login):
    """A pending handover of Noah's case to ``successor_login`` (PPT),
    proposed by the kindergarten's leader; returns the case id."""

    def propose(env):
        case = env.ref("bti_core.demo_case_noah")
        successor = env["res.users"].search([("login", "=", successor_login)])
        if case.pending_baton_id:
            case.pending_baton_id.sudo().write({"state": "ended"})
        leader = env["res.users"].search([("login", "=", "kari")])
        env["bti.baton"].with_user(leader)._bti_propose(
            case.with_user(leader), successor, env.ref("bti_core.demo_service_ppt")
        )
        return case.id

    return _su(registry, propose)


def _one_holder(env, case_id):
    case = env["bti.case"].browse(case_id)
    active = case.baton_ids.filtered(lambda b: b.state == "active")
    assert len(active) == 1, f"one stafettholder, not {len(active)}"
    assert active.holder_id == case.holder_id
    return case, active


def test_two_acceptances_at_once(committed):
    registry = committed
    case_id = _propose(registry, "erik")
    erik = _uid(registry, "erik")

    def accept(env):
        return env["bti.case"].browse(case_id).action_accept_baton()

    results = _race(registry, [(erik, accept), (erik, accept)])
    assert sum(ok for ok, _r in results) >= 1, results

    def check(env):
        case, active = _one_holder(env, case_id)
        assert active.holder_id.login == "erik"
        assert not case.pending_baton_id

    _su(registry, check)


def test_acceptance_racing_a_withdrawal(committed):
    registry = committed
    case_id = _propose(registry, "tone")
    tone, kari = _uid(registry, "tone"), _uid(registry, "kari")

    def ppt_consent(env):
        case = env["bti.case"].browse(case_id)
        ppt = env.ref("bti_core.demo_service_ppt")
        consents = case.consent_ids.filtered(
            lambda c: c.state == "given" and ppt in c.service_ids
        )
        return consents.ids

    consent_ids = _su(registry, ppt_consent)
    assert consent_ids, "Noah's consent covers PPT (demo)"

    def accept(env):
        return env["bti.case"].browse(case_id).action_accept_baton()

    def withdraw(env):
        return (
            env["bti.consent"]
            .browse(consent_ids)
            .action_withdraw(reason="Race: the family withdraws")
        )

    results = _race(registry, [(tone, accept), (kari, withdraw)])
    assert results[1][0], f"the withdrawal is recorded: {results[1]}"

    def check(env):
        case, active = _one_holder(env, case_id)
        taking_part = case._bti_taking_part_services()
        assert active.service_id in taking_part, (
            "the stafettholder's service has access after the withdrawal"
        )

    _su(registry, check)
