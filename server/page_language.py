"""Numbers on pages as the reader writes them: "26,200" for an English reader, "26.200" for an Indonesian one.

The reader's language is the better of English and Indonesian by `Accept-Language` (English when neither
is asked for). The pages' text stays English with Indonesian glosses; a number carries its language and
its plain value (`<data value="26200" lang="id">26.200</data>`), so a screen reader says it in that
language and a program reads the value without parsing either form.
"""

from __future__ import annotations

from flask import request
from markupsafe import Markup, escape

LANGUAGES = ("en", "id")  # the first is the default


def reader_language() -> str:
    """"en" or "id", whichever the request's `Accept-Language` prefers."""
    return request.accept_languages.best_match(LANGUAGES, default=LANGUAGES[0])


def format_number(value: int | float, language: str) -> str:
    """Thousands grouped as `language` writes them: English 26,200 and 2.5; Indonesian 26.200 and 2,5."""
    text = f"{value:,}"
    if language == "id":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def number_html(value: int | float) -> Markup:
    """`value` for the page (the template filter `number`), in the reader's language."""
    language = reader_language()
    lang = f' lang="{language}"' if language != LANGUAGES[0] else ""
    return Markup(f'<data value="{escape(str(value))}"{lang}>{escape(format_number(value, language))}</data>')


__all__ = ["LANGUAGES", "format_number", "number_html", "reader_language"]
