"""The family's whole flow with the keyboard alone, in Chromium (WCAG 2.1 AA:
2.1.1 Keyboard, 2.4.1 Bypass Blocks, 2.4.3 Focus Order, 2.4.7 Focus Visible).

The keys are real keyboard input: the DevTools protocol's
``Input.dispatchKeyEvent`` (Tab, Shift+Tab, Enter, Space) and
``Input.insertText``, which Chromium handles as trusted input from the user:
focus moves natively, links are followed, check boxes are ticked, forms are
submitted. Nothing is clicked or focused from JavaScript: JavaScript only
reads where the focus is and what the page says.

The browser is Odoo's own (``ChromeBrowser``, as the tours and the axe-core
checks use it), driven one key at a time.
"""

import json
import re
import time

from odoo.tests import HttpCase, tagged
from odoo.tests.common import HOST, ChromeBrowser, ChromeBrowserException

# Keys as Chromium's DevTools expect them (the key, its code, its Windows key
# code; "text" for a key that types a character, which activates buttons).
KEYS = {
    "Tab": {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9},
    "Enter": {
        "key": "Enter",
        "code": "Enter",
        "windowsVirtualKeyCode": 13,
        "text": "\r",
    },
    "Space": {"key": " ", "code": "Space", "windowsVirtualKeyCode": 32, "text": " "},
    # On a closed select: the next option (Chromium on Linux and Windows).
    "ArrowDown": {"key": "ArrowDown", "code": "ArrowDown", "windowsVirtualKeyCode": 40},
}
SHIFT = 8  # the DevTools modifier bit of Shift
MAX_TABS = 60  # more presses than this to reach an element: not reachable

# Where the focus is: the element, whether it is the wanted one, its name as
# a screen reader would roughly read it, and whether its focus is visible.
FOCUS_JS = """
(() => {
    const seen = (window.__btiKbdSeen = window.__btiKbdSeen || new WeakSet());
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) {
        return {none: true};
    }
    const again = seen.has(el);
    seen.add(el);
    const text = (node) => (node.innerText || node.textContent || "").trim();
    const byIds = (el.getAttribute("aria-labelledby") || "").split(/\\s+/)
        .map((id) => document.getElementById(id)).filter(Boolean).map(text);
    const name = (
        el.getAttribute("aria-label") || byIds.join(" ")
        || [...(el.labels || [])].map(text).join(" ")
        || text(el) || (el.type !== "file" && el.value) || el.title
        || [...el.querySelectorAll("img[alt]")].map((img) => img.alt).join(" ")
        || ""
    ).replace(/\\s+/g, " ").trim();
    const style = getComputedStyle(el);
    // Lengths only, without the colour: a shadow of "0px 0px 0px 0px" shows
    // nothing.
    const shadow = style.boxShadow.replace(/rgba?\\([^)]*\\)/g, "");
    const rect = el.getBoundingClientRect();
    const attrs = ["href", "type", "name", "value"]
        .filter((a) => el.getAttribute(a))
        .map((a) => `[${a}="${el.getAttribute(a).slice(0, 60)}"]`).join("");
    return {
        again,
        match: el.matches(%(selector)s),
        what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + attrs,
        name: name.slice(0, 80),
        ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || (style.boxShadow !== "none" && /[1-9]/.test(shadow)),
        style: `outline: ${style.outline}; box-shadow: ${style.boxShadow}`,
        shown: rect.width > 0 && rect.height > 0 && rect.bottom > 0
            && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
    };
})()
"""


class KeyboardMixin:
    """Drive Odoo's Chromium with keys only, one page at a time."""

    kbd = None  # the ChromeBrowser

    # -- the browser ---------------------------------------------------
    def _kbd_start(self):
        """Chromium on an anonymous session of this test (as browser_js)."""
        self.kbd = ChromeBrowser(self)
        self.addCleanup(self._kbd_stop)
        # The browser's requests use this test's cursor, and only them.
        self.http_request_key = self.canonical_tag + "_keyboard"
        self.http_request_strict_check = True
        self.authenticate(None, None, browser=self.kbd)
        # No animation: what the focus looks like is read at once.
        reduced = {"name": "prefers-reduced-motion", "value": "reduce"}
        self.kbd._websocket_request(
            "Emulation.setEmulatedMedia", params={"features": [reduced]}
        )
        self.cr.flush()
        self.cr.clear()

    def _kbd_stop(self):
        try:
            self.kbd.stop()
        finally:
            self._wait_remaining_requests()
            self.http_request_key = self.canonical_tag
            self.http_request_strict_check = False

    def _js(self, expression, timeout=10.0):
        """The value of a JavaScript expression on the page."""
        res = self.kbd._websocket_request(
            "Runtime.evaluate",
            params={
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": True,
            },
            timeout=timeout,
        )
        if "exceptionDetails" in res:
            details = res["exceptionDetails"]
            raise ChromeBrowserException(
                details.get("exception", {}).get("description") or details["text"]
            )
        return res["result"].get("value")

    def _open(self, path, **kw):
        """Type an address: the only step that is not a key."""
        self.kbd.navigate_to(f"http://{HOST}:{self.http_port()}{path}")
        return self._arrive(re.escape(path), **kw)

    def _arrive(self, path_re, ready="true", timeout=30):
        """Wait for a new page whose path (with its query) matches
        ``path_re`` and on which ``ready`` is true; mark the page, so that the
        next wait wants another one."""
        deadline = time.time() + timeout
        state = None
        while time.time() < deadline:
            try:
                state = self._js(
                    "({old: !!window.__btiKbdPage, ready: document.readyState,"
                    f" path: location.pathname + location.search, ok: !!({ready})}})"
                )
            except (ChromeBrowserException, TimeoutError):
                state = None  # between two pages
            if (
                state
                and not state["old"]
                and state["ready"] == "complete"
                and re.fullmatch(path_re, state["path"])
                and state["ok"]
            ):
                self._js("window.__btiKbdPage = true")
                return state["path"]
            time.sleep(0.1)
        self.kbd.take_screenshot("sc_keyboard_")
        self.fail(f"no page {path_re} (ready: {ready}) after {timeout}s: {state}")

    def _until(self, expression, what, timeout=10):
        """Wait until ``expression`` is true on the page (the same page)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self._js(f"!!({expression})"):
                return
            time.sleep(0.05)
        self.fail(f"{what}: not after {timeout}s")

    # -- keys ----------------------------------------------------------
    def _key(self, name, shift=False):
        """Press and release a key, as the user does."""
        params = dict(KEYS[name], modifiers=SHIFT if shift else 0)
        kind = "keyDown" if "text" in params else "rawKeyDown"
        self.kbd._websocket_request(
            "Input.dispatchKeyEvent", params={"type": kind, **params}
        )
        params.pop("text", None)
        self.kbd._websocket_request(
            "Input.dispatchKeyEvent", params={"type": "keyUp", **params}
        )

    def _type(self, text):
        """Type into the focused field (trusted input, as from the keyboard)."""
        self.kbd._websocket_request("Input.insertText", params={"text": text})

    def _focus(self, selector):
        """Where the focus is now, and whether it is ``selector``."""
        code = FOCUS_JS % {"selector": json.dumps(selector)}
        focus = self._js(code)
        # A focus ring may take a frame to be drawn.
        for _i in range(10):
            if focus.get("none") or (focus["ring"] and focus["shown"]):
                break
            time.sleep(0.05)
            focus = self._js(code)
        return focus

    def _tab_to(self, selector, shift=False, max_tabs=MAX_TABS):
        """Press Tab (Shift+Tab backwards) until the focus is on
        ``selector``; fail if it is not reached in ``max_tabs`` presses, or
        the focus has come round to where it was (not reachable by
        keyboard). Every element the focus passes shows where it is (a
        visible outline or ring, on screen); the wanted one has a name.
        Returns the wanted element's name."""
        path = []
        for _i in range(max_tabs):
            self._key("Tab", shift=shift)
            focus = self._focus(selector)
            if focus.get("none"):
                path.append("(the page)")
                continue
            label = f"{focus['what']} {focus['name']!r}"
            path.append(label)
            self.assertTrue(
                focus["ring"],
                f"no visible focus on {label} ({focus['style']})",
            )
            self.assertTrue(focus["shown"], f"the focus is off screen on {label}")
            if focus["match"]:
                self.assertTrue(focus["name"], f"{label} has no name")
                return focus["name"]
            if focus["again"] and len(path) > 1:
                break  # round the whole page: the element is never reached
        self.kbd.take_screenshot("sc_keyboard_")
        self.fail(
            f"{selector} not reached by {'Shift+' if shift else ''}Tab in "
            f"{len(path)} presses; the focus went:\n  " + "\n  ".join(path)
        )


class FamilyFlowMixin(KeyboardMixin):
    """Noah's mother (login linn, demo) does everything the family does in
    the portal, with the keyboard alone."""

    login = "linn"
    text = "Tastaturprøve: Noah sov godt i natt og gledet seg til barnehagen."

    def setUp(self):
        super().setUp()
        self.case = self.env.ref("bti_core.demo_case_noah")
        self.meeting = self.env.ref("bti_stafettlogg.demo_meeting_noah_cooperation")
        self.consent = self.env.ref("bti_portal.demo_consent_noah_health_draft")
        self.partner = self.env.ref("bti_portal.demo_user_linn").partner_id
        # What the flow starts from (demo): an unanswered invitation and an
        # unanswered consent form.
        self.assertEqual(self._attendee().state, "needsAction")
        self.assertEqual(self.consent.state, "draft")
        self.assertFalse(self._answers())

    def _attendee(self):
        self.env.invalidate_all()
        return self.meeting.sudo().calendar_event_id.attendee_ids.filtered(
            lambda a: a.partner_id == self.partner
        )

    def _answers(self):
        self.env.invalidate_all()
        return (
            self.env["bti.consent.confirmation"]
            .sudo()
            .search(
                [
                    ("consent_id", "=", self.consent.id),
                    ("partner_id", "=", self.partner.id),
                ]
            )
        )

    def _contributions(self):
        self.env.invalidate_all()
        entries = (
            self.env["bti.log.entry"]
            .sudo()
            .search([("case_id", "=", self.case.id), ("kind", "=", "family")])
        )
        return entries.filtered(lambda e: self.text in (e.body or ""))

    def _choose(self, select):
        """Tab to a select and choose its first option with the arrow key."""
        self._tab_to(select)
        self._key("ArrowDown")
        self._until(f"!!document.querySelector('{select}').value", f"{select} chosen")

    def _quiet(self, timeout=10):
        """The page has started (its scripts fetch nothing more for a moment):
        closing the browser earlier would break a fetch still running."""
        count = "performance.getEntriesByType('resource').length"
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            now = self._js(f"document.readyState === 'complete' && {count}")
            if now and now == last:
                return
            last = now
            time.sleep(0.5)

    def _settled(self):
        """No request of the browser is still running (before reading what
        the server stored)."""
        self._wait_remaining_requests()

    def _family_flow(self):
        case = f"/my/bti/{self.case.id}"
        self._kbd_start()

        # Log in: Tab to the login, type, Tab to the password, type, Enter.
        # The form shows once Odoo's script has found no earlier login to offer.
        self._open(
            "/web/login",
            ready="document.querySelector('input#login')?.checkVisibility()",
        )
        self._tab_to("input#login")
        self._type(self.login)
        self._tab_to("input#password")
        self._type(self.login)  # demo password = login
        self._key("Enter")
        # The portal's home shows the BTI card once its counters are read.
        bti_card = 'a[href="/my/bti"]'
        self._arrive(
            r"/my(/home)?",
            ready=f"document.querySelector('{bti_card}')?.checkVisibility()",
        )

        # My portal -> my cases.
        self._tab_to(bti_card)
        self._key("Enter")
        self._arrive(re.escape("/my/bti"))

        # The skip link is the first stop of a page, shows when focused, and
        # jumps past the header and the breadcrumbs: the next Tab is the case.
        self._tab_to("a.o_skip_to_content[href='#wrap']", max_tabs=1)
        self._key("Enter")
        self._until("location.hash === '#wrap'", "the skip link goes to #wrap")
        self._tab_to(f'#wrap a[href="{case}"]', max_tabs=1)
        self._key("Enter")
        self._arrive(re.escape(case))

        # The case -> its log: write in it, send with Enter on the button.
        self._tab_to(f'a[href="{case}/log"]')
        self._key("Enter")
        self._arrive(re.escape(f"{case}/log"))
        self._tab_to("textarea#bti_write_text")
        self._type(self.text)
        send = f'form[action="{case}/log/write"] button[type="submit"]'
        self._tab_to(send)
        # Shift+Tab goes back the same way (the file field), Tab forth again.
        self._tab_to("input#bti_write_file", shift=True, max_tabs=1)
        self._tab_to(send, max_tabs=1)
        self._key("Enter")
        self._arrive(re.escape(f"{case}/log?sent=1"))
        self._until("document.querySelector('.alert-success')", "it says it is sent")
        self._settled()
        self.assertEqual(
            len(self._contributions()), 1, "the family's entry is in the log"
        )

        # Meetings: accept the invitation.
        self._tab_to(f'a[href="{case}/meetings"]')
        self._key("Enter")
        self._arrive(re.escape(f"{case}/meetings"))
        self._tab_to(
            f'form[action="{case}/meetings/{self.meeting.id}/answer"]'
            ' button[value="accept"]'
        )
        self._key("Enter")
        self._arrive(re.escape(f"{case}/meetings?answered=accepted"))
        self._settled()
        self.assertEqual(self._attendee().state, "accepted")

        # The case page: answer the consent form, yes.
        self._tab_to(f'a[href="{case}"]')
        self._key("Enter")
        self._arrive(re.escape(case))
        agree = f"input#bti_agree_{self.consent.id}"
        self._tab_to(agree)
        self._key("Space")
        self._until(f"document.querySelector('{agree}').checked", "Space ticks it")
        self._tab_to(
            f'form[action="{case}/consent/{self.consent.id}/answer"]'
            ' button[value="given"]'
        )
        self._key("Enter")
        self._arrive(re.escape(case) + r"\?consent_done=(confirmed|given)")
        self._settled()
        answers = self._answers()
        self.assertEqual(answers.mapped("answer"), ["given"])
        self.assertEqual(answers.user_id.login, self.login)

        # Back to my cases: ask for a stafettholder for another child, on the
        # public form (the same form a family without a login uses).
        self._tab_to('a[href="/my/bti"]')
        self._key("Enter")
        self._arrive(re.escape("/my/bti"))
        self._tab_to('a[href="/bti/request"]')
        self._key("Enter")
        self._arrive(re.escape("/bti/request"))
        for selector, text in (
            ("input#bti_child_name", "Tiril Karlsen"),
            ("input#bti_child_birth_date", "03.03.2019"),
            ("textarea#bti_worry", "Tiril er mye lei seg."),
        ):
            self._tab_to(selector)
            self._type(text)
        self._choose("select#bti_service")
        self._tab_to("input#bti_requester_name")
        self._type("Linn Karlsen")
        self._choose("select#bti_requester_relation")
        self._tab_to("input#bti_requester_phone")
        self._type("+47 900 00 000")
        self._tab_to('form[action="/bti/request"] button[type="submit"]')
        self._key("Enter")
        self._arrive(re.escape("/bti/request/sent"))
        self._quiet()
        self._settled()
        self.env.invalidate_all()
        request = (
            self.env["bti.holder.request"]
            .sudo()
            .search([("child_name", "=", "Tiril Karlsen")])
        )
        self.assertEqual(len(request), 1)
        self.assertEqual(request.requester_user_id.login, self.login)
        self.assertEqual(str(request.child_birth_date), "2019-03-03")

        self.assertFalse(self.kbd.had_failure, "the browser logged an error")


@tagged("post_install", "-at_install", "bti")
class TestPortalKeyboard(FamilyFlowMixin, HttpCase):
    """The family's whole flow with the keyboard alone, on a desktop and on a
    390-px-wide phone screen."""

    def test_keyboard_flow_desktop(self):
        self._family_flow()

    def test_keyboard_flow_phone(self):
        self.browser_size = "390x844"
        self.touch_enabled = True
        self._family_flow()
