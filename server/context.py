"""What every blueprint shares, read from the running app: its configuration, the query runner, the
SERVICE policy and the query time limit. `server.app` puts them there; blueprints import them from
here, never from the app, so no module imports the one that assembles them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from kg.query.federation import FederationPolicy
from kg.query.result_cache import Runner
from server.config import ServerConfig


def config() -> ServerConfig:
    return current_app.extensions["kg_config"]


def runner() -> Runner:
    return current_app.extensions["kg_runner"]


T = TypeVar("T")


def within_time_limit(evaluate: Callable[[], T]) -> T:
    """`evaluate()` under the query time limit of a worker that evaluates queries itself
    (`server.watchdog`); none is needed, and none is installed, when they run in killable child
    processes."""
    watchdog = current_app.extensions.get("kg_watchdog")
    return evaluate() if watchdog is None else watchdog.run(evaluate)


def policy() -> FederationPolicy:
    return current_app.extensions["kg_policy"]
