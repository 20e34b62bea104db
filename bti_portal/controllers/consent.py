from odoo import _
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import pager as portal_pager

from .portal import BtiFamilyPortal

# Rows of "who has looked" per page.
ACCESS_STEP = 50


def _consent_done_texts():
    """What the family is told after answering or withdrawing a consent (the
    only values the ``consent_done`` parameter may take)."""
    return {
        "withdrawn": _(
            "The consent is withdrawn. From now on, the services it covered can "
            "no longer see your child's case because of it."
        ),
        "confirmed": _(
            "Thank you, your answer is saved. The consent starts to apply when "
            "everyone who must consent has said yes."
        ),
        "given": _("Thank you. Everyone has said yes, and the consent now applies."),
        "refused": _(
            "Your answer is saved: you do not consent. The stafettholder has been told."
        ),
    }


def _what_texts():
    """What was looked at, in words a parent understands (by record type)."""
    return {
        "bti.case": _("The case"),
        "bti.case.participant": _("The services taking part"),
        "bti.case.guardian": _("The parents and guardians"),
        "bti.case.history": _("The history of the case"),
        "bti.consent": _("Consents"),
        "bti.consent.confirmation": _("Answers to consent forms"),
        "bti.baton": _("The stafettholder"),
        "bti.log.entry": _("The log"),
        "bti.goal": _("Goals"),
        "bti.measure": _("Measures"),
        "bti.meeting": _("Meetings"),
    }


def _how_texts():
    return {
        "read": _("Read"),
        "print": _("Printed"),
        "export": _("Exported"),
        "download": _("Downloaded"),
    }


class BtiFamilyConsentPortal(BtiFamilyPortal):
    """Consents online (withdraw; answer a consent form) and who has looked.
    Every action runs as the portal user: the family's record rules and the
    action table decide; a consent of another case is "not found"."""

    def _bti_family_consent(self, case_id, consent_id):
        """``(case, consent)`` as the portal user reads them; the consent
        only when it belongs to the case."""
        case = self._bti_family_case(case_id)
        if not case:
            return None, None
        consent = request.env["bti.consent"].browse(consent_id).exists()
        try:
            consent.check_access("read")
        except AccessError:
            return case, None
        if not consent or consent.case_id != case:
            return case, None
        return case, consent

    def _bti_case_values(self, case):
        values = super()._bti_case_values(case)
        partner = request.env.user.partner_id
        Answer = request.env["bti.consent.confirmation"]
        info = {}
        for consent in values["consents"]:
            row = {"may_withdraw": False, "may_answer": False, "answers": []}
            if consent.state == "given":
                row["may_withdraw"] = consent._bti_may("action_withdraw")
            elif consent.state == "draft":
                answers = Answer.search([("consent_id", "=", consent.id)])
                # sudo: who must answer (the other guardian is a partner the
                # portal user does not read); their names and whether the
                # user is one of them, for a consent read through the rules.
                signers = consent.sudo().signer_partner_ids
                row.update(
                    {
                        "signers": self._bti_names(signers),
                        "answers": [
                            (self._bti_names(a.partner_id), a) for a in answers
                        ],
                        "mine": answers.filtered(lambda a: a.partner_id == partner),
                        "may_answer": partner in signers
                        and partner not in answers.partner_id
                        and consent._bti_may("action_confirm_online"),
                    }
                )
            info[consent.id] = row
        done = request.params.get("consent_done")
        values.update(
            {
                "consent_info": info,
                "consent_done": _consent_done_texts().get(done) if done else None,
                "consent_error": None,
            }
        )
        return values

    def _bti_consent_refused(self, case, error):
        """The case page again, saying why the request was refused."""
        values = self._prepare_portal_layout_values()
        values.update(self._bti_case_values(case))
        values.update({"page_name": "bti_case", "consent_error": error.args[0]})
        response = self._bti_render("bti_portal.portal_my_bti_case", values)
        response.status_code = 400
        return response

    def _bti_consent_done(self, case, done):
        return request.redirect(
            f"/my/bti/{case.id}?consent_done={done}#bti_consents_heading"
        )

    @route(
        ["/my/bti/<int:case_id>/consent/<int:consent_id>/withdraw"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def bti_consent_withdraw(self, case_id, consent_id, reason=None, **kw):
        case, consent = self._bti_family_consent(case_id, consent_id)
        if not consent:
            return request.not_found()
        reason = (reason or "").strip()[:2000] or None
        try:
            with request.env.cr.savepoint():
                consent.action_withdraw(reason)
        except (UserError, ValidationError, MissingError) as error:
            return self._bti_consent_refused(case, error)
        return self._bti_consent_done(case, "withdrawn")

    @route(
        ["/my/bti/<int:case_id>/consent/<int:consent_id>/answer"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def bti_consent_answer(self, case_id, consent_id, answer=None, agree=None, **kw):
        case, consent = self._bti_family_consent(case_id, consent_id)
        if not consent:
            return request.not_found()
        if answer not in ("given", "refused"):
            return self._bti_consent_refused(
                case, UserError(_("Choose whether you consent or not."))
            )
        if answer == "given" and not agree:
            return self._bti_consent_refused(
                case,
                UserError(
                    _('Tick "I consent" to say yes, or choose "I do not consent".')
                ),
            )
        try:
            with request.env.cr.savepoint():
                done = consent.action_confirm_online(answer)
        except (UserError, ValidationError, MissingError) as error:
            return self._bti_consent_refused(case, error)
        return self._bti_consent_done(case, done)

    @route(
        [
            "/my/bti/<int:case_id>/access",
            "/my/bti/<int:case_id>/access/page/<int:page>",
        ],
        type="http",
        auth="user",
        website=True,
    )
    def bti_case_access(self, case_id, page=1, **kw):
        """Who has looked (Normen): the access log of the case, read as the
        portal user through the family's rule; the family's own reads left
        out."""
        case = self._bti_family_case(case_id)
        if not case:
            return request.not_found()
        Log = request.env["bti.access.log"]
        domain = [("case_id", "=", case.id)]
        readers = Log._read_group(domain, ["user_id"])
        # sudo: whether each reader is an employee or a portal login (the
        # family's own reads are left out); nothing else of them leaves.
        family = [user.id for (user,) in readers if user.sudo().share]
        if family:
            domain.append(("user_id", "not in", family))
        total = Log.search_count(domain)
        pager = portal_pager(
            url=f"/my/bti/{case.id}/access",
            total=total,
            page=page,
            step=ACCESS_STEP,
        )
        rows = Log.search(domain, limit=ACCESS_STEP, offset=pager["offset"])
        whats = _what_texts()
        # sudo: the kind labels of the log (ir.model), which portal users do
        # not read.
        log_sudo = Log.sudo()
        kinds = dict(log_sudo._fields["model"]._description_selection(log_sudo.env))
        hows = _how_texts()
        lines = []
        for row in rows:
            # sudo: the employee's and the service's names of a row the family
            # has just read through its rule.
            row_sudo = row.sudo()
            lines.append(
                {
                    "date": row.date,
                    "row": row,
                    "employee": row_sudo.user_id.name,
                    "service": row_sudo.service_id.name or "",
                    "what": whats.get(row.model) or kinds.get(row.model, row.model),
                    "how": hows.get(row.action, row.action),
                }
            )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "case": case,
                "lines": lines,
                "pager": pager,
                "page_name": "bti_case_access",
            }
        )
        return self._bti_render("bti_portal.portal_my_bti_access", values)
