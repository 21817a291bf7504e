"""What a query asks to fetch (`ServiceTarget`) and the error that refuses it.

Why a module of its own: the tokenizer (`kg.query.sparql_scan`) finds targets and refuses ones it
cannot read, the policy (`kg.query.federation`) refuses ones not allowed; both need these types,
and neither should import the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kg.errors import KGError

TargetKind = Literal["service", "load"]


@dataclass(frozen=True)
class ServiceTarget:
    """One outbound fetch a query or update asks for.

    ``iri`` is the absolute target (prefixed names expanded, relative IRIs resolved against
    ``BASE``; left relative when there is no base), or ``None`` for a variable target, whose name
    (without ``?``/``$``) is in ``variable``. ``position`` is the character offset of the
    ``SERVICE``/``LOAD`` keyword in the text.
    """

    iri: str | None
    variable: str | None
    silent: bool
    position: int
    kind: TargetKind = "service"

    def describe(self) -> str:
        """The target as it would be written: ``SERVICE SILENT <http://…>``, ``SERVICE ?ep``."""
        words = ["SERVICE" if self.kind == "service" else "LOAD"]
        if self.silent:
            words.append("SILENT")
        words.append(f"?{self.variable}" if self.iri is None else f"<{self.iri}>")
        return " ".join(words)


class FederationRefused(KGError):
    """A ``SERVICE`` or ``LOAD`` target is not allowed; the query is not evaluated.

    Exit status 2 (a usage error, like an invalid query); the HTTP server answers 403.
    """

    exit_code = 2

    def __init__(self, message: str, target: ServiceTarget | None = None) -> None:
        super().__init__(message)
        self.target = target


def where(text: str, position: int) -> str:
    """``at line L, column C`` (both from 1) for a character offset."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"at line {line}, column {column}"
