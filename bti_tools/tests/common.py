from odoo.addons.bti_stafettlogg.tests.common import StafettloggCommon


class ToolsCommon(StafettloggCommon):
    """The stafettlogg's world (``cls.case``: an active level-2 kindergarten
    case, the school joined by consent), with builders for the tools, each
    run as the user who would write them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The school receives transition forms (bti_tools' flag of a service).
        cls.school.is_school = True

    @classmethod
    def _tool(cls, model, case=None, user=None, final=False, **vals):
        user = user or cls.kg_teacher
        case = cls.case if case is None else case
        values = {"case_id": case.id} if case else {}
        values.update(vals)
        Tool = cls.env[model].with_user(user)
        if case:
            Tool = Tool.with_context(default_case_id=case.id)
        tool = Tool.create(values)
        if final:
            tool.action_finalize()
        return tool.with_env(cls.env)

    @classmethod
    def _note(cls, case=None, user=None, final=False, **vals):
        values = {"seen_heard": "<p>She sat alone at every meal this week.</p>"}
        values.update(vals)
        return cls._tool("bti.tool.wonder_note", case, user, final, **values)

    @classmethod
    def _observation(cls, case=None, user=None, final=False, **vals):
        values = {
            "setting": "Free play outdoors",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "time": "2026-11-02 09:30:00",
                        "what_child_does": "Stands by the fence, watches the others.",
                        "interpretation": "Wants to join but does not know how.",
                    },
                )
            ],
        }
        values.update(vals)
        return cls._tool("bti.tool.observation", case, user, final, **values)

    @classmethod
    def _transition(cls, case=None, user=None, final=False, **vals):
        values = {
            "recipient_service_id": cls.school.id,
            "family_wants_known": "<p>He loves trains.</p>",
            "child_likes": "Playing with the trains",
            "kg_interests": "<p>Builds long train tracks with the others.</p>",
        }
        values.update(vals)
        return cls._tool("bti.tool.transition", case, user, final, **values)

    @classmethod
    def _sign_transition(cls, form, user=None, decision="pass_on", partners=None):
        """The guardians with parental responsibility (or ``partners``) and
        ``user``, the kindergarten teacher, sign ``form`` in the system."""
        user = user or cls.kg_teacher
        if partners is None:
            partners = form._bti_guardians()
        form.with_user(user)._bti_record_signatures(
            "system", decision, partners=partners, teacher_signs=True
        )
        return form
