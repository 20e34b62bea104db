/**
 * Level 0 with the tools: a kindergarten teacher writes a wonder note without
 * a case; making it final opens the case at level 0 with its decision
 * deadline. From the case's "What to do now" panel she fills a concern scale,
 * records the necessary conversation with the parents, ticks the card's tasks
 * and decides level 1.
 *
 * Run by bti_tools/tests/test_tour.py, which checks the result in the database.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const CHILD = "Tour Child Liv";

function makeFinal(what) {
    return [
        {
            content: `Make the ${what} final`,
            trigger: ".o_form_statusbar button[name=action_finalize]",
            run: "click",
        },
        {
            content: "Confirm: a final form is never changed",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
    ];
}

function backToTheCase() {
    return [
        {
            content: "The form is final",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=state] button[aria-checked=true]:contains(Final)",
        },
        {
            content: "Back to the case",
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            content: "The case form with its panel",
            trigger: ".o_form_view div[name=bti_guide_panel]",
        },
    ];
}

function startTool(name) {
    return {
        content: `Start the tool "${name}" from the panel`,
        trigger: `div[name=bti_guide_tools] .o_data_row:contains(${name}) button[name=action_start]`,
        run: "click",
    };
}

registry.category("web_tour.tours").add("bti_tools_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the BTI app",
            trigger: '.o_app[data-menu-xmlid="bti_core.menu_bti_root"]',
            run: "click",
        },
        {
            content: "Open the tools menu",
            trigger: '.o_main_navbar [data-menu-xmlid="bti_tools.menu_bti_tools"]',
            run: "click",
        },
        {
            content: "Write a wonder note",
            trigger: '.dropdown-item[data-menu-xmlid="bti_tools.menu_bti_tool_wonder_note_new"]',
            run: "click",
        },
        {
            content: "The violence exception is stated",
            trigger: ".o_form_view .alert-danger:contains(child welfare service)",
        },
        {
            content: "A child not yet in BTI",
            trigger: ".o_form_view .o_field_widget[name=child_name] input",
            run: `edit ${CHILD}`,
        },
        {
            content: "Focus what was seen",
            trigger: ".o_form_view .o_field_widget[name=seen_heard] .odoo-editor-editable",
            run: "click",
        },
        {
            content: "Write what was seen and heard",
            trigger: ".o_form_view .o_field_widget[name=seen_heard] .odoo-editor-editable",
            run: "editor Liv has cried at every drop-off for two weeks and eats little.",
        },
        ...stepUtils.saveForm(),
        ...makeFinal("wonder note"),
        {
            content: "The case opens at level 0",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=level_id]:contains(0)",
        },
        {
            content: "with its decision deadline",
            trigger: ".o_form_view .o_field_widget[name=decision_deadline] input",
        },
        {
            content: "The guide card of the step, with the violence exception",
            trigger: ".o_form_view div[name=bti_guide_panel] .alert-danger",
        },
        // The concern scale.
        startTool("Concern scale"),
        {
            content: "The scale of the child",
            trigger: ".o_form_view .o_field_widget[name=kind] input[data-value=child]",
            run: "check",
        },
        {
            content: "Add an indicator",
            trigger: ".o_form_view .o_field_widget[name=indicator_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Pick a step-2 indicator",
            trigger: ".modal .o_list_view .o_data_row:has(td[name=step]:contains(2)) td[name=name]",
            run: "click",
        },
        {
            content: "The indicator is on the scale",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=indicator_ids] .o_data_row",
        },
        ...stepUtils.saveForm(),
        ...makeFinal("concern scale"),
        ...backToTheCase(),
        {
            content: "The card counts the scale on the case, and opens it",
            trigger:
                "div[name=bti_guide_tools] .o_data_row:contains(Concern scale) button[name=action_open_for_case]",
        },
        // Shared with the leader: on to the step "Share".
        {
            content: "Move the case to the step Share",
            trigger: ".o_form_view .o_field_widget[name=step_id] button:contains(Share)",
            run: "click",
        },
        {
            content: "The panel shows the card of the step Share",
            trigger: "div[name=bti_guide_panel] h3:contains(Share)",
        },
        // The necessary conversation with the parents.
        startTool("The necessary conversation"),
        {
            content: "Why we talk",
            trigger: ".o_form_view .o_field_widget[name=purpose] textarea",
            run: "edit Share what we see at drop-off and hear how Liv is at home.",
        },
        {
            content: "Open the page After",
            trigger: ".o_form_view .o_notebook a:contains(After)",
            run: "click",
        },
        {
            content: "Focus the agreements",
            trigger: ".o_form_view .o_field_widget[name=agreements] .odoo-editor-editable",
            run: "click",
        },
        {
            content: "Write what was agreed",
            trigger: ".o_form_view .o_field_widget[name=agreements] .odoo-editor-editable",
            run: "editor A familiar adult meets Liv every morning; we talk again in two weeks.",
        },
        ...stepUtils.saveForm(),
        ...makeFinal("conversation"),
        ...backToTheCase(),
        // The card's checklist.
        {
            content: "Tick the first task of the card",
            trigger: "div[name=bti_guide_checklist] .o_data_row:first button[name=action_tick]",
            run: "click",
        },
        {
            content: "The task is ticked",
            trigger: "div[name=bti_guide_checklist] .o_data_row:first button[name=action_untick]",
        },
        {
            content: "Tick the next task",
            trigger: "div[name=bti_guide_checklist] .o_data_row:eq(1) button[name=action_tick]",
            run: "click",
        },
        {
            content: "Both are ticked",
            trigger: "div[name=bti_guide_checklist] .o_data_row:eq(1) button[name=action_untick]",
        },
        // The decision.
        {
            content: "Take the decision",
            trigger: ".o_form_statusbar button[name=action_open_decision]:contains(Decide)",
            run: "click",
        },
        {
            content: "Level 1: measures in the kindergarten",
            trigger: ".modal .o_field_widget[name=decision] input[data-value=level_1]",
            run: "check",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Shared with the parents; measures at drop-off.",
        },
        {
            content: "Confirm the decision",
            trigger: ".modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The case is at level 1",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=level_id]:contains(1)",
        },
    ],
});
