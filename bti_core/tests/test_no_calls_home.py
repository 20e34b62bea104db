# Copyright 2026 BTI for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""No calls home: neither the server nor the pages it serves contact a third
party (Odoo's IAP, partner autocomplete, publisher warranty, push services,
gravatar, web fonts...). See models/bti_no_calls_home.py."""

import contextlib
import ipaddress
import json
import socket
from unittest.mock import patch
from urllib.parse import urlsplit

import requests
from lxml import html as lxml_html

from odoo import exceptions
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.bti_no_calls_home import BTI_CALLS_HOME_CRONS, BTI_GUARDED_MODULES

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _is_local_host(host):
    if not host:
        return True
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextlib.contextmanager
def no_outbound_connections(testcase):
    """Refuse, and record, every connection of this process to a host that
    is not the loopback; assert none was attempted."""
    attempts = []
    socket_connect = socket.socket.connect
    socket_connect_ex = socket.socket.connect_ex
    session_send = requests.Session.send

    def guard(address):
        if isinstance(address, tuple) and not _is_local_host(address[0]):
            attempts.append(address)
            raise ConnectionRefusedError(f"test: outbound connection to {address}")

    def connect(sock, address):
        guard(address)
        return socket_connect(sock, address)

    def connect_ex(sock, address):
        guard(address)
        return socket_connect_ex(sock, address)

    def send(session, request, **kwargs):
        host = urlsplit(request.url).hostname
        if not _is_local_host(host):
            attempts.append(request.url)
            raise requests.exceptions.ConnectionError(f"test: request to {request.url}")
        return session_send(session, request, **kwargs)

    with (
        patch.object(socket.socket, "connect", connect),
        patch.object(socket.socket, "connect_ex", connect_ex),
        patch.object(requests.Session, "send", send),
    ):
        yield attempts
    testcase.assertFalse(attempts, "no connection leaves the server")


def external_resources(page):
    """The resources a browser (or wkhtmltopdf) loads from another host
    than the server: scripts, style sheets, images, frames, fonts in style
    elements. Links (<a href>) are not loaded and are not counted."""
    tree = lxml_html.fromstring(page)
    urls = []
    for tag, attr in (
        ("script", "src"),
        ("link", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("source", "src"),
        ("video", "src"),
        ("audio", "src"),
        ("embed", "src"),
        ("object", "data"),
    ):
        urls += tree.xpath(f"//{tag}/@{attr}")
    for style in tree.xpath("//style/text()") + tree.xpath("//@style"):
        urls += [part.split(")")[0].strip("'\" ") for part in style.split("url(")[1:]]
        urls += [
            part.split(";")[0].strip("'\" ") for part in style.split("@import")[1:]
        ]
    return [
        url
        for url in urls
        if url.startswith(("http:", "https:", "//"))
        and not _is_local_host(urlsplit(url).hostname)
    ]


@tagged("post_install", "-at_install")
class TestNoCallsHome(TransactionCase):
    def test_guard_of_the_test(self):
        """The test's own guard sees an outbound connection."""
        with self.assertRaises(AssertionError):
            with no_outbound_connections(self), contextlib.suppress(OSError):
                socket.create_connection(("192.0.2.1", 80), timeout=1)

    def test_editor_requests_refused(self):
        """The editor's media library, Unsplash, video thumbnails, previews
        of pasted links: refused."""
        import importlib

        from odoo.addons.mail.tools.link_preview import get_link_preview_from_url

        for module_name in BTI_GUARDED_MODULES:
            with contextlib.suppress(ImportError):
                module = importlib.import_module(module_name)
                self.assertTrue(
                    getattr(module.requests, "_bti_no_calls_home", False), module_name
                )
        with (
            no_outbound_connections(self),
            mute_logger("odoo.addons.bti_core.models.bti_no_calls_home"),
        ):
            self.assertFalse(get_link_preview_from_url("https://www.example.org/"))
            module = importlib.import_module("odoo.addons.web_editor.tools")
            with self.assertRaises(requests.exceptions.ConnectionError):
                module.requests.get("https://img.youtube.com/vi/x/0.jpg", timeout=1)

    def test_crons_inactive(self):
        for xmlid in BTI_CALLS_HOME_CRONS:
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron:
                self.assertFalse(cron.active, f"{xmlid} is inactive")
        self.assertTrue(
            self.env.ref(
                "mail.ir_cron_module_update_notification", raise_if_not_found=False
            ),
            "the publisher warranty cron exists (and is inactive)",
        )

    def test_settings(self):
        icp = self.env["ir.config_parameter"].sudo()
        self.assertEqual(icp.get_param("mail.link_preview_throttle"), "0")
        self.assertFalse(self.env["mail.link.preview"]._is_link_preview_enabled())
        self.assertFalse(icp.get_param("mail.web_push_vapid_private_key"))
        if "iap_enrich_auto_done" in self.env["res.company"]._fields:
            companies = (
                self.env["res.company"].with_context(active_test=False).search([])
            )
            self.assertTrue(all(companies.mapped("iap_enrich_auto_done")))

    def test_iap_refused(self):
        """Every IAP service (partner autocomplete, SMS, snailmail, the
        editor's text generation...) goes through iap_jsonrpc: refused."""
        if "iap.account" not in self.env:
            self.skipTest("iap is not installed")
        from odoo.addons.iap.tools import iap_tools

        with (
            no_outbound_connections(self),
            mute_logger("odoo.addons.bti_core.models.bti_no_calls_home"),
        ):
            with self.assertRaises(exceptions.AccessError) as caught:
                iap_tools.iap_jsonrpc("https://iap.odoo.com/iap/1/balance", params={})
            self.assertIn("does not contact external services", str(caught.exception))

    def test_partner_autocomplete_at_login(self):
        """The administrator's login enriches the company from Odoo's partner
        autocomplete service: the company is marked as enriched, and an
        enrichment would be refused anyway."""
        if "iap.autocomplete.api" not in self.env:
            self.skipTest("partner_autocomplete is not installed")
        admin = self.env.ref("base.user_admin")
        self.assertTrue(
            self.env.company.iap_enrich_auto_done, "nothing to enrich at login"
        )
        company = self.env.company
        company.write({"email": "post@bedre-kommune.no", "iap_enrich_auto_done": False})
        with (
            no_outbound_connections(self),
            mute_logger(
                "odoo.addons.bti_core.models.bti_no_calls_home",
                "odoo.addons.partner_autocomplete.models.iap_autocomplete_api",
                "odoo.addons.partner_autocomplete.models.res_company",
            ),
        ):
            company.with_user(admin).iap_enrich_auto()
            results = self.env["res.partner"].autocomplete_by_name(
                "Bedre Kommune", False
            )
        self.assertFalse(results)

    def test_publisher_warranty(self):
        with no_outbound_connections(self), patch("requests.post") as post:
            self.assertFalse(
                self.env["publisher_warranty.contract"].update_notification(
                    cron_mode=False
                )
            )
        post.assert_not_called()

    def test_gravatar_and_link_preview(self):
        partner = self.env["res.partner"].create({"name": "Gravatar test"})
        with no_outbound_connections(self):
            self.assertFalse(partner._get_gravatar_image("someone@example.org"))
            partner = partner.with_context(gravatar_image=True)
            partner.email = "someone@example.org"
            partner.onchange_email()
            message = partner.message_post(
                body='<p><a href="https://www.example.org/">a link</a></p>'
            )
            self.env["mail.link.preview"]._create_from_message_and_notify(message)
        self.assertFalse(partner.image_1920)
        self.assertFalse(message.link_preview_ids)


@tagged("post_install", "-at_install")
class TestNoCallsHomeHttp(HttpCase):
    """The main screens and the case report, as a BTI user: no connection
    leaves the server, and the pages load nothing from another host."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kari = cls.env["res.users"].search([("login", "=", "kari")])
        cls.kari.password = "kari"
        cls.case = cls.env["bti.case"].with_user(cls.kari).search([], limit=1)

    def _call_kw(self, model, method, args, kwargs=None):
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs or {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        return body["result"]

    def _assert_no_external_resources(self, page, what):
        self.assertFalse(
            external_resources(page), f"{what} loads nothing from another host"
        )
        for url in ("fonts.googleapis", "fonts.gstatic", "gravatar.com"):
            self.assertNotIn(url, page, f"{what} does not refer to {url}")

    def test_main_screens(self):
        self.assertTrue(self.kari, "the demo user kari exists")
        self.assertTrue(self.case, "kari sees a demo case")
        with no_outbound_connections(self):
            self.authenticate("kari", "kari")
            for url in (
                "/odoo",
                "/odoo/action-bti_core.action_bti_case",
                f"/odoo/action-bti_core.action_bti_case/{self.case.id}",
            ):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200, url)
                self._assert_no_external_resources(response.text, url)
                for href in lxml_html.fromstring(response.text).xpath(
                    "//link[@rel='stylesheet']/@href"
                ):
                    css = self.url_open(href).text
                    self.assertNotIn("@import url(http", css, href)
                    self.assertNotIn("fonts.googleapis", css, href)
            self._call_kw(
                "bti.case",
                "web_search_read",
                [[]],
                {"specification": {"name": {}, "state": {}}, "limit": 80},
            )
            self._call_kw(
                "bti.case",
                "web_read",
                [[self.case.id]],
                {"specification": {"name": {}, "display_name": {}}},
            )

    def test_case_report(self):
        with no_outbound_connections(self):
            self.authenticate("kari", "kari")
            url = f"/report/html/bti_core.report_bti_case/{self.case.id}"
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self._assert_no_external_resources(response.text, url)
            # wkhtmltopdf fetches the assets from the test server: render in
            # the test thread (a /report/pdf request would hold the test
            # cursor the asset requests wait for). What wkhtmltopdf loads is
            # what the HTML above refers to.
            pdf, _ = (
                self.env["ir.actions.report"]
                .with_user(self.kari)
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("bti_core.report_bti_case", [self.case.id])
            )
            self.assertTrue(pdf.startswith(b"%PDF"))
