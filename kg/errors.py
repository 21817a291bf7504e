"""Errors meant for the user.

Anything raised as a ``KGError`` is an expected failure (bad input, missing store, invalid
query, non-conforming data): its message is written for the person running the tool, and the
CLI prints it without a traceback. Any other exception is a bug and keeps its traceback.
"""


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


__all__ = ["KGError", "DocumentError", "StoreError", "ValidationError", "QueryError"]
