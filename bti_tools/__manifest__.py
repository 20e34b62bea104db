# Copyright 2026 BTI for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "BTI Tools",
    "summary": "Action guides at the case's step and the BTI tools as forms: wonder "
    "note, observation, mapping with risk and protective factors, the necessary "
    "conversation, concern scale",
    "version": "18.0.1.0.0",
    "category": "Services/BTI",
    "website": "https://github.com/bti-odoo/bti",
    "author": "BTI for Odoo contributors",
    "license": "AGPL-3",
    "depends": ["bti_stafettlogg"],
    "data": [
        "security/ir.model.access.csv",
        "security/bti_tools_rules.xml",
        "data/bti_tool_type_data.xml",
        "data/bti_wonder_area_data.xml",
        "data/bti_concern_indicator_data.xml",
        "data/bti_mapping_template_data.xml",
        "data/bti_guide_data.xml",
        "data/mail_activity_type_data.xml",
        "report/bti_tool_report_layout.xml",
        "report/bti_tool_wonder_note_report.xml",
        "report/bti_tool_observation_report.xml",
        "report/bti_tool_mapping_report.xml",
        "report/bti_tool_conversation_report.xml",
        "report/bti_tool_concern_scale_report.xml",
        "wizards/bti_tool_share_wizard_views.xml",
        "views/bti_tool_type_views.xml",
        "views/bti_guide_views.xml",
        "views/bti_tool_wonder_note_views.xml",
        "views/bti_tool_observation_views.xml",
        "views/bti_tool_mapping_template_views.xml",
        "views/bti_tool_mapping_views.xml",
        "views/bti_tool_conversation_views.xml",
        "views/bti_tool_concern_indicator_views.xml",
        "views/bti_tool_concern_scale_views.xml",
        "views/bti_log_entry_views.xml",
        "views/bti_case_views.xml",
        "views/bti_tools_menus.xml",
    ],
    # The action table: read by the action checks and the tests, not data.
    "oca_data_manual": ["security/action_policy.csv", "security/access_policy.csv"],
    "demo": ["demo/bti_tools_demo.xml"],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_tests": [
            "bti_tools/static/src/tours/*.js",
        ],
    },
}
