# Copyright 2026 BTI for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Landing: BTI users land in the BTI cases (their home action), and the
empty BTI views show the help, not Odoo's faded sample records."""

from lxml import etree

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestLanding(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.action = cls.env.ref("bti_core.action_bti_case")
        cls.kari = cls.env["res.users"].search([("login", "=", "kari")])

    def test_demo_users_land_in_bti(self):
        self.assertTrue(self.kari)
        self.assertEqual(self.kari.action_id.id, self.action.id)
        bti_users = self.env["res.users"].search(
            [("groups_id", "in", self.env.ref("bti_core.group_bti_user").id)]
        )
        self.assertEqual(bti_users.action_id.ids, self.action.ids)

    def test_session_home_action(self):
        self.kari.password = "kari"
        self.authenticate("kari", "kari")
        response = self.url_open(
            "/web/session/get_session_info",
            data="{}",
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["result"]["home_action_id"], self.action.id)
        response = self.url_open("/odoo")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'"home_action_id": {self.action.id}', response.text)

    def test_new_users(self):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        user = Users.create(
            {
                "name": "Ny BTI-bruker",
                "login": "ny.bti",
                "groups_id": [(6, 0, [self.env.ref("bti_core.group_bti_user").id])],
            }
        )
        self.assertEqual(user.action_id.id, self.action.id)
        other = Users.create({"name": "Ikke BTI", "login": "ikke.bti"})
        self.assertFalse(other.action_id, "users outside BTI keep Odoo's landing")
        other.groups_id = [(4, self.env.ref("bti_core.group_bti_leader").id)]
        self.assertEqual(
            other.action_id.id, self.action.id, "joining BTI sets the home action"
        )
        other.action_id = False
        Users._bti_init_home_actions()  # at the update of bti_core
        self.assertEqual(other.action_id.id, self.action.id, "existing BTI users too")
        home = self.env.ref("base.action_res_users")
        own = Users.create(
            {
                "name": "Eget hjem",
                "login": "eget.hjem",
                "action_id": home.id,
                "groups_id": [(6, 0, [self.env.ref("bti_core.group_bti_user").id])],
            }
        )
        self.assertEqual(own.action_id.id, home.id, "a chosen home action is kept")

    def test_no_sample_data(self):
        views = self.env["ir.ui.view"].search(
            [("model", "=like", "bti.%"), ("type", "in", ("kanban", "list"))]
        )
        self.assertTrue(views)
        for view in views:
            self.assertIsNone(
                etree.fromstring(view.arch_db.encode()).get("sample"),
                f"{view.xml_id or view.name} has no sample records",
            )
        for view_type in ("kanban", "list"):
            arch = self.env["bti.case"].get_views([(False, view_type)])["views"][
                view_type
            ]["arch"]
            self.assertNotIn("sample=", arch)
