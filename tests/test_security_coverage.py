"""Every model of a BTI addon must be protected by ACLs *and* record rules.

1. each model defined by an installed ``bti_*`` addon has at least one
   ``ir.model.access`` row;
2. for each ACL row of such a model that grants read / write / create /
   unlink, some active ``ir.rule`` on that model, with the same permission
   enabled, applies to the ACL's group: a global rule, or a rule whose groups
   contain the ACL group or a group the ACL group implies (members of a group
   are members of every group it implies).  An ACL without group grants
   everybody, so it needs a global rule.
"""

PERMS = ("read", "write", "create", "unlink")


def test_bti_models_found(bti_models, bti_modules):
    names = ", ".join(bti_modules.mapped("name"))
    assert bti_models, f"installed BTI addons {names} define no model: nothing to check"


def test_every_bti_model_has_access_rights(env, bti_models):
    Access = env["ir.model.access"].with_context(active_test=False)
    missing = [
        f"  {m.model}  (defined in {env[m.model]._original_module})"
        for m in bti_models
        if not Access.search_count([("model_id", "=", m.id)])
    ]
    assert not missing, (
        "models without any ir.model.access row "
        "(add lines to security/ir.model.access.csv):\n" + "\n".join(missing)
    )


def _rule_applies(rule, group):
    if not rule.groups:  # global rule: applies to everybody
        return True
    if not group:  # ACL for everybody needs a global rule
        return False
    return bool(rule.groups & (group | group.trans_implied_ids))


def test_every_acl_grant_has_a_record_rule(env, bti_models):
    problems = []
    for ir_model in bti_models:
        acls = env["ir.model.access"].search([("model_id", "=", ir_model.id)])
        rules = env["ir.rule"].search([("model_id", "=", ir_model.id)])
        for acl in acls:
            group = acl.group_id
            group_label = (
                f"{group.full_name} ({group.get_external_id()[group.id] or group.id})"
                if group
                else "all users (ACL without group)"
            )
            for perm in PERMS:
                if not acl[f"perm_{perm}"]:
                    continue
                if any(r[f"perm_{perm}"] and _rule_applies(r, group) for r in rules):
                    continue
                problems.append(
                    f"  model {ir_model.model}: group {group_label} may {perm} "
                    f"(ACL {acl.get_external_id()[acl.id] or acl.name}) "
                    f"but no ir.rule with perm_{perm} applies to it"
                )
    assert not problems, (
        "ACL grants without a matching record rule "
        "(add an ir.rule for the group, or a global rule):\n" + "\n".join(problems)
    )
