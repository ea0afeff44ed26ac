"""The English catalogue: complete, in step with the sources, and compiled from its latest text."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
BABEL_CFG = ROOT / "babel.cfg"
CATALOGUES = ROOT / "portal" / "translations"
EN_PO = CATALOGUES / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = CATALOGUES / "en" / "LC_MESSAGES" / "messages.mo"

# The same keywords as `make translations` (pybabel extract -k _l): the defaults plus _l.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
UPDATE_HINT = (
    "run `make translations`, then translate the new entries in "
    "portal/translations/en/LC_MESSAGES/messages.po and run `make translations` again to compile"
)


def _key(message_id) -> str:
    """The catalogue key of a message: its msgid, or the singular of a plural message."""
    return message_id[0] if isinstance(message_id, (list, tuple)) else message_id


def _strings(value) -> tuple[str, ...]:
    """A translation as a tuple of forms (one form for an ordinary message)."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """The method map and options map of babel.cfg as pybabel reads them, Jinja2 with i18n."""
    try:
        from babel.messages.frontend import parse_mapping_cfg
    except ImportError:  # Babel < 2.14
        from babel.messages.frontend import parse_mapping as parse_mapping_cfg
    with open(BABEL_CFG, encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, filename=str(BABEL_CFG))
    for pattern, method in method_map:
        if method == "jinja2" or method.endswith("babel_extract"):
            options = options_map.setdefault(pattern, {})
            extensions = [e for e in options.get("extensions", "").split(",") if e.strip()]
            if "jinja2.ext.i18n" not in extensions:
                options["extensions"] = ",".join([*extensions, "jinja2.ext.i18n"])
    return method_map, options_map


def _translatable(catalog):
    """Every message of a catalogue except its header."""
    return [message for message in catalog if message.id]


@pytest.fixture(autouse=True)
def _clean():
    """These tests read files only: no application, database or cache to empty afterwards."""
    yield


@pytest.fixture(scope="module")
def en_catalog():
    with open(EN_PO, "rb") as fileobj:
        return read_po(fileobj, locale="en")


def test_every_message_is_translated(en_catalog):
    messages = _translatable(en_catalog)
    assert messages, f"{EN_PO} holds no messages"
    untranslated = [
        _key(m.id) for m in messages if not all(s and s.strip() for s in _strings(m.string))
    ]
    fuzzy = [_key(m.id) for m in messages if m.fuzzy]
    assert not untranslated, "Untranslated in the English catalogue:\n  " + "\n  ".join(
        untranslated
    )
    assert not fuzzy, "Fuzzy (unchecked) entries in the English catalogue:\n  " + "\n  ".join(fuzzy)
    assert not en_catalog.fuzzy, "The English catalogue header is marked fuzzy"


def test_placeholders_match(en_catalog):
    """Each translation keeps the python-format placeholders of its msgid."""
    problems = [
        f"{_key(message.id)}: {'; '.join(str(e) for e in errors)}"
        for message, errors in en_catalog.check()
    ]
    assert not problems, "Placeholder errors in the English catalogue:\n  " + "\n  ".join(problems)


def test_catalogue_is_up_to_date_with_the_sources(en_catalog):
    method_map, options_map = _method_map()
    extracted = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        extracted.setdefault((_key(message), context), f"{filename}:{lineno}")
    assert extracted, "Extraction found no messages; is babel.cfg still right?"
    missing = [
        f"{msgid!r} ({where})"
        for (msgid, context), where in sorted(extracted.items(), key=lambda item: item[1])
        if en_catalog.get(msgid, context) is None
    ]
    assert not missing, (
        f"{len(missing)} message(s) in the sources are missing from {EN_PO.relative_to(ROOT)}:\n  "
        + "\n  ".join(missing)
        + f"\nTo fix: {UPDATE_HINT}."
    )


def test_compiled_catalogue_matches_the_po(en_catalog):
    assert EN_MO.exists(), f"{EN_MO.relative_to(ROOT)} is missing: {UPDATE_HINT}"
    with open(EN_MO, "rb") as fileobj:
        compiled = read_mo(fileobj)
    expected = {
        (_key(m.id), m.context): _strings(m.string)
        for m in _translatable(en_catalog)
        if not m.fuzzy and any(_strings(m.string))
    }
    actual = {(_key(m.id), m.context): _strings(m.string) for m in _translatable(compiled)}
    stale = sorted(key[0] for key, strings in expected.items() if actual.get(key) != strings)
    extra = sorted(key[0] for key in actual.keys() - expected.keys())
    assert not stale and not extra, (
        f"{EN_MO.relative_to(ROOT)} is older than the .po "
        f"(changed or missing: {stale}; no longer in the .po: {extra}); "
        "run `.venv/bin/pybabel compile -d portal/translations` (or `make translations`)"
    )
