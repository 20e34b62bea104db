from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models import network_svg
from .common import ToolsCommon

MODEL = "bti.tool.network_map"
PERSON = "bti.tool.network.person"
SVG_NS = "{http://www.w3.org/2000/svg}"


@tagged("post_install", "-at_install")
class TestNetworkMap(ToolsCommon):
    """The network map: persons (a contact or a name) in sectors and rings
    of closeness, each a resource, a strain or both; drawn on the server as
    rings and sectors with readable labels; made with the family, so shown
    to them by default; frozen when final; read only by whom the policy
    says."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.family = ref("bti_tools.network_sector_family")
        cls.relatives = ref("bti_tools.network_sector_relatives")
        cls.friends = ref("bti_tools.network_sector_friends")
        cls.school_sector = ref("bti_tools.network_sector_school")
        cls.professionals = ref("bti_tools.network_sector_professionals")
        cls.leisure = ref("bti_tools.network_sector_leisure")
        cls.sectors = (
            cls.family
            | cls.relatives
            | cls.friends
            | cls.school_sector
            | cls.professionals
            | cls.leisure
        )

    def _person(self, name="Grandma Kari", sector=None, ring="1", **vals):
        values = {
            "name": name,
            "sector_id": (sector or self.relatives).id,
            "ring": ring,
        }
        values.update(vals)
        return Command.create(values)

    def _map(self, case=None, user=None, final=False, **vals):
        values = {"person_ids": [self._person()]}
        values.update(vals)
        return self._tool(MODEL, case, user, final, **values)

    def _count(self, case=None):
        case = self.case if case is None else case
        return self.env[MODEL].search_count([("case_id", "=", case.id)])

    def _person_count(self):
        return self.env[PERSON].search_count([("case_id", "=", self.case.id)])

    # ------------------------------------------------------------------
    # Persons
    # ------------------------------------------------------------------
    def test_persons_a_contact_or_a_name(self):
        mother = self.case.guardian_ids.partner_id[:1]
        network = self._map(
            center_label="Mia",
            person_ids=[
                self._person(partner_id=mother.id, name=False, sector=self.family),
                self._person("Grandma Kari", kind="both", note="Fetches on Fridays."),
                self._person("Older boys", self.friends, "3", kind="strain"),
            ],
        )
        self.assertEqual(network.author_id, self.kg_teacher)
        self.assertEqual(network.author_service_id, self.kindergarten)
        self._new_request()
        contact, grandma, boys = network.person_ids
        # With a contact, the name follows it.
        self.assertEqual(contact.name, mother.name)
        self.assertEqual(contact.partner_id, mother)
        self.assertEqual(contact.kind, "resource")
        self.assertEqual(grandma.kind, "both")
        self.assertEqual(boys.ring, "3")
        self.assertEqual(network.person_ids.case_id, self.case)
        self.assertEqual(network.person_count, 3)
        # A name typed beside a contact does not override it.
        self.env[PERSON].with_user(self.kg_teacher).create(
            {
                "map_id": network.id,
                "partner_id": mother.id,
                "name": "Someone else",
                "sector_id": self.family.id,
                "ring": "1",
            }
        )
        self.assertEqual(network.person_ids[-1:].name, mother.name)
        # The author corrects a person of the draft.
        grandma.with_user(self.kg_teacher).write({"ring": "2", "kind": "resource"})
        self.assertEqual(grandma.ring, "2")
        network.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(network.state, "final")

    def test_person_needs_sector_and_ring(self):
        before, persons_before = self._count(), self._person_count()
        for vals, message in (
            ({"sector_id": False}, "Choose the sector of Grandma Kari."),
            ({"ring": False}, "Choose how close Grandma Kari is"),
            ({"name": False}, "a name, or choose a contact"),
            ({"name": "   "}, "a name, or choose a contact"),
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as caught:
                    self._map(person_ids=[self._person(**vals)])
                self.assertIn(message, str(caught.exception))
        self.assertEqual(self._count(), before)
        self.assertEqual(self._person_count(), persons_before)
        network = self._map()
        person = network.person_ids
        Person = self.env[PERSON].with_user(self.kg_teacher)
        with self.assertRaises(ValidationError):
            Person.create({"map_id": network.id, "name": "Uncle", "ring": "2"})
        with self.assertRaises(ValidationError):
            Person.create(
                {"map_id": network.id, "name": "Uncle", "sector_id": self.family.id}
            )
        with self.assertRaises(ValidationError):
            person.with_user(self.kg_teacher).write({"sector_id": False})
        with self.assertRaises(ValidationError):
            network.with_user(self.kg_teacher).write(
                {"person_ids": [Command.update(person.id, {"ring": False})]}
            )
        self._new_request()
        self.assertEqual(network.person_ids, person)
        self.assertEqual(person.sector_id, self.relatives)
        self.assertEqual(person.ring, "1")

    def test_contact_the_author_may_not_read(self):
        # The child of another service's case: confidential to its readers.
        other = self._new_case(user=self.nurse, service=self.health)
        stranger = other.subject_partner_id
        with self.assertRaises(AccessError):
            stranger.with_user(self.kg_teacher).read(["name"])
        before, persons_before = self._count(), self._person_count()
        with self.assertRaises(AccessError) as caught:
            self._map(person_ids=[self._person(partner_id=stranger.id, name=False)])
        self.assertIn("You may not name this person", str(caught.exception))
        self.assertEqual(self._count(), before)
        self.assertEqual(self._person_count(), persons_before)
        network = self._map()
        person = network.person_ids
        with self.assertRaises(AccessError):
            person.with_user(self.kg_teacher).write({"partner_id": stranger.id})
        with self.assertRaises(AccessError):
            self.env[PERSON].with_user(self.kg_teacher).create(
                {
                    "map_id": network.id,
                    "partner_id": stranger.id,
                    "sector_id": self.family.id,
                    "ring": "1",
                }
            )
        self._new_request()
        self.assertEqual(network.person_ids, person)
        self.assertFalse(person.partner_id)
        self.assertEqual(person.name, "Grandma Kari")

    # ------------------------------------------------------------------
    # Made with the family
    # ------------------------------------------------------------------
    def test_family_visibility_by_default(self):
        network = self._map()
        self.assertEqual(network.visibility, "family")
        # The author may keep it among the services.
        kept = self._map(visibility="service")
        self.assertEqual(kept.visibility, "service")
        # While violence or abuse is suspected, nothing is shown to the family.
        case = self._new_case()
        case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self.assertEqual(self._map(case).visibility, "participants")

    def test_share_with_the_family_needs_consent(self):
        network = self._map(final=True)
        entry = network.with_user(self.kg_teacher)._bti_share("family")
        self.assertEqual(entry.visibility, "family")
        self.assertEqual(entry.tool_model, MODEL)
        self.assertEqual(entry.tool_res_id, network.id)
        self.assertEqual(network.log_entry_id, entry)
        self.assertEqual(network.visibility, "family")
        # The family reads the form itself: its print is the entry's file
        # (the portal offers the entry's files).
        self.assertEqual(len(entry.attachment_ids), 1)
        self.assertEqual(entry.attachment_ids.mimetype, "application/pdf")
        self.assertTrue(entry.attachment_ids.name.endswith(".pdf"))
        # Shared with the services only, the entry links the form and no copy.
        other = self._map(final=True)
        self.assertFalse(
            other.with_user(self.kg_teacher)._bti_share("participants").attachment_ids
        )
        # Without a consent, nothing is written in the log.
        case = self._new_case()
        unconsented = self._map(case, final=True)
        with self.assertRaises(UserError):
            unconsented.with_user(self.kg_teacher)._bti_share("family")
        self.assertFalse(unconsented.log_entry_id)
        self.assertFalse(self.env["bti.log.entry"].search([("case_id", "=", case.id)]))

    # ------------------------------------------------------------------
    # The drawing
    # ------------------------------------------------------------------
    def _svg_tree(self, svg):
        # The drawing: a box keeping its proportions, with the SVG inside.
        root = etree.fromstring(str(svg))
        drawing = root.find(f"{SVG_NS}svg")
        self.assertIsNotNone(drawing)
        return drawing

    def test_drawing_shows_every_person(self):
        names = ["Mother", "Grandma Kari", "Emma & Noah", "Coach Per", "Nurse Anne"]
        network = self._map(
            person_ids=[
                self._person(names[0], self.family, "1"),
                self._person(names[1], self.relatives, "2", kind="both"),
                self._person(names[2], self.friends, "2"),
                self._person(names[3], self.leisure, "3", kind="strain"),
                self._person(names[4], self.professionals, "3"),
            ]
        )
        self._new_request()
        svg = network.with_user(self.kg_teacher).svg
        self.assertIn("Emma &amp; Noah", svg)
        drawing = self._svg_tree(svg)
        texts = [
            text.text
            for text in drawing.iter(f"{SVG_NS}text")
            if text.get("class") != network_svg.HALO_CLASS
        ]
        for name in names:
            with self.subTest(name=name):
                self.assertIn(name, texts)
        persons = [
            circle
            for circle in drawing.iter(f"{SVG_NS}circle")
            if circle.get("class") == "o_bti_nm_person"
        ]
        # One circle a person.
        self.assertEqual(len(persons), len(names))
        # Every active sector is drawn, so that maps compare; the child is
        # "Child" unless the author names it.
        for sector in self.sectors:
            self.assertIn(sector.name, texts)
        self.assertIn("Child", texts)
        self.assertNotIn(self.case.subject_partner_id.name, svg)
        # The drawing follows the persons of a draft.
        network.with_user(self.kg_teacher).write(
            {"person_ids": [self._person("Uncle Ola", self.relatives, "3")]}
        )
        self.assertIn("Uncle Ola", network.svg)

    def test_drawing_escapes_every_text(self):
        attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        network = self._map(
            center_label="<b>Mia</b>",
            person_ids=[self._person(attack, self.family, "1")],
        )
        self.sectors[:1].sudo().name = "Family <svg onload=alert(2)>"
        svg = str(network.svg)
        self.assertNotIn("<script", svg)
        self.assertNotIn("<img", svg)
        self.assertNotIn("<b>", svg)
        self.assertNotIn("<svg onload", svg)
        self.assertIn("&lt;script&gt;", svg)
        drawing = self._svg_tree(svg)
        self.assertFalse(
            [
                node
                for node in drawing.iter()
                if isinstance(node.tag, str)
                and etree.QName(node).localname in ("script", "img", "foreignObject")
            ]
        )
        self.assertFalse([node for node in drawing.iter() if node.get("onerror")])

    def _boxes(self, drawing):
        """The estimated box of every text of the drawing (width: 0.6 font
        sizes a character), and of every dot."""
        texts, dots = [], []
        for node in drawing.iter(f"{SVG_NS}text"):
            if node.get("class") == network_svg.HALO_CLASS:
                # The white outline under a text, the same box.
                continue
            size = float(node.get("font-size"))
            width = 0.6 * size * len(node.text or "")
            x, y = float(node.get("x")), float(node.get("y"))
            anchor = node.get("text-anchor") or "start"
            x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            texts.append((node.text, (x0, y - size, x0 + width, y + 0.3 * size)))
        for node in drawing.iter(f"{SVG_NS}circle"):
            if node.get("class") in ("o_bti_nm_person", network_svg.LEGEND_DOT_CLASS):
                cx, cy, r = (float(node.get(key)) for key in ("cx", "cy", "r"))
                dots.append((cx - r, cy - r, cx + r, cy + r))
        return texts, dots

    def _assert_readable(self, svg, count):
        drawing = self._svg_tree(svg)
        _x, _y, width, height = (float(v) for v in drawing.get("viewBox").split())
        texts, dots = self._boxes(drawing)
        # The persons' dots, and the three of the legend.
        self.assertEqual(len(dots), count + 3)
        labels = [text for text in texts if text[0]]

        def overlap(one, other):
            return (
                one[0] < other[2] - 0.01
                and other[0] < one[2] - 0.01
                and one[1] < other[3] - 0.01
                and other[1] < one[3] - 0.01
            )

        for index, (text, box) in enumerate(labels):
            self.assertTrue(
                box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height,
                f"{text!r} {box} lies outside the drawing",
            )
            for other_text, other in labels[index + 1 :]:
                self.assertFalse(
                    overlap(box, other), f"{text!r} overlaps {other_text!r}"
                )
            for dot in dots:
                self.assertFalse(overlap(box, dot), f"{text!r} covers a dot")
        for dot in dots:
            self.assertTrue(dot[0] >= 0 and dot[2] <= width and dot[3] <= height)
        return labels

    def test_thirty_persons_without_overlap(self):
        sectors = self.sectors
        for long_names in (False, True):
            with self.subTest(long_names=long_names):
                persons = []
                for index in range(30):
                    if index < 12:
                        # A crowded group: twelve in one sector and ring.
                        sector, ring = self.family, "1"
                    else:
                        sector = sectors[index % len(sectors)]
                        ring = str(index % 3 + 1)
                    name = (
                        f"Person number {index:02d} Nilsen-Hansen"
                        if long_names
                        else f"Person {index:02d}"
                    )
                    persons.append(
                        self._person(
                            name,
                            sector,
                            ring,
                            kind=("resource", "strain", "both")[index % 3],
                        )
                    )
                network = self._map(person_ids=persons)
                labels = self._assert_readable(network.svg, 30)
                shown = {text for text, _box in labels}
                for person in network.person_ids:
                    self.assertIn(
                        network_svg.shorten(person.name, network_svg.MAX_LABEL_CHARS),
                        shown,
                    )

    def test_drawing_layout_in_pure_python(self):
        """The drawing without the ORM: other sector counts, an archived
        sector still used, and more persons than a map usually holds."""
        words = {
            "title": "Network map",
            "resource": "Resource",
            "strain": "Strain",
            "both": "Both",
            "rings": "Rings from the centre: 1 close · 2 important · 3 further out",
        }
        for sector_count, person_count in ((1, 10), (3, 20), (8, 30), (6, 45)):
            with self.subTest(sectors=sector_count, persons=person_count):
                sectors = [
                    {"id": i, "name": f"Sector {i}", "color": "#4e79a7"}
                    for i in range(sector_count)
                ]
                persons = [
                    {
                        "name": f"Someone {i}",
                        "sector_id": (i * 7) % sector_count,
                        "ring": i % 3 + 1,
                        "kind": "resource",
                    }
                    for i in range(person_count)
                ]
                svg = network_svg.draw(sectors, persons, "Child", words)
                self._assert_readable(svg, person_count)
        # A colour that is not one is not written into the drawing.
        svg = network_svg.draw(
            [{"id": 1, "name": "A", "color": 'red" onload="x'}], [], "Child", words
        )
        self.assertNotIn("onload", svg)

    # ------------------------------------------------------------------
    # Final, versions
    # ------------------------------------------------------------------
    def test_finalize_needs_a_person(self):
        network = self._map(person_ids=[])
        with self.assertRaises(ValidationError) as caught:
            network.with_user(self.kg_teacher).action_finalize()
        self.assertIn("at least one person", str(caught.exception))
        self.assertEqual(network.state, "draft")
        # Only the author makes it final.
        network.with_user(self.kg_teacher).write(
            {"person_ids": [self._person("Mother", self.family)]}
        )
        with self.assertRaises(AccessError):
            network.with_user(self.kg_teacher2).action_finalize()
        network.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(network.state, "final")

    def test_final_is_frozen_and_a_new_version_copies_the_persons(self):
        mother = self.case.guardian_ids.partner_id[:1]
        network = self._map(
            final=True,
            center_label="Mia",
            note="<p>Strong family.</p>",
            person_ids=[
                self._person(partner_id=mother.id, name=False, sector=self.family),
                self._person(
                    "Older boys", self.friends, "3", kind="strain", note="Bus"
                ),
            ],
        )
        persons = network.person_ids
        for vals in (
            {"center_label": "Someone"},
            {"note": "<p>Changed.</p>"},
            {"visibility": "service"},
            {"person_ids": [self._person("Added later")]},
            {"person_ids": [Command.delete(persons[0].id)]},
            {"person_ids": [Command.update(persons[1].id, {"kind": "resource"})]},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    network.with_user(self.kg_teacher).write(vals)
        with self.assertRaises(UserError):
            persons[1].with_user(self.kg_teacher).write({"ring": "1"})
        with self.assertRaises(UserError):
            persons.with_user(self.kg_teacher).unlink()
        with self.assertRaises(UserError):
            network.with_user(self.kg_teacher).unlink()
        self._new_request()
        self.assertEqual(network.person_ids, persons)
        self.assertEqual(persons[1].kind, "strain")
        self.assertEqual(network.center_label, "Mia")
        # A change is a new version, with the persons copied.
        action = network.with_user(self.kg_teacher).action_new_version()
        new = self.env[MODEL].browse(action["res_id"])
        self.assertEqual(new.previous_id, network)
        self.assertEqual(new.state, "draft")
        self.assertEqual(new.version, 2)
        self.assertEqual(new.center_label, "Mia")
        self.assertIn("Strong family", new.note)
        self.assertEqual(len(new.person_ids), 2)
        self.assertFalse(new.person_ids & persons)
        copied = {
            (p.name, p.partner_id, p.sector_id, p.ring, p.kind, p.note or "")
            for p in new.person_ids
        }
        original = {
            (p.name, p.partner_id, p.sector_id, p.ring, p.kind, p.note or "")
            for p in persons
        }
        self.assertEqual(copied, original)
        new.person_ids.filtered(lambda p: p.kind == "strain").with_user(
            self.kg_teacher
        ).write({"ring": "2"})
        new.with_user(self.kg_teacher).action_finalize()
        self._new_request()
        self.assertTrue(network.is_superseded)
        self.assertEqual(persons[1].ring, "3")

    # ------------------------------------------------------------------
    # Who reads it
    # ------------------------------------------------------------------
    def _assert_hidden(self, network, user):
        self._new_request()
        with self.assertRaises(AccessError):
            network.with_user(user).read(["center_label"])
        with self.assertRaises(AccessError):
            network.person_ids.with_user(user).read(["name"])
        self.assertFalse(
            self.env[MODEL].with_user(user).search([("id", "=", network.id)])
        )

    def test_other_services_and_outsiders_read_nothing(self):
        network = self._map(final=True)
        for user in (self.nurse, self.cws_worker):
            with self.subTest(user=user.login):
                self._assert_hidden(network, user)
                self.assertFalse(
                    self.env[PERSON]
                    .with_user(user)
                    .search([("case_id", "=", self.case.id)])
                )
                self.assertFalse(
                    self.env[PERSON]
                    .with_user(user)
                    .search([("name", "ilike", "Grandma")])
                )
                with self.assertRaises(AccessError):
                    network.with_user(user).action_print()
        self._new_request()
        for record, model in ((network, MODEL), (network.person_ids, PERSON)):
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    record.with_user(self.outsider).read(["id"])
                with self.assertRaises(AccessError):
                    self.env[model].with_user(self.outsider).search([])
        with self.assertRaises(AccessError):
            self._map(user=self.outsider)
        # The participating school reads the final map (made with the family),
        # never a draft of somebody else.
        self._new_request()
        network.with_user(self.school_teacher).read(["center_label"])
        network.person_ids.with_user(self.school_teacher).read(["name", "note"])
        self.assertIn("Grandma Kari", network.with_user(self.school_teacher).svg)
        draft = self._map()
        for user in (self.school_teacher, self.kg_teacher2, self.kg_leader):
            with self.subTest(user=user.login):
                self._assert_hidden(draft, user)
        # Kept in the service, the school no longer reads it.
        kept = self._map(final=True, visibility="service")
        self._assert_hidden(kept, self.school_teacher)

    # ------------------------------------------------------------------
    # Print
    # ------------------------------------------------------------------
    def test_print_renders_the_drawing_and_is_logged(self):
        network = self._map(
            final=True,
            note="<p>Grandma is the rock.</p>",
            person_ids=[
                self._person("Grandma Kari", note="Fetches on Fridays."),
                self._person("Older boys", self.friends, "3", kind="strain"),
            ],
        )
        Log = self.env["bti.access.log"]
        self._new_request()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher2)
            ._render_qweb_html("bti_tools.report_tool_network_map", network.ids)[0]
            .decode()
        )
        for text in (
            "<svg",
            "o_bti_nm_person",
            "Grandma Kari",
            "Fetches on Fridays.",
            "Older boys",
            "Further out",
            "Strain",
            "Grandma is the rock.",
            self.case.name,
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        self.assertNotIn("never shown to the family", html)
        prints = Log.search(
            [
                ("user_id", "=", self.kg_teacher2.id),
                ("model", "=", MODEL),
                ("action", "=", "print"),
            ]
        )
        self.assertEqual(len(prints), 1)
        self.assertEqual(prints.case_id, self.case)
        action = network.with_user(self.kg_teacher).action_print()
        self.assertEqual(action["report_name"], "bti_tools.report_tool_network_map")
        pdf, _format = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher)
            ._render_qweb_pdf("bti_tools.action_report_tool_network_map", network.ids)
        )
        self.assertTrue(pdf)

    def test_sector_is_configuration(self):
        with self.assertRaises(AccessError):
            self.env["bti.tool.network.sector"].with_user(self.kg_teacher).create(
                {"name": "Pets"}
            )
        Sector = self.env["bti.tool.network.sector"].with_user(self.bti_admin)
        pets = Sector.create({"name": "Pets", "color": "#ff9da7", "sequence": 70})
        with self.assertRaises(ValidationError):
            pets.write({"color": "red; fill: url(x)"})
        self.assertIn("Pets", self._map().svg)
        # An archived sector stays on the maps that use it.
        network = self._map(person_ids=[self._person("Dog Luna", pets, "2")])
        pets.action_archive()
        self.assertIn("Dog Luna", network.svg)
        self.assertIn("Pets", network.svg)
        self.assertNotIn("Pets", self._map().svg)
