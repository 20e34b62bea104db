"""18.0.1.1.0: the report to child welfare and the transition form.

The action guides are ``noupdate`` data (municipalities edit them), so an
update does not bring the new tools onto the default cards. Link them to the
cards that still exist; a card a municipality changed keeps its own tools and
gets the new one added, nothing removed.
"""

from odoo import SUPERUSER_ID, Command, api

NEW_TOOLS = {
    "card_ks_0_4": "tool_type_child_welfare_report",
    "card_help_0_4": "tool_type_child_welfare_report",
    "card_adult_0_4": "tool_type_child_welfare_report",
    "card_ks_1_5": "tool_type_transition",
    "card_ks_2_5": "tool_type_transition",
    "card_ks_3_5": "tool_type_transition",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for card_id, tool_id in NEW_TOOLS.items():
        card = env.ref(f"bti_tools.{card_id}", raise_if_not_found=False)
        tool = env.ref(f"bti_tools.{tool_id}", raise_if_not_found=False)
        if card and tool:
            card.tool_type_ids = [Command.link(tool.id)]
