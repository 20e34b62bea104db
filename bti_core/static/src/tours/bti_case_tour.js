/**
 * A kindergarten teacher records a wondering about a child, decides level 1
 * and so becomes the stafettholder of the case.
 *
 * Run by bti_core/tests/test_tour.py, which creates the teacher
 * ("Kari Kindergarten") and checks the result in the database.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const CHILD = "Tour Child Nora";
const WONDERING = "Nora withdraws from play and sits alone at lunch every day.";
const TEACHER = "Kari Kindergarten";

registry.category("web_tour.tours").add("bti_case_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the BTI app",
            trigger: '.o_app[data-menu-xmlid="bti_core.menu_bti_root"]',
            run: "click",
        },
        {
            content: "Open the cases",
            trigger: '.o_main_navbar [data-menu-xmlid="bti_core.menu_bti_case"]',
            run: "click",
        },
        {
            content: "Record a new wondering",
            trigger: ".o_control_panel_main_buttons .o-kanban-button-new",
            run: "click",
        },
        {
            content: "Type the name of the child",
            trigger: ".o_form_view .o_field_widget[name=subject_partner_id] input",
            run: `edit ${CHILD}`,
        },
        {
            content: "Create the child as a new person",
            trigger: ".o_field_widget[name=subject_partner_id] .o_m2o_dropdown_option_create a",
            run: "click",
        },
        {
            content: "The child is set",
            trigger: `.o_field_widget[name=subject_partner_id] input:value(${CHILD})`,
        },
        {
            content: "Focus the description of the wondering",
            trigger: ".o_field_widget[name=wondering] .odoo-editor-editable",
            run: "click",
        },
        {
            content: "Describe what was observed",
            trigger: ".o_field_widget[name=wondering] .odoo-editor-editable",
            run: `editor ${WONDERING}`,
        },
        ...stepUtils.saveForm(),
        {
            content: "The case got its reference",
            trigger: ".o_form_view .oe_title .o_field_widget[name=name]:contains(BTI-)",
        },
        {
            content: "Take the decision",
            trigger: ".o_form_statusbar button[name=action_open_decision]:contains(Decide)",
            run: "click",
        },
        {
            content: "Choose level 1: measures inside my service",
            trigger: ".modal .o_field_widget[name=decision] input[data-value=level_1]",
            run: "check",
        },
        {
            content: "Give the reasons",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Shared with the parents; we start measures in the group.",
        },
        {
            content: "Confirm the decision",
            trigger: ".modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The dialog is closed and the case is active",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=state]:contains(Active)",
        },
        {
            content: "The teacher is the stafettholder",
            trigger: `.o_form_view .o_field_widget[name=holder_id]:contains(${TEACHER})`,
        },
        {
            content: "The case is at level 1",
            trigger: ".o_form_view .o_field_widget[name=level_id]:contains(Measures inside one service)",
        },
    ],
});
