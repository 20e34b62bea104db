/**
 * The kindergarten teacher who holds the baton of a case with consent writes a
 * positive note (lysglimt) in the stafettlogg from the case form, publishes it,
 * and finds it in the log of the case.
 *
 * Run by bti_stafettlogg/tests/test_tour.py, which builds the case and checks
 * the entry in the database.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const CHILD = "Tour Child Emil";
const SUBJECT = "Emil played with two friends";
const BODY = "Emil built a hut with Sofie and Jonas and talked with them all morning.";

registry.category("web_tour.tours").add("bti_stafettlogg_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the BTI app",
            trigger: '.o_app[data-menu-xmlid="bti_core.menu_bti_root"]',
            run: "click",
        },
        {
            content: "Open the cases whose baton I hold",
            trigger: '.o_main_navbar [data-menu-xmlid="bti_core.menu_bti_case_my_baton"]',
            run: "click",
        },
        {
            content: "Open the case of the child",
            trigger: `.o_list_view .o_data_row td[name=subject_partner_id]:contains(${CHILD})`,
            run: "click",
        },
        {
            content: "The stafettholder sees her duties",
            trigger: ".o_form_view button[name=action_bti_summon_meeting]:contains(Summon meeting)",
        },
        {
            content: "Write in the log",
            trigger: ".o_form_view button[name=action_bti_keep_log]:contains(Write in the log)",
            run: "click",
        },
        {
            content: "A new draft of the case opens",
            trigger: ".o_form_view .o_field_widget[name=state] button[aria-checked=true]:contains(Draft)",
        },
        {
            content: "It is a positive note",
            trigger: ".o_form_view .o_field_widget[name=kind] select",
            run: 'select "lysglimt"',
        },
        {
            content: "Give it a subject",
            trigger: ".o_form_view .o_field_widget[name=subject] input",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "Focus the text of the entry",
            trigger: ".o_form_view .o_field_widget[name=body] .odoo-editor-editable",
            run: "click",
        },
        {
            content: "Write what happened",
            trigger: ".o_form_view .o_field_widget[name=body] .odoo-editor-editable",
            run: `editor ${BODY}`,
        },
        ...stepUtils.saveForm(),
        {
            content: "Publish the entry",
            trigger: ".o_form_statusbar button[name=action_publish]",
            run: "click",
        },
        {
            content: "Confirm: a published entry is never changed",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The entry is published",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=state] button[aria-checked=true]:contains(Published)",
        },
        {
            content: "A published entry can only be corrected",
            trigger: ".o_form_statusbar button[name=action_correct]",
        },
        {
            content: "Back to the case",
            trigger: ".o_breadcrumb .o_back_button a",
            run: "click",
        },
        {
            content: "The entry is in the stafettlogg of the case",
            trigger: `.o_form_view .o_field_widget[name=log_entry_ids] .o_data_row:contains(${SUBJECT})`,
        },
        {
            content: "The log counts it",
            trigger: ".o_form_view button[name=action_view_log] .o_stat_value:contains(1)",
        },
    ],
});
