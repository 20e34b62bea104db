"""18.0.1.2.0: access by consent dates at query time.

``bti.case.participant.access_granted`` is no longer stored (the policy
compares the consent dates with the municipality's date when it is asked):
drop the stale column, whose values would only mislead a reader of the
database. Consents whose end is near get their reminder from the daily job.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE bti_case_participant DROP COLUMN IF EXISTS access_granted")
    # The consent job moves the baton of a holder whose consent ended: hourly,
    # so that the stafettholder can open the case again within the hour.
    cr.execute(
        """UPDATE ir_cron SET interval_number = 1, interval_type = 'hours'
            WHERE id IN (SELECT res_id FROM ir_model_data
                          WHERE module = 'bti_core'
                            AND name = 'ir_cron_bti_consent_expire')"""
    )
