from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestMobile(HttpCase):
    """The main flows on a phone (390 px, touch): open a case from the kanban,
    read its one2many lists as cards, reach the handover of the baton
    (static/src/tours/bti_mobile_tour.js), as the demo leader kari."""

    browser_size = "390x844"
    touch_enabled = True

    def test_mobile_tour(self):
        kari = self.env.ref("bti_core.demo_user_kari", raise_if_not_found=False)
        if not kari:
            self.skipTest("needs the demo data")
        case = self.env.ref("bti_core.demo_case_noah")
        self.assertEqual(case.state, "active")
        # kari leads a service in the case: she may hand over its baton.
        self.assertTrue(case.with_user(kari).user_may_manage)
        self.assertFalse(case.pending_baton_id)
        self.start_tour("/odoo", "bti_mobile_tour", login="kari")
        self.assertFalse(
            case.baton_ids.filtered(lambda b: b.state == "proposed"),
            "the tour cancelled the handover",
        )
