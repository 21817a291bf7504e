"""Errors meant for the user.

Anything raised as a ``KGError`` is an expected failure (bad input, missing store, invalid
query, non-conforming data): its message is written for the person running the tool, and the
CLI prints it without a traceback. Any other exception is a bug and keeps its traceback.
"""

import re
import unicodedata


class KGError(Exception):
    """Base of the expected failures; ``str(error)`` is the message shown to the user."""

    #: process exit status the CLI returns for this kind of failure
    exit_code: int = 1


class DocumentError(KGError):
    """An input document is missing, unreadable or cannot be processed."""


class StoreError(KGError):
    """The on-disk store is missing, locked or cannot be read or written."""


class ValidationError(KGError):
    """The graph does not conform to the shapes; the full SHACL report is in ``report_text``."""

    def __init__(self, message: str, report_text: str) -> None:
        super().__init__(message)
        self.report_text = report_text


class QueryError(KGError):
    """The SPARQL query is invalid, or the result format does not fit the query form.

    Exit status 2, like other usage errors (argparse uses 2 too).
    """

    exit_code = 2


def query_syntax_error(kind: str, text: str, error: SyntaxError) -> QueryError:
    """The QueryError of a query or update pyoxigraph cannot parse, with the line it stopped at and a caret
    under the column.

    pyoxigraph says where its parser stopped ("error at 4:14: expected …", line and column counted in code
    points from 1) but not what stands there; in a query of forty lines the position alone sends the
    reader counting. So the message keeps pyoxigraph's words and adds the line, as compilers do::

        invalid SPARQL query: error at 3:13: expected one of LATERAL, SERVICE, [_]
          3 |   ?s ?p ?o ?x
            |             ^
    """
    message = str(error)
    found = _POSITION.search(message)
    shown = caret_line(text, int(found.group(1)), int(found.group(2))) if found else ""
    return QueryError(f"invalid SPARQL {kind}: {message}" + (f"\n{shown}" if shown else ""))


_POSITION = re.compile(r"\berror at (\d+):(\d+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
WINDOW = 100  # characters of a long line shown around the column


def _pad(prefix: str) -> str:
    """Blank space as wide as `prefix` in a monospaced font: tabs kept, wide East Asian characters doubled."""
    return "".join(c if c == "\t" else "  " if unicodedata.east_asian_width(c) in ("W", "F") else " " for c in prefix)


def caret_line(text: str, line: int, column: int) -> str:
    """The numbered `line` of `text` and a caret under `column` (1-based, code points); "" if there is no
    such line. A column one past the end (the parser wanted more) points just after the last character."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines) or column < 1:
        return ""
    shown = _CONTROL.sub(" ", lines[line - 1].rstrip("\r"))  # a stray control character would garble the line
    index = min(column - 1, len(shown))
    start, end = 0, len(shown)
    if len(shown) > WINDOW:  # a long line (a whole query on one line) is cut around the column
        start = max(0, min(index - WINDOW // 2, len(shown) - WINDOW))
        end = start + WINDOW
    before = "…" if start > 0 else ""
    after = "…" if end < len(shown) else ""
    rest = "\n".join([lines[line - 1][index:], *lines[line:]])
    note = " (the text ends here)" if not rest.strip() else ""
    number = str(line)
    return (f"  {number} | {before}{shown[start:end]}{after}\n"
            f"  {' ' * len(number)} | {_pad(before + shown[start:index])}^{note}")


__all__ = ["KGError", "DocumentError", "StoreError", "ValidationError", "QueryError", "query_syntax_error", "caret_line"]
