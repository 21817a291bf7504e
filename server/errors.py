"""Which HTTP status answers which expected failure."""

from __future__ import annotations

from kg.errors import KGError, QueryError, StoreError
from kg.query.evaluator import EvaluationError, NotAcceptable, QueryTimeout, ServiceFailed
from kg.query.federation import FederationRefused

STATUS: tuple[tuple[type[KGError], int], ...] = (
    (FederationRefused, 403),
    (QueryError, 400),
    (NotAcceptable, 406),
    (QueryTimeout, 503),
    (ServiceFailed, 502),
    (EvaluationError, 500),
    (StoreError, 503),
)


def status_of(exc: KGError) -> int:
    return next((status for kind, status in STATUS if isinstance(exc, kind)), 500)
