"""Shared fixtures for the cross-addon tests run by pytest-odoo.

Run through ``setup/test``, or by hand against a database that has the BTI
addons installed::

    .venv/bin/python -m pytest tests --odoo-database=bti_demo \
        --odoo-config=.cache/odoo.conf

pytest-odoo parses the Odoo configuration and loads the registry of the
database once per session; these fixtures give each test a superuser
environment on its own cursor, rolled back afterwards.
"""

import pytest

import odoo
from odoo import SUPERUSER_ID, api

BTI_PREFIX = "bti_"


@pytest.fixture(scope="session")
def registry():
    db_name = odoo.tools.config["db_name"]
    if not db_name:
        pytest.fail("no database: run with --odoo-database=<db> (pytest-odoo)")
    return odoo.modules.registry.Registry(db_name)


@pytest.fixture
def env(registry):
    """Superuser environment; everything it does is rolled back."""
    with registry.cursor() as cr:
        try:
            yield api.Environment(cr, SUPERUSER_ID, {})
        finally:
            cr.rollback()


@pytest.fixture
def bti_modules(env):
    """Installed addons of this suite (technical name starts with ``bti_``)."""
    modules = env["ir.module.module"].search(
        [
            ("state", "=", "installed"),
            ("name", "=like", BTI_PREFIX.replace("_", r"\_") + "%"),
        ]
    )
    assert modules, "no installed addon named bti_*: the test database is wrong"
    return modules


@pytest.fixture
def bti_models(env, bti_modules):
    """ir.model records of the regular (stored, non-abstract, non-transient)
    models *defined* by a BTI addon (not models they only extend)."""
    names = set(bti_modules.mapped("name"))
    result = env["ir.model"]
    for ir_model in env["ir.model"].search([("transient", "=", False)]):
        model = env.registry.models.get(ir_model.model)
        if model is None or model._abstract or model._transient:
            continue
        if model._original_module in names:
            result |= ir_model
    return result
