import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from odoo.addons.bti_core.tests.common import BtiCommon

# What an RPC client could send to pass for a transition: truthy values under
# every context key the transitions use. Only the transitions' own object passes.
FORGED_CONTEXT = {
    "bti_log_transition": True,
    "bti_transition": True,
    "bti_publishing": True,
    "bti_goal_transition": True,
    "bti_meeting_transition": True,
}


class StafettloggCommon(BtiCommon):
    """bti_core's small municipality, with a case whose log is open.

    ``cls.case``: an active level-2 kindergarten case, kg_teacher holds the
    baton; a consent covers the school and PPT; the school has joined (contact
    school_teacher). Builders create content as the real user.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.area_language = cls.env.ref("bti_stafettlogg.development_area_language")
        cls.area_social = cls.env.ref("bti_stafettlogg.development_area_social")
        cls.case = cls._new_case()
        cls._decide(cls.case, "level_2")
        cls.consent = cls._give_consent(cls.case, cls.school | cls.ppt)
        cls._add_participant(cls.case, cls.school, cls.school_teacher)
        cls.today = cls.env["bti.access.policy"]._today()

    @classmethod
    def _entry(cls, case=None, user=None, publish=True, **vals):
        user = user or cls.kg_teacher
        case = case or cls.case
        values = {"case_id": case.id, "body": "<p>What was said and done</p>"}
        values.update(vals)
        entry = (
            cls.env["bti.log.entry"]
            .with_user(user)
            .with_context(default_case_id=case.id)
            .create(values)
        )
        if publish:
            entry.action_publish()
        return entry.with_env(cls.env)

    @classmethod
    def _goal(cls, case=None, user=None, **vals):
        user = user or cls.kg_teacher
        case = case or cls.case
        values = {
            "case_id": case.id,
            "name": "Plays with the other children",
            "area_id": cls.area_social.id,
        }
        values.update(vals)
        return (
            cls.env["bti.goal"]
            .with_user(user)
            .with_context(default_case_id=case.id)
            .create(values)
            .with_env(cls.env)
        )

    @classmethod
    def _measure(cls, goal, user=None, **vals):
        user = user or cls.kg_teacher
        today = cls.env["bti.access.policy"]._today()
        values = {
            "case_id": goal.case_id.id,
            "goal_id": goal.id,
            "name": "Language group twice a week",
            "arena": "kindergarten",
            "responsible_kind": "service",
            "responsible_service_id": cls.kindergarten.id,
            "responsible_user_id": cls.kg_teacher.id,
            "date_start": today,
            "date_evaluation": today + datetime.timedelta(days=42),
        }
        values.update(vals)
        return (
            cls.env["bti.measure"]
            .with_user(user)
            .with_context(default_case_id=goal.case_id.id)
            .create(values)
            .with_env(cls.env)
        )

    @classmethod
    def _meeting(cls, case=None, user=None, **vals):
        user = user or cls.kg_teacher
        case = case or cls.case
        values = {
            "case_id": case.id,
            "kind": "cooperation",
            "start": fields.Datetime.now() + datetime.timedelta(days=7),
            "location": "Meeting room 2",
            "staff_ids": [Command.set((cls.kg_teacher | cls.school_teacher).ids)],
            "family_partner_ids": [Command.set(case.guardian_ids.partner_id.ids)],
        }
        values.update(vals)
        return (
            cls.env["bti.meeting"]
            .with_user(user)
            .with_context(default_case_id=case.id)
            .create(values)
            .with_env(cls.env)
        )

    @classmethod
    def _youth_case(cls, years=16):
        """A level-2 case of the health station about a young person of
        ``years``, with a consent the young person and the parent gave."""
        youth = cls.env["res.partner"].create({"name": "Youth Golf"})
        parent = cls.env["res.partner"].create({"name": "Parent of Golf"})
        today = cls.env["bti.access.policy"]._today()
        case = cls._new_case(
            user=cls.nurse,
            service=cls.health,
            partner=youth,
            birth_date=today - relativedelta(years=years, days=10),
            subject_kind="youth",
            guardian_ids=[Command.create({"partner_id": parent.id})],
        )
        cls._decide(case, "level_2", user=cls.nurse)
        cls._give_consent(
            case,
            cls.kindergarten,
            user=cls.nurse,
            given_by_partner_ids=[Command.set((parent | youth).ids)],
            youth_consented=True,
        )
        return case, youth, parent
