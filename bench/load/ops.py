"""The operations of the load test: the name each request carries in locust's
statistics, and the request path Odoo logs for it (its werkzeug lines), so that
``run.py`` can put the server's own figures (queries, SQL time) beside the
client's. Standard library only: imported by ``locustfile.py`` (locust's
virtualenv) and by ``run.py`` (any Python).
"""

import re

# The names of the requests in locust's statistics and in the tables.
CASE_LIST = "staff: case list"
CASE_FORM = "staff: case form"
LOG_PAGE = "staff: log page"
WRITE_ENTRY = "staff: write entry"
PUBLISH_ENTRY = "staff: publish entry"
CONCERN_SCALE = "staff: concern scale"
MEETINGS = "staff: meetings"
FAMILY_CASE = "family: case page"
FAMILY_LOG = "family: log page"
FAMILY_CONTRIBUTION = "family: contribution"
STAFF_LOGIN = "staff: log in"
FAMILY_LOGIN = "family: log in"
FAMILY_LOGIN_FORM = "family: login form"

# (name, HTTP method, path regular expression), in the order of the tables.
OPERATIONS = [
    (CASE_LIST, "POST", r"/web/dataset/call_kw/bti\.case/web_search_read"),
    (CASE_FORM, "POST", r"/web/dataset/call_kw/bti\.case/web_read"),
    (LOG_PAGE, "POST", r"/web/dataset/call_kw/bti\.log\.entry/web_search_read"),
    (WRITE_ENTRY, "POST", r"/web/dataset/call_kw/bti\.log\.entry/web_save"),
    (
        PUBLISH_ENTRY,
        "POST",
        r"/web/dataset/call_button/bti\.log\.entry/action_publish",
    ),
    (
        CONCERN_SCALE,
        "POST",
        r"/web/dataset/call_kw/bti\.tool\.concern_scale/web_read",
    ),
    (MEETINGS, "POST", r"/web/dataset/call_kw/bti\.meeting/web_search_read"),
    (FAMILY_CASE, "GET", r"/my/bti/\d+"),
    (FAMILY_LOG, "GET", r"/my/bti/\d+/log(\?sent=1)?"),
    (FAMILY_CONTRIBUTION, "POST", r"/my/bti/\d+/log/write"),
    # Before the measured window (the warm-up): listed when they appear.
    (STAFF_LOGIN, "POST", r"/web/session/authenticate"),
    (FAMILY_LOGIN, "POST", r"/web/login"),
    (FAMILY_LOGIN_FORM, "GET", r"/web/login(\?.*)?"),
]
NAMES = [name for name, _method, _path in OPERATIONS]
_MATCHERS = [
    (name, method, re.compile(f"^{path}$")) for name, method, path in OPERATIONS
]

# Odoo's request log line (werkzeug, with odoo.netsvc's figures): method,
# path, status, queries, SQL seconds, the rest of the request in seconds.
REQUEST_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) \S+ '
    r"(?P<queries>\d+) (?P<sql>[\d.]+) (?P<rest>[\d.]+)"
)


def operation_of(method, path):
    """The operation name of a request, or None."""
    for name, op_method, matcher in _MATCHERS:
        if method == op_method and matcher.match(path):
            return name
    return None
