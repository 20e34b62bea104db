# Copyright 2026 BTI for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "BTI Core",
    "summary": "Bedre Tverrfaglig Innsats: cases, levels, services, baton, consent "
    "and per-service access",
    "version": "18.0.1.4.0",
    "category": "Services/BTI",
    "website": "https://github.com/bti-odoo/bti",
    "author": "BTI for Odoo contributors",
    "license": "AGPL-3",
    "application": True,
    "depends": ["mail", "contacts"],
    "data": [
        "security/bti_security.xml",
        "security/ir.model.access.csv",
        "security/bti_rules.xml",
        "data/ir_sequence_data.xml",
        "data/bti_level_data.xml",
        "data/bti_info_category_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/bti_no_calls_home_data.xml",
        "data/mail_templates.xml",
        "report/bti_case_report.xml",
        "report/bti_case_report_templates.xml",
        "wizards/bti_case_decision_wizard_views.xml",
        "wizards/bti_case_close_wizard_views.xml",
        "wizards/bti_baton_propose_wizard_views.xml",
        "wizards/bti_baton_refuse_wizard_views.xml",
        "wizards/bti_participant_remove_wizard_views.xml",
        "wizards/bti_consent_paper_wizard_views.xml",
        "views/bti_case_views.xml",
        "views/bti_case_participant_views.xml",
        "views/bti_baton_views.xml",
        "views/bti_consent_views.xml",
        "views/bti_access_log_views.xml",
        "views/bti_service_views.xml",
        "views/bti_level_views.xml",
        "views/bti_info_category_views.xml",
        "views/res_config_settings_views.xml",
        "views/bti_menus.xml",
        "data/res_users_data.xml",
    ],
    # The access policy table is read by the tests, the action table by
    # bti.protected.mixin at run time: neither is loaded as data.
    "oca_data_manual": ["security/access_policy.csv", "security/action_policy.csv"],
    "demo": [
        "demo/bti_demo_users.xml",
        "demo/bti_demo_cases.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "bti_core/static/src/tours/*.js",
        ],
    },
}
