from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route

from ..models.bti_holder_request import MAX_WORRY
from .portal import BtiFamilyPortal

# The fields the public form reads: anything else sent is ignored.
PUBLIC_FIELDS = (
    "child_name",
    "child_birth_date",
    "worry",
    "service_id",
    "requester_name",
    "requester_relation",
    "requester_email",
    "requester_phone",
)


class BtiHolderRequestPortal(BtiFamilyPortal):
    """Asking for a stafettholder: from the case page (the family's case at
    level 0), and through the public form at /bti/request. The checks and
    the writing are the models' (bti.case.action_family_request_holder,
    bti.holder.request._bti_submit_public); the pages show what went wrong,
    and nothing is half-written."""

    # ------------------------------------------------------------------
    # The family's own requests, on /my/bti and the case page
    # ------------------------------------------------------------------
    @route()
    def bti_cases(self, **kw):
        response = super().bti_cases(**kw)
        Request = request.env["bti.holder.request"]
        requests = (
            Request.search([], order="create_date desc, id desc")
            if Request.has_access("read")
            else Request
        )
        response.qcontext["holder_requests"] = requests
        return response

    @route()
    def bti_case(self, case_id, **kw):
        response = super().bti_case(case_id, **kw)
        case = getattr(response, "qcontext", {}).get("case")
        if case:
            response.qcontext.update(
                {
                    "may_request_holder": case._bti_may("action_family_request_holder"),
                    "open_request": case._bti_open_holder_request(),
                    "request_sent": kw.get("requested") == "1",
                    "request_max_chars": MAX_WORRY,
                    "request_worry": "",
                    "request_error": False,
                }
            )
        return response

    @route(
        ["/my/bti/<int:case_id>/request"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def bti_case_request_holder(self, case_id, worry=None, **kw):
        case = self._bti_family_case(case_id)
        if not case:
            return request.not_found()
        try:
            case.action_family_request_holder(worry=worry)
        except UserError as error:
            response = self.bti_case(case_id)
            response.qcontext.update(
                {
                    "request_worry": worry if isinstance(worry, str) else "",
                    "request_error": error.args[0] if error.args else "",
                    "open_request": False,
                }
            )
            response.status_code = 400
            return response
        return request.redirect(f"/my/bti/{case.id}?requested=1", local=True)

    # ------------------------------------------------------------------
    # The public form
    # ------------------------------------------------------------------
    def _bti_public_render(self, template, values, status=200):
        Request = request.env["bti.holder.request"]
        values = dict(
            values,
            deadline_days=Request._bti_deadline_days(),
            services=Request._bti_receiving_services(),
            relations=[
                (key, label)
                for key, label in Request._fields[
                    "requester_relation"
                ]._description_selection(request.env)
            ],
        )
        response = self._bti_render(template, values)
        response.status_code = status
        return response

    @route(["/bti/request"], type="http", auth="public", methods=["GET"], website=True)
    def bti_request_form(self, **kw):
        return self._bti_public_render(
            "bti_portal.holder_request_public",
            {"values": {}, "request_error": False},
        )

    @route(
        ["/bti/request"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def bti_request_send(self, **kw):
        values = {
            name: kw.get(name) if isinstance(kw.get(name), str) else ""
            for name in PUBLIC_FIELDS
        }
        if kw.get("homepage"):
            # A form robot: it sees the same page, and nothing is stored.
            return request.redirect("/bti/request/sent", local=True)
        address = request.httprequest.remote_addr
        try:
            request.env["bti.holder.request"]._bti_submit_public(values, address)
        except ValidationError as error:
            return self._bti_public_render(
                "bti_portal.holder_request_public",
                {"values": values, "request_error": error.args[0]},
                status=400,
            )
        except UserError as error:
            # The rate limit: nothing about the child, only "later".
            return self._bti_public_render(
                "bti_portal.holder_request_public",
                {"values": values, "request_error": error.args[0]},
                status=429,
            )
        return request.redirect("/bti/request/sent", local=True)

    @route(["/bti/request/sent"], type="http", auth="public", website=True)
    def bti_request_sent(self, **kw):
        return self._bti_public_render("bti_portal.holder_request_sent", {})
