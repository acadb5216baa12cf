"""The languages of the pages a worker sees: catalogues, choosing a language, formatting.

Owns the gettext catalogues under `web/locale/<lang>/LC_MESSAGES/messages.po` (Babel/gettext),
the choice of a language per request and the locale-aware formatting of dates, numbers and
money (Babel's CLDR data). docs/i18n.md says how to add a string.

- **Catalogues** are compiled from the `.po` files in memory when the app starts (Babel's
  `read_po` → `write_mo`), once per process, so no compiled `.mo` file is committed and no
  build step is needed beyond installing the package.
- **Choosing**: the language the worker picked with the switcher (a cookie) wins; then the
  languages on the worker's own record, in order; then the browser's `Accept-Language`
  (RFC 9110 §12.5.4, by q-value); then English.
- **Direction**: `dir="rtl"` when the locale's CLDR character order is right-to-left (Arabic,
  Urdu); the portal's CSS uses logical properties only, so the layout mirrors by itself.
- **Which pages**: the worker portal, the worker-card sign-in and a worker's error pages.
  Staff pages stay in English (docs/web.md) — their users are organisations' staff.

Templates receive newstyle gettext callables (`_`, `gettext`, `ngettext`): arguments are
keyword placeholders (`_("Paid on %(day)s", day=…)`) and are HTML-escaped under autoescaping.
Python code marks strings for extraction with `N_()` and translates them in the template.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from fastapi import Request
from markupsafe import Markup, escape

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
COOKIE = "fairpath_lang"

#: The languages a worker can choose, with their names in themselves (the switcher shows these).
#: Tagalog is `tl` (ISO 639-1, as worker records write it); Babel formats it as Filipino (`fil`).
LANGUAGES: Mapping[str, str] = {
    "en": "English",
    "ne": "नेपाली",
    "bn": "বাংলা",
    "vi": "Tiếng Việt",
    "tl": "Tagalog",
    "id": "Bahasa Indonesia",
    "my": "မြန်မာ",
    "hi": "हिन्दी",
}
#: Every worker-facing string must be translated into each of these (tests/web/test_i18n.py).
REQUIRED = tuple(code for code in LANGUAGES if code != DEFAULT)
#: Right-to-left locales the layout is ready for; their text falls back to English until a
#: catalogue lands (an `ar`/`ur` directory under locale/ is picked up by itself).
LAYOUT_ONLY: Mapping[str, str] = {"ar": "العربية", "ur": "اردو"}
#: Babel's locale for a site language code, where the two differ.
BABEL_LOCALE = {"tl": "fil"}


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


def catalogue_path(lang: str) -> Path:
    """The `.po` file of `lang`."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> Catalog:
    """The parsed `.po` file of `lang`."""
    with catalogue_path(lang).open("rb") as handle:
        return read_po(handle, locale=BABEL_LOCALE.get(lang, lang), domain=DOMAIN)


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang` (English and unknown languages: the source strings)."""
    if lang == DEFAULT or not catalogue_path(lang).is_file():
        return NullTranslations()
    compiled = io.BytesIO()
    # Fuzzy entries are drafts, not translations: leave them out, the English shows instead.
    write_mo(compiled, read_catalogue(lang), use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def supported() -> dict[str, str]:
    """Every language a page can be shown in: the worker languages and the layout-only ones."""
    return {**LANGUAGES, **LAYOUT_ONLY}


def primary(tag: str) -> str:
    """`ne-NP` → `ne`; `fil` → `tl` (the site's code for Tagalog)."""
    code = tag.strip().replace("_", "-").split("-")[0].casefold()
    return "tl" if code == "fil" else code


def accept_language(header: str | None) -> list[str]:
    """Languages of an `Accept-Language` header, most wanted first (RFC 9110 §12.5.4)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag or tag == "*":
            continue
        weight = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            ranked.append((-weight, position, primary(tag)))
    return [tag for _, _, tag in sorted(ranked)]


def choose(cookie: str | None, record: Sequence[str], header: str | None) -> str:
    """The language to show: cookie, then the worker's record, then the browser, then English."""
    known = supported()
    for candidate in [cookie or "", *record, *accept_language(header)]:
        code = primary(candidate) if candidate else ""
        if code in known:
            return code
    return DEFAULT


@dataclass(frozen=True)
class Language:
    """One request's language: translations, direction and formatting."""

    code: str
    locale: Locale
    catalogue: NullTranslations

    @property
    def direction(self) -> str:
        """`rtl` or `ltr`, from CLDR's character order for the locale."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    def gettext(self, message: str, **variables: Any) -> Markup:
        """`message` translated, with `%(name)s` placeholders filled (escaped in templates)."""
        # Escaped, not trusted: a message may be a record's value or an error's detail (no
        # msgid carries markup); the variables are escaped by Markup's `%`.
        text = escape(self.catalogue.gettext(message))
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> Markup:
        """The plural form for `n` (available as `%(num)s`)."""
        text = escape(self.catalogue.ngettext(singular, plural, n))
        return text % {"num": n, **variables}

    def date(self, day: date | str | None) -> str:
        """A date with the month written out (`4 मार्च 2025`): abbreviations are harder to read."""
        if day is None:
            return "—"
        value = date.fromisoformat(day) if isinstance(day, str) else day
        return str(format_date(value, "long", locale=self.locale))

    def country(self, code: str) -> str:
        """A country's name in the language (CLDR), else its code."""
        return str(self.locale.territories.get(code, code))

    def number(self, value: Decimal | int | str | None) -> str:
        """A number with the locale's grouping and decimal signs."""
        if value is None:
            return "—"
        return str(format_decimal(Decimal(str(value)), locale=self.locale))

    def money(self, amount: Decimal | int | str | None, currency: str | None) -> str:
        """An amount with its currency, as the locale writes money."""
        if amount is None:
            return "—"
        if not currency:
            return self.number(amount)
        return str(format_currency(Decimal(str(amount)), currency, locale=self.locale))


@cache
def language(code: str) -> Language:
    """The Language of a supported code (English for anything else)."""
    if code not in supported():
        code = DEFAULT
    locale = Locale.parse(BABEL_LOCALE.get(code, code))
    return Language(code, locale, translations(code))


def for_request(request: Request, record: Sequence[str] = ()) -> Language:
    """The language of this request (cached on it); `record`: the worker's own languages."""
    cached = getattr(request.state, "language", None)
    if isinstance(cached, Language):
        return cached
    if not record:
        record = getattr(request.state, "record_languages", ())
    chosen = language(
        choose(request.cookies.get(COOKIE), record, request.headers.get("accept-language"))
    )
    request.state.language = chosen
    return chosen


def template_context(lang: Language, path: str) -> dict[str, Any]:
    """What templates use: gettext callables, direction, formatters and the switcher."""
    return {
        "_": lang.gettext,
        "gettext": lang.gettext,
        "ngettext": lang.ngettext,
        "lang": lang,
        "switcher": switcher(lang.code, path),
    }


def english() -> Language:
    """The language of staff pages."""
    return language(DEFAULT)


def switcher(current: str, path: str) -> list[tuple[str, str, str, bool]]:
    """(code, name, href, current) of each worker language: plain links, no script."""
    return [
        (code, name, f"/language/{code}?next={quote(path)}", code == current)
        for code, name in LANGUAGES.items()
    ]


# --- keeping the catalogues complete (used by the test and by `python -m fairpath.web.i18n`) ---

#: What Babel extracts worker-facing strings from (also written out as babel.cfg at the root).
SOURCES: Sequence[tuple[str, str]] = (
    ("portal*.py", "python"),
    ("i18n.py", "python"),
    ("templates/portal/**.html", "jinja2"),
    ("templates/card.html", "jinja2"),
)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extract_messages(root: Path = Path(__file__).parent) -> dict[str, list[str]]:
    """Every worker-facing msgid in the sources → where it occurs (`file:line`)."""
    found: dict[str, list[str]] = {}
    method_map = list(SOURCES)
    options = {
        pattern: {"extensions": "jinja2.ext.i18n"} for pattern, m in SOURCES if m != "python"
    }
    for filename, line, message, _comments, _context in extract_from_dir(
        root, method_map=method_map, options_map=options, keywords=KEYWORDS
    ):
        ids: Iterable[str] = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{line}")
    return found


def update_catalogues(messages: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Add new msgids to every catalogue (empty translation), drop ones no longer used;
    returns per language the msgids still untranslated."""
    missing: dict[str, list[str]] = {}
    for lang in REQUIRED:
        path = catalogue_path(lang)
        catalog = (
            read_catalogue(lang)
            if path.is_file()
            else Catalog(locale=BABEL_LOCALE.get(lang, lang), domain=DOMAIN)
        )
        fresh = Catalog(locale=BABEL_LOCALE.get(lang, lang), domain=DOMAIN)
        fresh.project, fresh.language_team = "fairpath", f"fairpath {LANGUAGES[lang]}"
        for msgid, where in sorted(messages.items()):
            old = catalog.get(msgid)
            locations = [(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in where]
            fresh.add(msgid, old.string if old else "", locations=locations)
            if not (old and old.string):
                missing.setdefault(lang, []).append(msgid)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, fresh, width=100, sort_output=True, omit_header=False)
    return missing


def main(argv: Sequence[str]) -> int:
    """`python -m fairpath.web.i18n update`: sync the catalogues with the sources."""
    if list(argv) != ["update"]:
        sys.stderr.write("usage: python -m fairpath.web.i18n update\n")
        return 2
    missing = update_catalogues(extract_messages())
    for lang, ids in sorted(missing.items()):
        sys.stderr.write(f"{lang}: {len(ids)} string(s) to translate\n")
    return 1 if missing else 0


if __name__ == "__main__":  # pragma: no cover - a developer's command
    raise SystemExit(main(sys.argv[1:]))
