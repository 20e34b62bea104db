"""Every BTI addon speaks Norwegian: its ``i18n/nb.po`` translates every source
string the addon has in this database (models, fields, selections, views,
reports, data and the strings of its Python code), with the placeholders of
the source and no fuzzy entry.

The terms come from Odoo's own exporter (what ``--i18n-export`` writes), so a
new string without a translation fails here instead of showing in English.
Demo records (xml ids ``demo_*``) are written in Norwegian and not exported.
"""

import re
from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tools.translate import TranslationModuleReader

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _sources(env, module):
    terms = {}
    for mod, _type, _name, res_id, source, _value, _comments in TranslationModuleReader(
        env.cr, modules=[module]
    ):
        if mod != module or not source:
            continue
        if isinstance(res_id, str) and res_id.split(".")[-1].startswith("demo_"):
            terms.setdefault(source, False)
            continue
        terms[source] = True
    return {source for source, needed in terms.items() if needed}


def _po_entries(module):
    """The entries of the addon's ``i18n/nb.po`` by msgid (None: no file)."""
    po_path = Path(get_module_path(module)) / "i18n" / "nb.po"
    if not po_path.exists():
        return None
    return {
        entry.msgid: entry for entry in polib.pofile(str(po_path)) if not entry.obsolete
    }


def test_nb_translation_complete(env, bti_modules):
    problems = []
    for module in bti_modules.mapped("name"):
        entries = _po_entries(module)
        if entries is None:
            problems.append(f"{module}: no i18n/nb.po")
            continue
        for source in sorted(_sources(env, module)):
            entry = entries.get(source)
            if entry is None or not entry.msgstr:
                problems.append(f"{module}: untranslated: {source[:80]!r}")
            elif "fuzzy" in entry.flags:
                problems.append(f"{module}: fuzzy: {source[:80]!r}")
            elif sorted(PLACEHOLDER.findall(source)) != sorted(
                PLACEHOLDER.findall(entry.msgstr)
            ):
                problems.append(f"{module}: placeholders differ: {source[:80]!r}")
    assert not problems, "nb.po is not complete:\n" + "\n".join(problems)


def _code_sources(env, module):
    """Sources the addon translates in code (``_()`` in Python or JS), with
    the comments Odoo's exporter gives them (``odoo-python``,
    ``odoo-javascript``)."""
    sources = {}
    for mod, kind, _name, _res_id, source, _value, comments in TranslationModuleReader(
        env.cr, modules=[module]
    ):
        if mod == module and source and kind == "code":
            sources.setdefault(source, set()).update(comments or ())
    return sources


def test_nb_code_terms_reach_the_code(env, bti_modules):
    """Odoo translates ``_()`` only from po entries that name a code location
    and carry the exporter's ``odoo-python`` (``odoo-javascript``) comment,
    by which Odoo loads them for the code: without either, the code shows
    the term in English (as "Measures" on the case's smart button did, and
    the refusals of bti_vals_shape did for a stop)."""
    problems = []
    for module in bti_modules.mapped("name"):
        entries = _po_entries(module) or {}
        for source, comments in sorted(_code_sources(env, module).items()):
            entry = entries.get(source)
            if not entry:
                continue
            if not any(o[0].startswith("code:") for o in entry.occurrences):
                problems.append(f"{module}: no code reference: {source[:80]!r}")
            for comment in {"odoo-python", "odoo-javascript"} & comments:
                if comment not in (entry.comment or "").split("\n"):
                    problems.append(f"{module}: no {comment}: {source[:80]!r}")
    assert not problems, "nb.po entries the code cannot use:\n" + "\n".join(problems)
