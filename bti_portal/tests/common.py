from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.bti_stafettlogg.tests.common import StafettloggCommon


class PortalCommon(StafettloggCommon):
    """The stafettlogg's world with families in the portal.

    * ``cls.case`` (kindergarten, level 2): ``mother`` has parental
      responsibility and a portal login (``mother_user``); ``father`` has a
      login but no parental responsibility;
    * ``cls.other_case``: another family's case (``other_user``);
    * entries of ``cls.case`` shared with the family, with the services, kept
      in the service, and a draft.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case.guardian_ids.unlink()
        cls.case.with_user(cls.kg_teacher).write(
            {
                "guardian_ids": [
                    Command.create({"partner_id": cls.mother.id, "relation": "mother"}),
                    Command.create(
                        {
                            "partner_id": cls.father.id,
                            "relation": "father",
                            "parental_responsibility": False,
                        }
                    ),
                ]
            }
        )
        cls.mother_user = cls._portal_user("family_mother", cls.mother)
        cls.father_user = cls._portal_user("family_father", cls.father)
        other_parent = cls.env["res.partner"].create({"name": "Other Parent"})
        cls.other_case = cls._new_case(
            guardian_ids=[Command.create({"partner_id": other_parent.id})]
        )
        cls.other_user = cls._portal_user("family_other", other_parent)
        cls.family_entry = cls._entry(
            subject="Shared Entry Alpha",
            visibility="family",
            body="<p>Family body Alpha</p>",
        )
        cls.services_entry = cls._entry(
            subject="Services Entry Bravo", visibility="participants"
        )
        cls.service_entry = cls._entry(
            subject="Own Service Entry Charlie", visibility="service"
        )
        cls.draft_entry = cls._entry(
            subject="Draft Entry Delta", visibility="family", publish=False
        )
        cls.family_goal = cls._goal(name="Family Goal Echo", visibility="family")
        cls.service_goal = cls._goal(name="Service Goal Foxtrot", visibility="service")

    @classmethod
    def _portal_user(cls, login, partner):
        user = new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=partner.id,
            email=f"{login}@example.com",
        )
        return user
