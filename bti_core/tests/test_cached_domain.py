"""The policy flags answered from the cache (``models/cached_domain.py``):
the same records as Odoo's own ``filtered_domain`` for every leaf it answers,
and no answer (the ORM decides) for a leaf it cannot answer exactly."""

from odoo.tests import tagged

from ..models.cached_domain import cached_match
from .common import BtiCommon


@tagged("post_install", "-at_install")
class TestCachedDomain(BtiCommon):
    def setUp(self):
        super().setUp()
        self.cases = (
            self._new_case()
            | self._new_case()
            | self._new_case(service=self.school, user=self.school_teacher)
        )
        self.cases.fetch(["state", "service_id", "violence_suspicion", "guardian_ids"])

    def test_answers_as_odoo_does(self):
        first = self.cases[0]
        domains = [
            [("id", "in", first.ids)],
            [("id", "not in", first.ids)],
            [("state", "=", first.state)],
            [("state", "!=", first.state)],
            [("service_id", "=", self.school.id)],
            [("service_id", "!=", self.school.id)],
            [("service_id", "in", [self.kindergarten.id, False])],
            [("service_id", "=", False)],
            [("violence_suspicion", "=", False)],
            [("violence_suspicion", "=", True)],
            ["|", ("id", "in", first.ids), ("service_id", "=", self.school.id)],
            ["!", ("service_id", "=", self.school.id)],
            [(1, "=", 1)],
            [(0, "=", 1)],
        ]
        for domain in domains:
            with self.subTest(domain=domain):
                self.assertEqual(
                    cached_match(self.cases, domain), self.cases.filtered_domain(domain)
                )

    def test_leaves_it_cannot_answer_exactly_go_to_the_orm(self):
        for domain in (
            [("id", "in", [str(self.cases[0].id)])],  # an id as a string
            [("service_id", "=", True)],  # True is no id
            [("guardian_ids", "=", False)],  # "empty" for a Many2many
            [("name", "=", self.cases[0].name)],  # a Char
            [("create_date", "!=", "2020-01-01")],  # a date as a string
            [("service_id.name", "=", "x")],  # a path
            [("state", "ilike", "x")],  # another operator
            [("service_id", "=", [1, 2])],  # a list for "="
        ):
            with self.subTest(domain=domain):
                self.assertIsNone(cached_match(self.cases, domain))

    def test_a_value_not_in_the_cache_goes_to_the_orm(self):
        self.cases.invalidate_recordset(["service_id"])
        self.assertIsNone(cached_match(self.cases, [("service_id", "=", False)]))
