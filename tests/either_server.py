"""One interface over the Flask test client and a real `kemensos-kg serve` on an ephemeral port, and the
three fixtures a test module needs to run each test through both (`flask_client`, `http_client`, `client`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from server_process import running_server

from server.app import create_app
from server.config import ServerConfig


class Either:
    """GET over the Flask test client or over HTTP, answering the same way."""

    def __init__(self, flask: Any = None, base_url: str = "") -> None:
        self.flask, self.base_url = flask, base_url

    def get(self, path: str, accept: str = "text/turtle") -> tuple[int, str, bytes]:
        """Status, media type (without parameters) and body."""
        if self.flask is not None:
            response = self.flask.get(path, headers={"Accept": accept})
            return response.status_code, response.mimetype, response.get_data()
        response = requests.get(self.base_url + path, headers={"Accept": accept}, timeout=60)
        return response.status_code, response.headers.get("Content-Type", "").split(";")[0], response.content

    def text(self, path: str, accept: str = "text/html") -> tuple[int, str]:
        status, _, body = self.get(path, accept)
        return status, body.decode("utf-8")

    @property
    def root(self) -> str:
        return self.base_url or "http://localhost"


def fixtures(store: str, threads: int = 2) -> tuple[Callable[..., Any], ...]:
    """`flask_client`, `http_client` and `client` (parametrised over both) for the store the fixture
    named `store` gives; assign them to module-level names of those three names."""

    @pytest.fixture(scope="module")
    def flask_client(request: pytest.FixtureRequest) -> Iterator[Either]:
        app = create_app(ServerConfig(store_dir=request.getfixturevalue(store), threads=threads))
        yield Either(flask=app.test_client())
        app.extensions["kg_runner"].close()

    @pytest.fixture(scope="module")
    def http_client(request: pytest.FixtureRequest) -> Iterator[Either]:
        with running_server(request.getfixturevalue(store)) as server:
            yield Either(base_url=server.base_url)

    @pytest.fixture(params=["flask", "http"])
    def client(request: pytest.FixtureRequest) -> Either:
        return request.getfixturevalue(f"{request.param}_client")

    return flask_client, http_client, client
