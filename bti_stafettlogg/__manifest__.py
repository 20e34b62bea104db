# Copyright 2026 BTI for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "BTI Stafettlogg",
    "summary": "The shared baton log of a BTI case: entries, goals, measures with "
    "evaluation, meetings, the printable log and its archive copy",
    "version": "18.0.1.1.0",
    "category": "Services/BTI",
    "website": "https://github.com/bti-odoo/bti",
    "author": "BTI for Odoo contributors",
    "license": "AGPL-3",
    "depends": ["bti_core", "calendar"],
    "data": [
        "security/ir.model.access.csv",
        "security/bti_stafettlogg_rules.xml",
        "data/bti_development_area_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/ir_cron_data.xml",
        "report/bti_stafettlogg_report.xml",
        "report/bti_stafettlogg_report_templates.xml",
        "report/bti_meeting_agenda_templates.xml",
        "wizards/bti_measure_evaluate_wizard_views.xml",
        "wizards/bti_case_appoint_wizard_views.xml",
        "wizards/bti_party_release_wizard_views.xml",
        "views/bti_log_entry_views.xml",
        "views/bti_goal_views.xml",
        "views/bti_measure_views.xml",
        "views/bti_measure_catalogue_views.xml",
        "views/bti_meeting_views.xml",
        "views/bti_log_archive_views.xml",
        "views/bti_development_area_views.xml",
        "views/bti_case_views.xml",
        "views/bti_stafettlogg_menus.xml",
    ],
    # The policy tables: read by the tests and the action checks, not loaded
    # as data.
    "oca_data_manual": ["security/access_policy.csv", "security/action_policy.csv"],
    "demo": [
        "demo/bti_measure_catalogue_demo.xml",
        "demo/bti_stafettlogg_demo.xml",
        "demo/bti_stafettlogg_demo_school.xml",
        "demo/bti_stafettlogg_demo_health.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "bti_stafettlogg/static/src/tours/*.js",
        ],
    },
}
