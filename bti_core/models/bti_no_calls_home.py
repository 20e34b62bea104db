# Copyright 2026 BTI for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""No calls home: a municipality's child-welfare system sends nothing to
third parties.

Odoo's ``mail`` pulls in, by auto-install, ``iap``, ``iap_mail``,
``partner_autocomplete``, ``sms``, ``snailmail``, ``calendar_sms``,
``web_unsplash`` and ``html_editor``; ``mail`` and ``base`` themselves hold
the publisher-warranty ping, web push, link previews and gravatar. They are
neutralised here:

* every IAP request (partner autocomplete and company enrichment at the
  administrator's login, SMS, snailmail, the editor's text generation,
  Unsplash through IAP, credit checks) is refused before it leaves the
  server: ``iap_tools.iap_jsonrpc`` is wrapped for the databases where
  ``bti_core`` is installed;
* the publisher-warranty contract (``mail/models/update.py``) sends nothing;
* web push (to the browsers' push services) is not sent;
* link previews (the server fetching the URLs of a message) are disabled;
* the gravatar image of a partner's e-mail is not fetched;
* the editor's media library, Unsplash, video thumbnails and the previews
  of pasted links are refused (``BTI_GUARDED_MODULES``);
* the crons that would contact Odoo's servers are deactivated, the
  companies are marked as enriched and the web push keys are removed
  (``_bti_disable_calls_home``, run from data at every install and update).
"""

import logging
import threading

from odoo import _, api, exceptions, models
from odoo.http import request
from odoo.modules.registry import Registry

_logger = logging.getLogger(__name__)

# The crons whose only job is to contact a third party (Odoo's publisher
# warranty server, IAP, the browsers' push services).
BTI_CALLS_HOME_CRONS = (
    "mail.ir_cron_module_update_notification",
    "mail.ir_cron_web_push_notification",
    "partner_autocomplete.ir_cron_partner_autocomplete",
    "sms.ir_cron_sms_scheduler_action",
    "snailmail.snailmail_print",
)


def _bti_installed_in_current_db():
    """Whether the database of the current thread has bti_core loaded. When
    the database is unknown, assume it has: refuse rather than leak."""
    dbname = getattr(threading.current_thread(), "dbname", None)
    if not dbname or dbname not in Registry.registries:
        return True
    return "bti.case" in Registry.registries[dbname]


def _bti_patch_iap():
    try:
        from odoo.addons import iap
        from odoo.addons.iap.tools import iap_tools
    except ImportError:
        return
    if getattr(iap_tools.iap_jsonrpc, "_bti_no_calls_home", False):
        return
    original = iap_tools.iap_jsonrpc

    def iap_jsonrpc(url, *args, **kwargs):
        if _bti_installed_in_current_db():
            _logger.warning("BTI: refused an IAP request to %s", url)
            if request:
                message = _("This system does not contact external services.")
            else:  # a cron, a shell: no language to translate into
                message = "This system does not contact external services."
            raise exceptions.AccessError(message)
        return original(url, *args, **kwargs)

    iap_jsonrpc._bti_no_calls_home = True
    iap_tools.iap_jsonrpc = iap_jsonrpc
    iap.jsonrpc = iap_jsonrpc


# The modules whose HTTP requests only ever go to third parties: the
# editor's media library (media-api.odoo.com), Unsplash, video thumbnails
# (YouTube, Vimeo...), images and link previews fetched from a URL a user
# pasted. Their ``requests`` is replaced by a guard refusing every request
# for a database with bti_core.
BTI_GUARDED_MODULES = (
    "odoo.addons.mail.tools.link_preview",
    "odoo.addons.html_editor.controllers.main",
    "odoo.addons.web_editor.controllers.main",
    "odoo.addons.web_editor.tools",
    "odoo.addons.web_editor.models.ir_qweb_fields",
    "odoo.addons.web_unsplash.controllers.main",
)


class _BtiGuardedRequests:
    """Stands for the ``requests`` module: its request functions refuse to
    connect for a database with bti_core; the rest (``codes``,
    ``exceptions``...) is the module's."""

    _bti_no_calls_home = True

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if name not in ("get", "post", "head", "put", "patch", "delete", "request"):
            return attr

        def guarded(url, *args, **kwargs):
            if _bti_installed_in_current_db():
                _logger.warning("BTI: refused a request to %s", url)
                raise self._module.exceptions.ConnectionError(
                    "This system does not contact external services."
                )
            return attr(url, *args, **kwargs)

        return guarded


def _bti_guard_requests():
    import importlib

    for module_name in BTI_GUARDED_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        current = getattr(module, "requests", None)
        if current is not None and not getattr(current, "_bti_no_calls_home", False):
            module.requests = _BtiGuardedRequests(current)


class BtiNoCallsHome(models.AbstractModel):
    _name = "bti.no.calls.home"
    _description = "BTI: no calls to third parties"

    def _register_hook(self):
        _bti_patch_iap()
        _bti_guard_requests()
        return super()._register_hook()

    @api.model
    def _bti_disable_calls_home(self):
        """Deactivate the crons calling home, mark the companies as enriched
        (partner_autocomplete enriches the company at the administrator's
        login), disable link previews and remove the web push keys."""
        # sudo: run from data at install/update: crons, companies and system
        # parameters are the system's settings.
        for xmlid in BTI_CALLS_HOME_CRONS:
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron and cron.active:
                cron.sudo().active = False
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        if "iap_enrich_auto_done" in companies._fields:
            companies.search([("iap_enrich_auto_done", "=", False)]).write(
                {"iap_enrich_auto_done": True}
            )
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param("mail.link_preview_throttle", "0")
        icp.search(
            [
                (
                    "key",
                    "in",
                    (
                        "mail.web_push_vapid_private_key",
                        "mail.web_push_vapid_public_key",
                    ),
                )
            ]
        ).unlink()
        return True
