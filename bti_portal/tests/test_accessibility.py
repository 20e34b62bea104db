"""Accessibility (WCAG 2.1 AA) of the family's pages, checked with axe-core:
the whole page, Odoo's portal frame included, has no violation of impact
*serious* or *critical*, on a desktop and on a 390-px-wide phone screen.

axe-core is not committed: setup/common.sh (ensure_axe_core) fetches the
pinned version from npm into .cache/axe-core/; BTI_AXE_JS overrides the path.
"""

import json
import os

from odoo.tests import HttpCase, tagged

# Helpers only: importing a class with test methods would run its tests again.
from odoo.addons.bti_stafettlogg.tests.test_accessibility import AXE_JS, axe_url

RUN_AXE = """
(async () => {
    const screen = %(screen)s;
    const src = await (await fetch(%(url)s)).text();
    const script = document.createElement("script");
    script.textContent = src;
    document.head.appendChild(script);
    const res = await window.axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        resultTypes: ["violations"],
    });
    const bad = [];
    for (const v of res.violations) {
        if (!["serious", "critical"].includes(v.impact)) { continue; }
        for (const n of v.nodes) {
            bad.push(v.id + " " + n.target.join(" ") + " " + n.html.slice(0, 160));
        }
    }
    console.log("BTI-AXE " + JSON.stringify({screen, violations: bad.length}));
    if (bad.length) {
        console.error("BTI-AXE " + screen + ": serious/critical violations:\\n"
            + bad.join("\\n"));
    } else {
        console.log("test successful");
    }
})();
"""


class PortalAxeMixin:
    # test_pages is defined here: without this, Odoo's loader collects only
    # the methods of the test classes themselves, and no page is checked.
    allow_inherited_tests_method = True
    login = "linn"  # Noah's mother (demo)
    # Odoo collects only the test methods a class defines itself, unless told.
    allow_inherited_tests_method = True

    def setUp(self):
        super().setUp()
        if not os.path.isfile(AXE_JS):
            self.fail(f"axe-core not found at {AXE_JS}: setup/test fetches it")
        self.axe_url = axe_url(self.env)
        self.case = self.env.ref("bti_core.demo_case_noah")

    def _axe(self, screen, url):
        code = RUN_AXE % {
            "screen": json.dumps(screen),
            "url": json.dumps(self.axe_url),
        }
        self.browser_js(
            url,
            code,
            ready="!!document.querySelector('.o_bti_portal')",
            login=self.login,
            timeout=180,
        )

    def test_public_form_anonymous(self):
        """The public form as a visitor without a login sees it."""
        self.login = None
        self._axe("ask for a stafettholder, anonymous", "/bti/request")

    def test_pages(self):
        for screen, url in (
            ("my cases", "/my/bti"),
            ("case page", f"/my/bti/{self.case.id}"),
            ("log page", f"/my/bti/{self.case.id}/log"),
            ("meetings page", f"/my/bti/{self.case.id}/meetings"),
            ("who has looked", f"/my/bti/{self.case.id}/access"),
            ("ask for a stafettholder", "/bti/request"),
        ):
            with self.subTest(screen=screen):
                self._axe(screen, url)


@tagged("post_install", "-at_install", "bti")
class TestPortalAccessibility(PortalAxeMixin, HttpCase):
    """The family's pages on a desktop."""


@tagged("post_install", "-at_install", "bti")
class TestPortalAccessibilityPhone(PortalAxeMixin, HttpCase):
    """The family's pages on a phone, 390 px wide."""

    browser_size = "390x844"
    touch_enabled = True
