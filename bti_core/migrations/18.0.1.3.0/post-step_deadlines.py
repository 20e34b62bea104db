"""18.0.1.3.0: the default steps get deadlines.

The levels and steps are ``noupdate`` data (municipalities rename and reorder
them), so an update does not bring the new ``deadline_days`` of
``data/bti_level_data.xml``. Give them to the default steps that still have
none (0); a deadline a municipality set is kept.
"""

DEADLINES = {
    "step_0_1": 3,
    "step_0_2": 4,
    "step_0_3": 7,
    "step_0_4": 14,
    "step_1_1": 14,
    "step_1_2": 14,
    "step_1_3": 60,
    "step_1_4": 14,
    "step_1_5": 7,
    "step_2_1": 14,
    "step_2_2": 21,
    "step_2_3": 60,
    "step_2_4": 14,
    "step_2_5": 7,
    "step_3_1": 14,
    "step_3_2": 21,
    "step_3_3": 90,
    "step_3_4": 14,
    "step_3_5": 7,
}


def migrate(cr, version):
    if not version:
        return
    for xml_id, days in DEADLINES.items():
        cr.execute(
            """
            UPDATE bti_level_step step
               SET deadline_days = %s
              FROM ir_model_data data
             WHERE data.module = 'bti_core'
               AND data.name = %s
               AND data.model = 'bti.level.step'
               AND data.res_id = step.id
               AND COALESCE(step.deadline_days, 0) = 0
            """,
            (days, xml_id),
        )
