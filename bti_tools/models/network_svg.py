"""The network map drawn as SVG on the server: the same picture in the form
and in the PDF.

The child in the centre; around it three rings of closeness (close,
important, further out); the circle cut into equal sectors (family,
relatives, friends …) with their names outside; each person a dot in its
sector and ring, coloured (and marked, for whoever does not see colours) by
whether the person is a resource, a strain or both, with the name beside it.

Labels never overlap: the dots of one sector and ring are spread along its
arc (in more rows when the arc is crowded), and each label takes the free
place nearest to its dot (a thin line leads to it when it had to move away),
a little smaller when its group is crowded. The width of a text is estimated
as ``CHAR_WIDTH`` font sizes a character, the height as ``LINE_HEIGHT``.

Plain Python, no Odoo: the model passes plain values and the words already
translated; every text is escaped here.
"""

import functools
import math
import re
from xml.sax.saxutils import escape, quoteattr

WIDTH = 760
HEIGHT = 650
CX, CY = 380, 300
R_CENTER = 46
# The outer radius of ring 1 (close), 2 (important) and 3 (further out).
RING_RADII = (112, 178, 244)
DOT_R = 6
# What a label keeps clear around any dot.
DOT_AIR = 6
# Centre to centre of two dots on one arc.
DOT_GAP = 2 * DOT_R + 4
CHAR_WIDTH = 0.6
LINE_HEIGHT = 1.3
# Text boxes keep this much air around them.
PAD = 2
FONT_CENTER = 14
FONT_SECTOR = 13
FONT_LEGEND = 11
FONT_RING = 9
# The fonts of a name, largest first, and how far from its dot it may go in
# each (see _candidates); a crowded group starts smaller.
LABEL_TRIES = ((12, 90), (11, 170), (10, 260), (9, 760))
CROWDED_TRIES = ((11, 170), (10, 260), (9, 760))
CROWDED = 6
# What a font size smaller costs a label, in distance from its dot.
FONT_PENALTY = 4
MAX_LABEL_CHARS = 30
MAX_SECTOR_CHARS = 24
LEGEND_TOP = 592
OVERFLOW_LINE = 16
# The white outline under a text (not a text of its own).
HALO_CLASS = "o_bti_nm_halo"
LEGEND_DOT_CLASS = "o_bti_nm_legend_dot"

KIND_COLORS = {"resource": "#2e7d32", "strain": "#c62828", "both": "#c77c02"}
DEFAULT_SECTOR_COLOR = "#9e9e9e"
FONT_FAMILY = "'DejaVu Sans Condensed', 'Arial Narrow', Arial, Helvetica, sans-serif"
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def text_width(text, font_size):
    """The estimated width of ``text`` in ``font_size``."""
    return CHAR_WIDTH * font_size * len(text)


def shorten(text, limit):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_color(color):
    return color if color and _COLOR_RE.match(color) else DEFAULT_SECTOR_COLOR


def _fmt(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _overlaps(one, other):
    return (
        one[0] < other[2]
        and other[0] < one[2]
        and one[1] < other[3]
        and other[1] < one[3]
    )


def _point(angle, radius):
    return CX + radius * math.cos(angle), CY + radius * math.sin(angle)


class _Placer:
    """The boxes already taken on the drawing."""

    def __init__(self, bounds):
        self.bounds = bounds
        self.boxes = []

    def free(self, box, own=None):
        """Whether ``box`` is inside the drawing and clear of everything
        taken; ``own``: (the air around the label's own dot, the dot): the
        label may come close to its own dot, never onto it."""
        x0, y0, x1, y1 = self.bounds
        if box[0] < x0 or box[1] < y0 or box[2] > x1 or box[3] > y1:
            return False
        if own:
            air, dot = own
            if _overlaps(box, dot):
                return False
            return not any(
                _overlaps(box, taken) for taken in self.boxes if taken is not air
            )
        return not any(_overlaps(box, taken) for taken in self.boxes)

    def take(self, box):
        self.boxes.append(box)


class _Label:
    """A text line: where its box is, in which font and anchor."""

    def __init__(self, text, font_size, x0, top, anchor="start"):
        self.text = text
        self.font_size = font_size
        self.width = text_width(text, font_size)
        self.height = LINE_HEIGHT * font_size
        self.x0 = x0
        self.top = top
        self.anchor = anchor

    @property
    def box(self):
        """The text's box, with air around it."""
        return (
            self.x0 - PAD,
            self.top - PAD / 2,
            self.x0 + self.width + PAD,
            self.top + self.height + PAD / 2,
        )

    @property
    def x(self):
        if self.anchor == "end":
            return self.x0 + self.width
        if self.anchor == "middle":
            return self.x0 + self.width / 2
        return self.x0

    @property
    def baseline(self):
        return self.top + self.font_size

    def nearest(self, px, py):
        """The point of the box nearest to (px, py)."""
        return (
            min(max(px, self.x0), self.x0 + self.width),
            min(max(py, self.top), self.top + self.height),
        )

    def svg(self, css_class, weight=None, fill="#212121", background=True):
        """The text; with a ``background``, over a white halo of itself that
        keeps it readable across the lines of the drawing (the same text
        drawn with a broad white stroke: it follows the letters, whatever
        their real width)."""
        attrs = (
            f'x="{_fmt(self.x)}" y="{_fmt(self.baseline)}" '
            f'font-size="{self.font_size}" text-anchor="{self.anchor}"'
        )
        if weight:
            attrs += f' font-weight="{weight}"'
        text = escape(self.text)
        halo = (
            f'<text class="{HALO_CLASS}" {attrs} fill="#ffffff" stroke="#ffffff" '
            f'stroke-width="3.5" stroke-linejoin="round">{text}</text>'
            if background
            else ""
        )
        return f'{halo}<text class="{css_class}" {attrs} fill="{fill}">{text}</text>'


# Directions a label is looked for in, around its dot.
_DIRECTIONS = [k * math.pi / 8 for k in range(16)]


def _label_at(text, font_size, ax, ay, cos_a, sin_a):
    """The label attached to the anchor point (ax, ay), on the side the
    direction (cos_a, sin_a) points to."""
    width = text_width(text, font_size)
    height = LINE_HEIGHT * font_size
    if cos_a > 0.38:
        x0, anchor = ax, "start"
    elif cos_a < -0.38:
        x0, anchor = ax - width, "end"
    else:
        x0, anchor = ax - width / 2, "middle"
    if sin_a > 0.38:
        top = ay
    elif sin_a < -0.38:
        top = ay - height
    else:
        top = ay - height / 2
    return _Label(text, font_size, x0, top, anchor)


@functools.lru_cache(maxsize=32)
def _candidates(tries, side, start):
    """Where to look for a label, best first: ``(font size, distance, cos,
    sin)`` of the direction from the point. ``tries``: the fonts, largest
    first, each with how far from the point it may go. Beside the point on
    the side ``side`` (an angle) is best; a smaller font costs as much as a
    little more distance, so that a long name at the edge of the drawing
    shrinks a size rather than wander off to where it seems to name another
    dot."""
    largest = tries[0][0]
    candidates = []
    for font_size, reach in tries:
        penalty = FONT_PENALTY * (largest - font_size)
        distance = start
        while distance <= reach:
            for angle in _DIRECTIONS:
                score = distance + penalty + 8 * (1 - math.cos(angle - side))
                candidates.append((score, -font_size, distance, angle))
            distance += 5
    candidates.sort()
    return tuple(
        (-font_size, distance, math.cos(angle), math.sin(angle))
        for _score, font_size, distance, angle in candidates
    )


def _place_near(placer, text, tries, px, py, side, start, own=None):
    """The free label nearest to the point (px, py) (see
    :func:`_candidates`): None if there is no room."""
    for font_size, distance, cos_a, sin_a in _candidates(tries, side, start):
        label = _label_at(
            text,
            font_size,
            px + distance * cos_a,
            py + distance * sin_a,
            cos_a,
            sin_a,
        )
        if placer.free(label.box, own):
            return label
    return None


def _row_capacity(radius, span):
    pad = (DOT_R + 7) / radius
    arc = max(0.0, span - 2 * pad) * radius
    return int(arc // DOT_GAP) + 1


def _dot_positions(count, start, end, inner, outer):
    """``count`` places in the band of a sector between the radii ``inner``
    and ``outer``: spread along the arc, in more rows when one is too full;
    ordered clockwise."""
    low, high = inner + DOT_R + 5, outer - DOT_R - 5
    max_rows = max(1, int((high - low) // (2 * DOT_R + 3)) + 1)
    span = end - start
    for rows in range(1, max_rows + 1):
        if rows == 1:
            radii = [(low + high) / 2]
        else:
            radii = [low + (high - low) * j / (rows - 1) for j in range(rows)]
        capacities = [_row_capacity(r, span) for r in radii]
        if sum(capacities) >= count:
            break
    counts = [0] * len(radii)
    for _index in range(count):
        # The row least full, the outer one (the longer arc) first.
        row = min(
            range(len(radii)),
            key=lambda j: (counts[j] / capacities[j], -radii[j]),
        )
        counts[row] += 1
    places = []
    for radius, row_count in zip(radii, counts, strict=True):
        if not row_count:
            continue
        pad = min((DOT_R + 7) / radius, span / 4)
        first, last = start + pad, end - pad
        step = (last - first) / row_count
        for index in range(row_count):
            places.append((first + (index + 0.5) * step, radius))
    places.sort()
    return places


def _annulus_sector(start, end, inner, outer):
    x1, y1 = _point(start, outer)
    x2, y2 = _point(end, outer)
    x3, y3 = _point(end, inner)
    x4, y4 = _point(start, inner)
    large = 1 if end - start > math.pi else 0
    return (
        f"M {_fmt(x1)} {_fmt(y1)} A {outer} {outer} 0 {large} 1 {_fmt(x2)} {_fmt(y2)} "
        f"L {_fmt(x3)} {_fmt(y3)} A {inner} {inner} 0 {large} 0 {_fmt(x4)} {_fmt(y4)} Z"
    )


def _symbol(kind, x, y, radius, css_class="o_bti_nm_person"):
    """The dot of a person: a filled circle with a white + (resource), − (strain)
    or ± (both) inside."""
    color = KIND_COLORS.get(kind, KIND_COLORS["resource"])
    arm = radius * 0.55
    lines = []
    if kind == "both":
        lines.append((x - arm, y - arm * 0.45, x + arm, y - arm * 0.45))
        lines.append((x, y - arm * 1.1, x, y + arm * 0.2))
        lines.append((x - arm, y + arm * 0.75, x + arm, y + arm * 0.75))
    else:
        lines.append((x - arm, y, x + arm, y))
        if kind != "strain":
            lines.append((x, y - arm, x, y + arm))
    strokes = "".join(
        f'<line x1="{_fmt(a)}" y1="{_fmt(b)}" x2="{_fmt(c)}" y2="{_fmt(d)}" '
        'stroke="#ffffff" stroke-width="1.6" stroke-linecap="round"></line>'
        for a, b, c, d in lines
    )
    return (
        f'<circle class="{css_class}" cx="{_fmt(x)}" cy="{_fmt(y)}" '
        f'r="{radius}" fill="{color}" stroke="#ffffff" stroke-width="1"></circle>'
        f"{strokes}"
    )


class _Drawing:
    """One drawing being made: what is drawn in which layer, and the room
    taken on it."""

    def __init__(self, sectors, words):
        self.sectors = sectors
        self.words = words
        self.placer = _Placer((PAD, PAD, WIDTH - PAD, HEIGHT - PAD))
        self.height = HEIGHT
        self.background, self.lines, self.dots, self.labels = [], [], [], []
        # Sectors: equal parts, the first one centred at the top.
        self.span = 2 * math.pi / (len(sectors) or 1)
        self.origin = -math.pi / 2 - self.span / 2
        self.angles = {
            sector["id"]: (
                self.origin + index * self.span,
                self.origin + (index + 1) * self.span,
            )
            for index, sector in enumerate(sectors)
        }

    def circle(self):
        outer = RING_RADII[-1]
        for sector in self.sectors:
            start, end = self.angles[sector["id"]]
            color = safe_color(sector.get("color"))
            if len(self.sectors) == 1:
                tag, shape = "circle", f'cx="{CX}" cy="{CY}" r="{outer}"'
            else:
                tag = "path"
                shape = f'd="{_annulus_sector(start, end, R_CENTER, outer)}"'
            self.background.append(
                f'<{tag} {shape} fill="{color}" fill-opacity="0.12"></{tag}>'
            )
        for radius in RING_RADII:
            self.background.append(
                f'<circle class="o_bti_nm_ring" cx="{CX}" cy="{CY}" r="{radius}" '
                'fill="none" stroke="#9e9e9e" stroke-width="1.2"></circle>'
            )
        if len(self.sectors) > 1:
            for start, _end in self.angles.values():
                x1, y1 = _point(start, R_CENTER)
                x2, y2 = _point(start, outer)
                self.background.append(
                    f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" '
                    f'y2="{_fmt(y2)}" stroke="#bdbdbd" stroke-width="1"></line>'
                )
        self.background.append(
            f'<circle class="o_bti_nm_center" cx="{CX}" cy="{CY}" r="{R_CENTER}" '
            'fill="#ffffff" stroke="#616161" stroke-width="1.5"></circle>'
        )
        # The ring numbers, on the first sector's edge (the dots keep off it).
        inner = R_CENTER
        for number, radius in enumerate(RING_RADII, start=1):
            x, y = _point(self.origin, (inner + radius) / 2)
            self._fixed(str(number), FONT_RING, x, y, "o_bti_nm_ring_label", True)
            inner = radius

    def _fixed(self, text, font_size, x, y, css_class, background=False, **kw):
        """A label centred on (x, y), whose room is taken whatever is there."""
        width = text_width(text, font_size)
        label = _Label(
            text,
            font_size,
            x - width / 2,
            y - LINE_HEIGHT * font_size / 2,
            "middle",
        )
        self.placer.take(label.box)
        self.labels.append(label.svg(css_class, background=background, **kw))

    def center(self, center_label):
        text = " ".join((center_label or "").split())
        size = FONT_CENTER
        while size > 9 and text_width(text, size) > 2 * R_CENTER - 10:
            size -= 1
        text = shorten(text, int((2 * R_CENTER - 10) / (CHAR_WIDTH * size)))
        self._fixed(text, size, CX, CY, "o_bti_nm_center_label", weight="bold")

    def legend(self):
        items = [
            (kind, shorten(self.words[kind], MAX_SECTOR_CHARS))
            for kind in ("resource", "strain", "both")
        ]
        gap, symbol = 26, 2 * DOT_R + 6
        total = sum(symbol + text_width(t, FONT_LEGEND) for _k, t in items)
        total += gap * (len(items) - 1)
        x = (WIDTH - total) / 2
        top = LEGEND_TOP
        for kind, word in items:
            y = top + LINE_HEIGHT * FONT_LEGEND / 2
            self.dots.append(_symbol(kind, x + DOT_R, y, DOT_R, LEGEND_DOT_CLASS))
            self.placer.take(
                (x - PAD, y - DOT_R - PAD, x + 2 * DOT_R + PAD, y + DOT_R + PAD)
            )
            label = _Label(word, FONT_LEGEND, x + symbol, top)
            self.placer.take(label.box)
            self.labels.append(label.svg("o_bti_nm_legend", background=False))
            x += symbol + label.width + gap
        rings = shorten(self.words["rings"], 100)
        size = FONT_LEGEND
        while size > 8 and text_width(rings, size) > WIDTH - 20:
            size -= 1
        self._fixed(
            rings,
            size,
            WIDTH / 2,
            top + 22 + LINE_HEIGHT * size / 2,
            "o_bti_nm_legend",
            fill="#424242",
        )

    def place_dots(self, persons):
        """Each group of one sector and ring spread over its band; returns
        ``[(group size, angle, person, x, y)]``."""
        groups = {}
        for person in persons:
            drawable = person.get("ring") in (1, 2, 3)
            if drawable and person.get("sector_id") in self.angles:
                key = (person["sector_id"], person["ring"])
                groups.setdefault(key, []).append(person)
        placed = []
        for (sector_id, ring), members in groups.items():
            start, end = self.angles[sector_id]
            inner = RING_RADII[ring - 2] if ring > 1 else R_CENTER
            positions = _dot_positions(
                len(members), start, end, inner, RING_RADII[ring - 1]
            )
            for person, (angle, radius) in zip(members, positions, strict=True):
                x, y = _point(angle, radius)
                # Some air around it: a name right beside a dot reads as its.
                air = DOT_R + DOT_AIR
                air_box = (x - air, y - air, x + air, y + air)
                self.placer.take(air_box)
                dot_box = (x - DOT_R - 1, y - DOT_R - 1, x + DOT_R + 1, y + DOT_R + 1)
                placed.append((len(members), angle, person, x, y, (air_box, dot_box)))
        return placed

    def sector_names(self):
        for sector in self.sectors:
            start, end = self.angles[sector["id"]]
            middle = (start + end) / 2
            x, y = _point(middle, RING_RADII[-1] + 8)
            text = shorten(sector["name"], MAX_SECTOR_CHARS)
            tries = ((FONT_SECTOR, 120), (11, WIDTH))
            label = _place_near(self.placer, text, tries, x, y, middle, 0)
            if label:
                self.placer.take(label.box)
                self.labels.append(label.svg("o_bti_nm_sector", "bold", fill="#37474f"))

    def persons(self, placed):
        """The dots and their names, the most crowded groups first; returns
        who found no room."""
        overflow = []
        placed.sort(key=lambda item: (-item[0], item[1]))
        for group_size, _angle, person, x, y, own in placed:
            title = escape(person.get("title") or person["name"])
            dot = _symbol(person.get("kind"), x, y, DOT_R)
            self.dots.append(f"<g><title>{title}</title>{dot}</g>")
            text = shorten(person["name"], MAX_LABEL_CHARS)
            side = 0.0 if x >= CX else math.pi
            tries = CROWDED_TRIES if group_size >= CROWDED else LABEL_TRIES
            label = _place_near(self.placer, text, tries, x, y, side, DOT_R + 3, own)
            if not label:
                overflow.append((person, x, y))
                continue
            self.placer.take(label.box)
            nx, ny = label.nearest(x, y)
            # A thin line leads to a name that had to move away.
            if math.hypot(nx - x, ny - y) > DOT_R + 6:
                self.lines.append(
                    f'<line x1="{_fmt(x)}" y1="{_fmt(y)}" x2="{_fmt(nx)}" '
                    f'y2="{_fmt(ny)}" stroke="#757575" stroke-width="0.8"></line>'
                )
            self.labels.append(label.svg("o_bti_nm_label"))
        return overflow

    def overflow(self, overflow):
        """Who found no room beside their dot (far beyond 30 persons):
        numbered, and listed under the drawing."""
        for number, (person, x, y) in enumerate(overflow, start=1):
            mark = _place_near(
                self.placer, str(number), ((FONT_RING, 60),), x, y, 0.0, 7
            )
            if mark:
                self.placer.take(mark.box)
                self.labels.append(mark.svg("o_bti_nm_label"))
            text = shorten(f"{number}. {person['name']}", 60)
            label = _Label(text, FONT_RING, 20, self.height, "start")
            self.labels.append(label.svg("o_bti_nm_label", background=False))
            self.height += OVERFLOW_LINE

    def svg(self):
        title = escape(self.words["title"])
        # The box keeps the drawing's proportions by its padding (also in the
        # PDF printer's old browser, which gives an SVG without a height none).
        ratio = 100 * self.height / WIDTH
        return "".join(
            [
                '<div class="o_bti_network_map" style="position: relative; '
                f'width: 100%; max-width: {WIDTH}px; margin: 0 auto;">',
                f'<div style="padding-bottom: {ratio:.2f}%;"></div>',
                '<svg xmlns="http://www.w3.org/2000/svg" '
                f'viewBox="0 0 {WIDTH} {self.height}" '
                'width="100%" height="100%" role="img" '
                f"aria-label={quoteattr(self.words['title'])} "
                'style="position: absolute; top: 0; left: 0; width: 100%; '
                f'height: 100%; font-family: {FONT_FAMILY};">',
                f"<title>{title}</title>",
                *self.background,
                *self.lines,
                *self.dots,
                *self.labels,
                "</svg></div>",
            ]
        )


def draw(sectors, persons, center_label, words):
    """The SVG of a network map (in a box keeping its proportions), as a
    string.

    :param sectors: ``[{"id", "name", "color"}]`` in their order
    :param persons: ``[{"name", "sector_id", "ring" (1-3), "kind", "title"}]``
        in their order (``title``: the tooltip)
    :param center_label: the text in the middle
    :param words: translated words: ``title``, ``resource``, ``strain``,
        ``both``, ``rings``
    """
    drawing = _Drawing(sectors, words)
    drawing.circle()
    drawing.center(center_label)
    drawing.legend()
    placed = drawing.place_dots(persons)
    drawing.sector_names()
    drawing.overflow(drawing.persons(placed))
    return drawing.svg()
