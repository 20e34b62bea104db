# Copyright 2026 BTI for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "BTI Portal",
    "summary": "The family's own way in: their cases, the log shared with them, "
    "in plain Norwegian, through their own record rules",
    "version": "18.0.1.1.0",
    "category": "Services/BTI",
    "website": "https://github.com/bti-odoo/bti",
    "author": "BTI for Odoo contributors",
    "license": "AGPL-3",
    "depends": ["bti_stafettlogg", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/bti_portal_rules.xml",
        "security/bti_portal_consent_rules.xml",
        "security/bti_holder_request_rules.xml",
        "data/bti_holder_request_data.xml",
        "data/mail_template_data.xml",
        "wizards/bti_family_access_wizard_views.xml",
        "views/bti_case_views.xml",
        "views/bti_portal_templates.xml",
        "views/bti_portal_meeting_templates.xml",
        "views/bti_portal_consent_templates.xml",
        "views/bti_consent_views.xml",
        "views/bti_holder_request_views.xml",
        "views/bti_portal_request_templates.xml",
        "views/bti_measure_views.xml",
        "views/bti_portal_family_templates.xml",
    ],
    # The action table: read by the action checks and the tests, not data.
    "oca_data_manual": ["security/action_policy.csv"],
    "demo": [
        "demo/bti_portal_demo.xml",
        "demo/bti_portal_consent_demo.xml",
        "demo/bti_holder_request_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": ["bti_portal/static/src/scss/bti_portal_focus.scss"],
    },
}
