"""Locust users of the BTI load test: service staff in the web client and
families in the portal. Started by ``bench/load/run.py`` (which prepares the
database and writes the plan this file reads); not meant to be run alone.

Environment (set by run.py):

- ``BTI_LOAD_PLAN``: the plan (JSON): the staff logins with the ids each one
  touches (cases of their first list page, cases with a log, cases they may
  write in, concern scales of their service, cases with meetings), the
  families with their case, and the specifications the web client builds
  from the views;
- ``BTI_LOAD_WARMUP``, ``BTI_LOAD_DURATION``: seconds. Once every user has
  logged in (Odoo hashes passwords with 600,000 rounds of PBKDF2: about 1 s of
  a core per login), the warm-up runs, then the statistics are reset and the
  measured window starts; after ``BTI_LOAD_DURATION`` seconds of it the
  results are written and locust stops;
- ``BTI_LOAD_THINK``: ``min,max`` seconds each user waits between two tasks
  (run.py's default ``0,0``: a closed loop, every user always has a request
  in flight or about to be sent);
- ``BTI_LOAD_MARK`` and ``BTI_LOAD_OUT``: the files written when the window
  starts (run.py starts its CPU counters then) and at its end (the results).

The mix (task weights; one task may make two requests):

- staff (``StaffUser``, weight 3: three of four users): case list 4 (the
  "Cases" menu's first page: ``web_search_read``, the action's default domain,
  limit 80), case form 4 (``web_read`` of a case of their first page with the
  form view's fields and sub-lists), log page 3 (``web_search_read`` of a
  case's entries, limit 80, ``date desc, id desc``), write and publish an
  entry 1 (``web_save`` of a new note, then the "Publish" button through
  ``call_button``; the client's reload of the form after the button is left
  out), concern scale 1 (``web_read`` of a final scale of their service),
  meetings of a case 1 (the list: ``web_search_read`` on ``bti.meeting``);
- families (``FamilyUser``, weight 1): case page 2 (``/my/bti/<case>``), log
  page 3 (``/my/bti/<case>/log``), a contribution 1 (the log page, counted as
  a log page, then the POST of its form with the page's CSRF token; the
  redirect to the log page is not followed).

``FastHttpUser`` (geventhttpclient) rather than ``HttpUser`` (requests): a
few times cheaper per request, so that locust takes little of the cores it
shares with Odoo and PostgreSQL. Cookies are kept per user as in a browser.

Every response is checked: JSON-RPC with an ``error`` key, or without the
expected result, is a failure; a portal page must be 200 with the portal's
marker and the case's reference; a contribution must redirect to the log
page with ``sent=1``.
"""

import itertools
import json
import os
import random
import re
import sys
import time

import gevent
import gevent.event
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops  # noqa: E402 (the load test's own module, beside this file)

with open(os.environ["BTI_LOAD_PLAN"], encoding="utf-8") as _plan:
    PLAN = json.load(_plan)
WARMUP = float(os.environ.get("BTI_LOAD_WARMUP", "20"))
DURATION = float(os.environ.get("BTI_LOAD_DURATION", "60"))
THINK = [float(x) for x in os.environ.get("BTI_LOAD_THINK", "0,0").split(",")]
MARK = os.environ.get("BTI_LOAD_MARK")
OUT = os.environ.get("BTI_LOAD_OUT")
# Users that have not logged in after this many seconds are waited for no longer.
LOGIN_TIMEOUT = float(os.environ.get("BTI_LOAD_LOGIN_TIMEOUT", "300"))
PORTAL_MARKER = "o_bti_portal"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ENTRY_BODY = (
    "<p>Talked with the mother: the mornings are calmer this week. "
    "We meet again on Friday.</p>"
)
CONTRIBUTION = "Thank you for the meeting. Noah sleeps better now."

_staff = itertools.cycle(PLAN["staff"])
_families = itertools.cycle(PLAN["families"])
_logged_in = {"count": 0}
# Set once every user has logged in: no task runs before (the logins, ~1 s of
# a core each, then have the server to themselves).
_all_in = gevent.event.Event()
# Odoo's own limit is --limit-time-real 120 s; a request queued behind the
# logins of every user waits long with one worker.
TIMEOUT = 180
_rpc_ids = itertools.count(1)


def _http_error(response):
    """What went wrong with a response that is not 200."""
    if not response.status_code:
        return f"no answer: {type(response.error).__name__} {response.error}"
    location = response.headers.get("Location")
    return f"HTTP {response.status_code}" + (f" to {location}" if location else "")


class StaffUser(FastHttpUser):
    """A member of a service in the web client: JSON-RPC as the client makes
    it, after ``/web/session/authenticate``."""

    weight = 3
    wait_time = between(*THINK)
    connection_timeout = network_timeout = TIMEOUT

    def on_start(self):
        self.me = next(_staff)
        self.user_context = dict(self.me["context"])
        uid = self.me["uid"]
        try:
            result = self._rpc(
                ops.STAFF_LOGIN,
                "/web/session/authenticate",
                {
                    "db": PLAN["db"],
                    "login": self.me["login"],
                    "password": self.me["password"],
                },
                check=lambda r: (
                    None
                    if isinstance(r, dict) and r.get("uid") == uid
                    else f"not logged in: {r!r:.100}"
                ),
            )
        finally:
            _logged_in["count"] += 1
        if result is None:
            raise StopUser()  # counted as a failed login
        _all_in.wait(LOGIN_TIMEOUT)

    def _rpc(self, name, path, params, check=None):
        """POST a JSON-RPC call; a failure when it answers with ``error`` or
        ``check(result)`` returns a problem. Returns the result or None."""
        payload = {
            "id": next(_rpc_ids),
            "jsonrpc": "2.0",
            "method": "call",
            "params": params,
        }
        with self.client.post(
            path, json=payload, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(_http_error(response))
                return None
            try:
                data = response.json()
            except ValueError:
                response.failure("not JSON")
                return None
            if "error" in data:
                error = data["error"].get("data", {})
                message = error.get("message") or data["error"].get("message", "")
                response.failure(f"{error.get('name', 'error')}: {message[:200]}")
                return None
            result = data.get("result")
            problem = check(result) if check else None
            if problem:
                response.failure(problem)
                return None
            return result

    def _call(self, name, model, method, args, kwargs, button=False, check=None):
        kind = "call_button" if button else "call_kw"
        kwargs = dict(
            kwargs, context=dict(self.user_context, **kwargs.get("context", {}))
        )
        return self._rpc(
            name,
            f"/web/dataset/{kind}/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            check,
        )

    def _search_read(self, name, model, spec, domain, context=None):
        """A list view's first page (80 records, as the web client asks)."""
        kwargs = {
            "specification": spec["fields"],
            "domain": domain,
            "offset": 0,
            "limit": 80,
            "order": spec["order"],
            "count_limit": 10001,
        }
        if context is not None:
            kwargs["context"] = context
        return self._call(name, model, "web_search_read", [], kwargs, check=self._page)

    def _read_one(self, name, model, ids_key, spec_key):
        """A form: one record of ``self.me[ids_key]`` read with the fields of
        the plan's spec ``spec_key``."""
        record_id = random.choice(self.me[ids_key])
        self._call(
            name,
            model,
            "web_read",
            [[record_id]],
            {"specification": PLAN["specs"][spec_key]["fields"]},
            check=self._one(record_id),
        )

    def _case_list(self, name, model, cases_key, spec_key):
        """A list in a case's tab: the records of a case of
        ``self.me[cases_key]``, as the plan's spec ``spec_key`` lists them."""
        case_id = random.choice(self.me[cases_key])
        self._search_read(
            name,
            model,
            PLAN["specs"][spec_key],
            [["case_id", "=", case_id]],
            {"default_case_id": case_id},
        )

    @staticmethod
    def _page(result):
        if not isinstance(result, dict) or "records" not in result:
            return "no records"
        return None

    @staticmethod
    def _one(record_id):
        def check(result):
            if not isinstance(result, list) or [r.get("id") for r in result] != [
                record_id
            ]:
                return f"record {record_id} not read"
            return None

        return check

    @task(4)
    def case_list(self):
        spec = PLAN["specs"]["case_list"]
        self._search_read(ops.CASE_LIST, "bti.case", spec, spec["domain"])

    @task(4)
    def case_form(self):
        self._read_one(ops.CASE_FORM, "bti.case", "form_cases", "case_form")

    @task(3)
    def log_page(self):
        self._case_list(ops.LOG_PAGE, "bti.log.entry", "log_cases", "log_list")

    @task(1)
    def write_and_publish(self):
        if not self.me["write_cases"]:
            return
        case_id = random.choice(self.me["write_cases"])
        context = {"default_case_id": case_id}
        saved = self._call(
            ops.WRITE_ENTRY,
            "bti.log.entry",
            "web_save",
            [
                [],
                {
                    "case_id": case_id,
                    "kind": "note",
                    "subject": "Phone call",
                    "body": ENTRY_BODY,
                    "visibility": "participants",
                },
            ],
            {
                "specification": PLAN["specs"]["entry_form"]["fields"],
                "context": context,
            },
            check=lambda r: (
                None
                if isinstance(r, list) and r and r[0].get("id")
                else "no entry saved"
            ),
        )
        if not saved:
            return
        self._call(
            ops.PUBLISH_ENTRY,
            "bti.log.entry",
            "action_publish",
            [[saved[0]["id"]]],
            {"context": context},
            button=True,
        )

    @task(1)
    def concern_scale(self):
        if not self.me["scales"]:
            return
        self._read_one(
            ops.CONCERN_SCALE, "bti.tool.concern_scale", "scales", "scale_form"
        )

    @task(1)
    def meetings(self):
        self._case_list(ops.MEETINGS, "bti.meeting", "meeting_cases", "meeting_list")


class FamilyUser(FastHttpUser):
    """A guardian in the portal: logs in through /web/login (with the form's
    CSRF token), reads the case and its log, sometimes writes in the log."""

    weight = 1
    wait_time = between(*THINK)
    connection_timeout = network_timeout = TIMEOUT

    def on_start(self):
        self.me = next(_families)
        try:
            logged_in = self._log_in()
        finally:
            _logged_in["count"] += 1
        if not logged_in:
            raise StopUser()  # counted as a failed login
        _all_in.wait(LOGIN_TIMEOUT)

    def _log_in(self):
        with self.client.get(
            "/web/login", name=ops.FAMILY_LOGIN_FORM, catch_response=True
        ) as page:
            token = CSRF.search(page.text or "")
            if page.status_code != 200 or not token:
                page.failure(f"no login form: {_http_error(page)}")
                return False
        return self._post_form(
            "/web/login",
            {
                "login": self.me["login"],
                "password": self.me["login"],
                "csrf_token": token.group(1),
                "redirect": "/my/bti",
            },
            ops.FAMILY_LOGIN,
            "/my/bti",
            lambda answer: f"not logged in: {_http_error(answer)}",
        )

    def _post_form(self, url, data, name, expect, failure):
        """POST a form that answers with a redirect to a URL holding
        ``expect``; else the request fails with ``failure(answer)``."""
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as answer:
            location = answer.headers.get("Location") or ""
            if answer.status_code not in (302, 303) or expect not in location:
                answer.failure(failure(answer))
                return False
            return True

    def _get(self, name, url):
        """GET a portal page; the page's text, or None when it failed."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(_http_error(response))
                return None
            if PORTAL_MARKER not in text or self.me["case_name"] not in text:
                response.failure(f"no {PORTAL_MARKER} or no {self.me['case_name']}")
                return None
            return text

    @task(2)
    def case_page(self):
        self._get(ops.FAMILY_CASE, f"/my/bti/{self.me['case_id']}")

    @task(3)
    def log_page(self):
        self._get(ops.FAMILY_LOG, f"/my/bti/{self.me['case_id']}/log")

    @task(1)
    def contribution(self):
        if not self.me["may_contribute"]:
            return
        case_id = self.me["case_id"]
        text = self._get(ops.FAMILY_LOG, f"/my/bti/{case_id}/log")
        token = CSRF.search(text or "")
        if not token:
            return
        self._post_form(
            f"/my/bti/{case_id}/log/write",
            {"csrf_token": token.group(1), "text": CONTRIBUTION},
            ops.FAMILY_CONTRIBUTION,
            "sent=1",
            lambda answer: f"not sent ({answer.status_code})",
        )


# ----------------------------------------------------------------------
# The measured window
# ----------------------------------------------------------------------
def _write(path, data):
    if path:
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
        os.replace(tmp, path)  # run.py polls for the file: whole or absent


def _failures(environment):
    """The failed requests so far (the logins and the warm-up): reset_all
    forgets them."""
    return [
        {"name": e.name, "method": e.method, "error": str(e.error), "n": e.occurrences}
        for e in environment.stats.errors.values()
    ]


def _results(environment, started):
    stats = environment.stats
    entries = []
    for entry in stats.entries.values():
        entries.append(
            {
                "name": entry.name,
                "method": entry.method,
                "n": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "max": entry.max_response_time,
                "avg": entry.avg_response_time,
            }
        )
    errors = [
        {"name": e.name, "method": e.method, "error": str(e.error), "n": e.occurrences}
        for e in stats.errors.values()
    ]
    exceptions = [
        {"n": e["count"], "error": e["msg"], "traceback": e["traceback"]}
        for e in environment.runner.exceptions.values()
    ]
    total = stats.total
    return {
        "duration": time.time() - started,
        "users": environment.runner.user_count,
        "user_classes": dict(environment.runner.user_classes_count),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "p50": total.get_response_time_percentile(0.5),
        "p95": total.get_response_time_percentile(0.95),
        "p99": total.get_response_time_percentile(0.99),
        "entries": entries,
        "errors": errors,
        "exceptions": exceptions,
    }


def _window(environment):
    """Wait for every user to log in, run the warm-up, reset the statistics,
    measure for DURATION seconds, write the results and stop locust."""
    runner = environment.runner
    deadline = time.monotonic() + LOGIN_TIMEOUT
    while time.monotonic() < deadline:
        target = runner.target_user_count or 0
        if target and _logged_in["count"] >= target:
            break
        gevent.sleep(0.5)
    logged_in = _logged_in["count"]
    _all_in.set()
    gevent.sleep(WARMUP)
    before = _failures(environment)
    environment.stats.reset_all()
    started = time.time()
    _write(MARK, {"time": started, "logged_in": logged_in})
    gevent.sleep(DURATION)
    results = _results(environment, started)
    results["before_window"] = before
    _write(OUT, results)
    runner.quit()


@events.test_start.add_listener
def _on_test_start(environment, **_kwargs):
    gevent.spawn(_window, environment)
