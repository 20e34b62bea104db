from odoo.addons.bti_stafettlogg.tests.common import StafettloggCommon


class ToolsCommon(StafettloggCommon):
    """The stafettlogg's world (``cls.case``: an active level-2 kindergarten
    case, the school joined by consent), with builders for the tools, each
    run as the user who would write them."""

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
