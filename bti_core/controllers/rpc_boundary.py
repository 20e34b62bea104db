import logging
import re
import xmlrpc.client
from contextlib import contextmanager
from pathlib import Path

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.translate import LazyTranslate

from odoo.addons.base.controllers.rpc import RPC
from odoo.addons.web.controllers.dataset import DataSet

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)
LANG_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?(@[a-z]+)?$")

# Python's own errors of a call whose arguments do not fit what Odoo's ORM
# takes (a dict where a list of names is expected, an unknown name, a
# value of the wrong kind).
MALFORMED = (
    TypeError,
    ValueError,
    KeyError,
    AttributeError,
    AssertionError,
    IndexError,
)
# The addons directory of the BTI suite: every bti_* addon lies beside bti_core.
BTI_ROOT = Path(__file__).resolve().parents[2]


def _raised_in_bti(error):
    """Whether the innermost frame of the error is BTI's own code: then it
    is a fault of ours, not of the call, and stays a server error."""
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    try:
        path = Path(tb.tb_frame.f_code.co_filename).resolve().relative_to(BTI_ROOT)
    except ValueError:
        return False
    return path.parts[0].startswith("bti_")


def _call_language(kwargs):
    """The language a call's context asks for (the web client sends the
    user's own), if any."""
    context = kwargs.get("context") if isinstance(kwargs, dict) else None
    lang = context.get("lang") if isinstance(context, dict) else None
    return lang if isinstance(lang, str) and LANG_CODE.match(lang) else None


def _language(context_lang):
    """The language of the refusal: the call's, else the web client's
    session's (an RPC call's cursor is closed by then: no database)."""
    if context_lang:
        return context_lang
    if context_lang is None and request.db and request.env.uid:
        return request.env.lang or "en_US"
    return "en_US"


@contextmanager
def bti_call_boundary(model, method, context_lang=None):
    """A call of a BTI model over RPC whose arguments Odoo's ORM fails on in
    Python (``message_notify`` given a string for its partners, ``copy``
    given a list as its defaults, ``read_group`` given an aggregate it does
    not know...) is a clear refusal instead of a server error. What BTI's
    own code raises is left as it is; the refusal is logged with its
    traceback at WARNING, so an operator and bench/fuzz.py still see where
    it failed."""
    if not (isinstance(model, str) and model.startswith("bti.")):
        yield
        return
    try:
        yield
    except MALFORMED as error:
        if _raised_in_bti(error):
            raise
        _logger.warning(
            "BTI RPC boundary: refused %s.%s: %s: %s",
            model,
            method,
            type(error).__name__,
            error,
            exc_info=True,
        )
        message = _lt(
            "This call cannot be carried out: %(method)s was given arguments "
            "it does not take.",
            method=str(method)[:80],
        )
        raise UserError(message._translate(_language(context_lang))) from None


class BtiDataSet(DataSet):
    @http.route()
    def call_kw(self, model, method, args, kwargs, path=None):
        with bti_call_boundary(model, method, _call_language(kwargs)):
            return super().call_kw(model, method, args, kwargs, path=path)

    @http.route()
    def call_button(self, model, method, args, kwargs, path=None):
        with bti_call_boundary(model, method, _call_language(kwargs)):
            return super().call_button(model, method, args, kwargs, path=path)


def _object_call(service, method, args):
    """(model, method, language) of an ``object`` service call (execute,
    execute_kw)."""
    if (
        service == "object"
        and method in ("execute", "execute_kw")
        and isinstance(args, (list, tuple))
        and len(args) >= 5
    ):
        kwargs = args[6] if method == "execute_kw" and len(args) > 6 else None
        return args[3], args[4], _call_language(kwargs) or False
    return None, None, None


class BtiRPC(RPC):
    @http.route()
    def jsonrpc(self, service, method, args):
        with bti_call_boundary(*_object_call(service, method, args)):
            return super().jsonrpc(service, method, args)

    def _xmlrpc(self, service):
        try:
            return super()._xmlrpc(service)
        except MALFORMED as error:
            # Which model was called, read again only when the call failed.
            try:
                params, method = xmlrpc.client.loads(
                    request.httprequest.get_data(), use_datetime=True
                )
            except Exception:  # noqa: BLE001 - Odoo's own parse reported it
                raise error from None
            with bti_call_boundary(*_object_call(service, method, params)):
                raise
