/**
 * On a phone (390 px wide): a kindergarten leader opens BTI, opens the case of
 * Noah from the kanban, reads the guardians as cards and reaches the handover
 * of the baton without hunting in the cog menu.
 *
 * Run by bti_core/tests/test_mobile.py as the demo user kari.
 */
import { registry } from "@web/core/registry";

const CASE_FORM = ".o_action_manager .o_form_view";

registry.category("web_tour.tours").add("bti_mobile_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the menu of the phone",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Show all apps",
            trigger: ".o_app_menu_sidebar .o_sidebar_topbar a.btn-primary",
            run: "click",
        },
        {
            content: "Open the BTI app",
            trigger: '.o_app_menu_sidebar .o_app[data-menu-xmlid="bti_core.menu_bti_root"]',
            run: "click",
        },
        {
            content: "Open the case of Noah from the kanban",
            trigger: ".o_kanban_view .o_kanban_record:contains(Noah Karlsen)",
            run: "click",
        },
        {
            content: "The child's name is in the title",
            trigger: `${CASE_FORM} .oe_title .o_field_widget[name=subject_partner_id]:contains(Noah Karlsen)`,
        },
        {
            content: "The header's buttons are folded away on a phone",
            trigger: `${CASE_FORM}:not(:has(.o_statusbar_buttons))`,
        },
        {
            content: "Open the guardians",
            trigger: `${CASE_FORM} .o_notebook a.nav-link[name=guardians]`,
            run: "click",
        },
        {
            content: "The guardians are cards, not a cut table",
            trigger: `${CASE_FORM} .o_field_widget[name=guardian_ids]:not(:has(table)) .o_bti_guardian_cards .o_kanban_record:contains(Linn Karlsen)`,
        },
        {
            content: "Open the participants",
            trigger: `${CASE_FORM} .o_notebook a.nav-link[name=participants]`,
            run: "click",
        },
        {
            content: "The participants are cards",
            trigger: `${CASE_FORM} .o_field_widget[name=participant_ids] .o_bti_participant_cards .o_kanban_record`,
        },
        {
            content: "The handover is in sight, not in the cog menu",
            trigger: `${CASE_FORM} .o_bti_mobile_actions button[name=action_open_handover]`,
            run: "click",
        },
        {
            content: "The handover dialog opens",
            trigger: ".modal .o_form_view .o_field_widget[name=note]",
        },
        {
            content: "Cancel the handover",
            trigger: ".modal button[special=cancel]",
            run: "click",
        },
        {
            content: "The dialog is closed, the case still shown",
            trigger: `body:not(:has(.modal)) ${CASE_FORM} .oe_title:contains(Noah Karlsen)`,
        },
    ],
});
