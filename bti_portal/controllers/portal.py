from odoo import _
from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal


def _level_texts():
    """Each BTI level in words a parent understands."""
    return {
        0: _(
            "Someone who knows your child has wondered how your child is doing. "
            "The service is finding out more, and talks with you about it."
        ),
        1: _(
            "The service that knows your child best gives extra help in its own "
            "everyday work, together with you."
        ),
        2: _(
            "More services work together with you. A stafettholder makes sure the "
            "help is coordinated and that you know what happens."
        ),
        3: _(
            "Several services give help over time, coordinated in one plan. The "
            "stafettholder keeps the plan together with you."
        ),
    }


class BtiFamilyPortal(CustomerPortal):
    """The family's pages: /my/bti. Every record is read as the portal user,
    through the family's record rules; a case the user may not read is "not
    found", whether it exists or not. No page is cached by the browser."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "bti_case_count" in counters:
            Case = request.env["bti.case"]
            values["bti_case_count"] = (
                Case.search_count([]) if Case.has_access("read") else 0
            )
        return values

    @staticmethod
    def _bti_names(record, field=None):
        """The names of the records linked by ``field`` from ``record`` (or of
        ``record`` itself): the child, services, information categories. The
        family may not read those models themselves."""
        # sudo: names only, of records linked from a record the portal user
        # has just read through the family's rules.
        linked = record.sudo()[field] if field else record.sudo()
        return ", ".join(linked.mapped("name"))

    @staticmethod
    def _bti_files(entry):
        """The files of a log entry the family reads: id and name, for the
        download links (the download itself is checked again)."""
        # sudo: the portal has no right on ir.attachment; the entry was read
        # through the family's rules.
        return [(a.id, a.name) for a in entry.sudo().attachment_ids]

    def _bti_render(self, template, values):
        # Every BTI page names its language (WCAG 3.1.1; axe: html-has-lang):
        # Odoo's portal frame without the website module does not.
        lang = (request.env.lang or "en_US").replace("_", "-")
        values["html_data"] = dict(values.get("html_data") or {}, lang=lang)
        values["names"] = self._bti_names
        values["files"] = self._bti_files
        response = request.render(template, values)
        response.headers["Cache-Control"] = "no-store"
        return response

    def _bti_family_case(self, case_id):
        """The case as the portal user reads it, or None."""
        case = request.env["bti.case"].browse(case_id).exists()
        try:
            case.check_access("read")
        except AccessError:
            return None
        return case or None

    @route(["/my/bti"], type="http", auth="user", website=True)
    def bti_cases(self, **kw):
        Case = request.env["bti.case"]
        cases = Case.search([], order="id desc") if Case.has_access("read") else Case
        values = self._prepare_portal_layout_values()
        values.update({"cases": cases, "page_name": "bti_cases"})
        return self._bti_render("bti_portal.portal_my_bti_cases", values)

    @route(["/my/bti/<int:case_id>"], type="http", auth="user", website=True)
    def bti_case(self, case_id, **kw):
        case = self._bti_family_case(case_id)
        if not case:
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(self._bti_case_values(case))
        values["page_name"] = "bti_case"
        return self._bti_render("bti_portal.portal_my_bti_case", values)

    @route(["/my/bti/<int:case_id>/log"], type="http", auth="user", website=True)
    def bti_case_log(self, case_id, **kw):
        case = self._bti_family_case(case_id)
        if not case:
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(self._bti_case_values(case))
        domain = [("case_id", "=", case.id)]
        values.update(
            {
                "page_name": "bti_case_log",
                "entries": request.env["bti.log.entry"].search(
                    domain, order="date desc, id desc"
                ),
                "goals": request.env["bti.goal"].search(domain),
                "measures": request.env["bti.measure"].search(domain),
            }
        )
        return self._bti_render("bti_portal.portal_my_bti_log", values)

    @route(["/my/bti/file/<int:attachment_id>"], type="http", auth="user")
    def bti_file(self, attachment_id, **kw):
        """A file of a log entry the family reads. Portal users have no right
        on ir.attachment: the entry is read as the user (the family's rules),
        and only then the file is served."""
        # sudo: which record the file belongs to; nothing leaves unless the
        # user reads that record below.
        attachment_sudo = request.env["ir.attachment"].sudo().browse(attachment_id)
        if not attachment_sudo.exists() or attachment_sudo.res_model != "bti.log.entry":
            return request.not_found()
        entry = request.env["bti.log.entry"].browse(attachment_sudo.res_id)
        try:
            entry.check_access("read")
        except (AccessError, MissingError):
            return request.not_found()
        if attachment_sudo not in entry.sudo().attachment_ids:
            return request.not_found()
        stream = request.env["ir.binary"]._get_stream_from(attachment_sudo)
        response = stream.get_response(as_attachment=True)
        response.headers["Cache-Control"] = "no-store"
        return response

    def _bti_case_values(self, case):
        """What the case page says about the case. The level, the step, the
        stafettholder's work contact and the services taking part are read as
        the system for a case the family reads (its rule passed above):
        names, dates and work contacts only."""
        case_sudo = case.sudo()
        participants = case_sudo.participant_ids.filtered("access_granted")
        holder = case_sudo.holder_id
        return {
            "case": case,
            "level": case_sudo.level_id,
            "level_text": _level_texts().get(case_sudo.level_id.code, ""),
            "step": case_sudo.step_id,
            "holder": holder,
            "holder_phone": holder.partner_id.phone or holder.partner_id.mobile,
            "holder_email": holder.partner_id.email,
            "participants": participants,
            "consents": request.env["bti.consent"].search(
                [("case_id", "=", case.id)], order="date desc, id desc"
            ),
        }
